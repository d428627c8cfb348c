package org.parcelgate.risk;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Risk state in memory: the whole state of an evaluation run, or the part of a stored state one
 * step of the assessor loaded ({@link #loaded}), with the values it changed ({@link #changes}) to
 * write back. Values read with {@link #read} are kept decoded and values set with {@link #write}
 * are encoded only when {@link #changes} asks for them, so a value many records of a step share is
 * decoded and encoded once per step. Not thread-safe.
 */
public final class MemoryRiskState implements RiskState {
  /** A value and its expiry (null: kept). */
  public record Value(byte[] value, Instant expiresAt) {}

  /** A value as bytes, or as an object (with its encoder when it was written), or both. */
  private static final class Slot {
    byte[] bytes;
    Object object;
    Function<Object, byte[]> encoder;
    Instant expiresAt;

    byte[] bytes() {
      if (bytes == null) {
        bytes = encoder.apply(object);
      }
      return bytes;
    }
  }

  private final Map<StateKey, Slot> values = new HashMap<>();
  private final Set<StateKey> changed = new LinkedHashSet<>();
  private final Instant now;

  private MemoryRiskState(Instant now) {
    this.now = now;
  }

  /** An empty state that treats values expired at {@code now}, or never when null. */
  public static MemoryRiskState empty(Instant now) {
    return new MemoryRiskState(now);
  }

  /** A state holding the values a store loaded. */
  public static MemoryRiskState loaded(Map<StateKey, Value> stored, Instant now) {
    MemoryRiskState state = new MemoryRiskState(now);
    stored.forEach(
        (key, value) -> {
          Slot slot = new Slot();
          slot.bytes = value.value();
          slot.expiresAt = value.expiresAt();
          state.values.put(key, slot);
        });
    return state;
  }

  private Slot live(StateKey key) {
    Slot slot = values.get(key);
    if (slot == null || (now != null && slot.expiresAt != null && !slot.expiresAt.isAfter(now))) {
      return null;
    }
    return slot;
  }

  @Override
  public byte[] get(StateKey key) {
    Slot slot = live(key);
    return slot == null ? null : slot.bytes();
  }

  @Override
  public void put(StateKey key, byte[] value, Instant expiresAt) {
    Slot slot = new Slot();
    slot.bytes = value.clone();
    slot.expiresAt = expiresAt;
    values.put(key, slot);
    changed.add(key);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T read(StateKey key, Function<byte[], T> decode) {
    Slot slot = live(key);
    if (slot == null) {
      return null;
    }
    if (slot.object == null) {
      slot.object = decode.apply(slot.bytes);
    }
    return (T) slot.object;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> void write(StateKey key, T value, Function<T, byte[]> encode, Instant expiresAt) {
    Slot slot = new Slot();
    slot.object = value;
    slot.encoder = (Function<Object, byte[]>) encode;
    slot.expiresAt = expiresAt;
    values.put(key, slot);
    changed.add(key);
  }

  /**
   * The values set since this state was made or last {@link #clearChanges cleared}, encoded now: an
   * object written and changed since is encoded as it is at this call.
   */
  public Map<StateKey, Value> changes() {
    Map<StateKey, Value> changes = new LinkedHashMap<>();
    for (StateKey key : changed) {
      Slot slot = values.get(key);
      if (slot.encoder != null) {
        slot.bytes = null;
      }
      changes.put(key, new Value(slot.bytes(), slot.expiresAt));
    }
    return Collections.unmodifiableMap(changes);
  }

  public void clearChanges() {
    changed.clear();
  }

  /** Every value, for export and tests. */
  public Map<StateKey, Value> values() {
    Map<StateKey, Value> all = new LinkedHashMap<>();
    values.forEach((key, slot) -> all.put(key, new Value(slot.bytes(), slot.expiresAt)));
    return Collections.unmodifiableMap(all);
  }
}
