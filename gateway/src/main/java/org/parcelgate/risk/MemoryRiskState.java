package org.parcelgate.risk;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Risk state in memory: the whole state of an evaluation run, or the part of a stored state one
 * step of the assessor loaded ({@link #loaded}), with the values it changed ({@link #changes}) to
 * write back. Not thread-safe.
 */
public final class MemoryRiskState implements RiskState {
  /** A value and its expiry (null: kept). */
  public record Value(byte[] value, Instant expiresAt) {}

  private final Map<StateKey, Value> values = new HashMap<>();
  private final Map<StateKey, Value> changes = new LinkedHashMap<>();
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
    state.values.putAll(stored);
    return state;
  }

  @Override
  public byte[] get(StateKey key) {
    Value value = values.get(key);
    if (value == null
        || (now != null && value.expiresAt() != null && !value.expiresAt().isAfter(now))) {
      return null;
    }
    return value.value();
  }

  @Override
  public void put(StateKey key, byte[] value, Instant expiresAt) {
    Value entry = new Value(value.clone(), expiresAt);
    values.put(key, entry);
    changes.put(key, entry);
  }

  /** The values put since this state was made or last {@link #clearChanges cleared}. */
  public Map<StateKey, Value> changes() {
    return Collections.unmodifiableMap(changes);
  }

  public void clearChanges() {
    changes.clear();
  }

  /** Every value, for export and tests. */
  public Map<StateKey, Value> values() {
    return Collections.unmodifiableMap(values);
  }
}
