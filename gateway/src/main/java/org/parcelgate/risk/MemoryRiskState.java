package org.parcelgate.risk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Risk state in memory: the whole state of an evaluation run, or what the assessor holds of a
 * recipient's stored state, with the values changed since the last {@link #clearChanges} ({@link
 * #changes}) to write back. Values read with {@link #read} are kept decoded and values set with
 * {@link #write} are encoded only when {@link #changes} asks for them, so a value many records
 * share is decoded once and encoded once per write-back.
 *
 * <p>The assessor keeps one such state per recipient between its steps: it {@link #load loads} only
 * the keys the state does not {@link #missing hold} yet (a key the store lacks is held as absent),
 * sets the {@link #at time} each step judges expiry by, and {@link #trim trims} the values used
 * least recently after a step is stored. Not thread-safe.
 *
 * <p>A use is stamped on the value's slot, not kept as an order of entries: reordering entries (an
 * access-ordered map) writes references into old objects at every read, and each such write is a
 * card the collector scans and refines at the next young collection.
 */
public final class MemoryRiskState implements RiskState {
  /** A value and its expiry (null: kept). */
  public record Value(byte[] value, Instant expiresAt) {}

  /**
   * A value as bytes, or as an object (with its encoder when it was written), or both; neither for
   * a key known to have no value.
   */
  private static final class Slot {
    final StateKey key;

    /** The state holding it: a key's {@link StateKey#resolved resolved} slot may be another's. */
    final MemoryRiskState state;

    /** Until trimmed: a key may still refer to a slot the state no longer holds. */
    boolean held = true;

    byte[] bytes;
    Object object;
    Function<Object, byte[]> encoder;
    Instant expiresAt;

    /**
     * For a key known to have no value: the time the store was asked at. A store leaves out values
     * expired at that time, so at an earlier time the key may have a value after all.
     */
    Instant checkedAt;

    /** Set since the last {@link #clearChanges}: listed in {@link #changed}, never trimmed. */
    boolean changed;

    /** When last used, in {@link #uses} of the state: the greater, the more recent. */
    long used;

    /** When made, in {@link #uses} of the state. */
    final long made;

    Slot(StateKey key, MemoryRiskState state, long made) {
      this.key = key;
      this.state = state;
      this.made = made;
      this.used = made;
    }

    boolean absent() {
      return bytes == null && object == null;
    }

    byte[] bytes() {
      if (bytes == null && object != null) {
        bytes = encoder.apply(object);
      }
      return bytes;
    }
  }

  private final Map<StateKey, Slot> values = new HashMap<>(1024);

  /** Uses of the state's slots so far, which stamp them for {@link #trim}. */
  private long uses;

  /** The slots set since the last {@link #clearChanges}, each once, in the order first set. */
  private final List<Slot> changed = new ArrayList<>();

  /** {@link #uses} and the size of {@link #changed} at the last {@link #settle}. */
  private long settledUses;

  private int settledChanged;

  private Instant now;

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
          Slot slot = state.added(key);
          slot.bytes = value.value();
          slot.expiresAt = value.expiresAt();
        });
    return state;
  }

  /** The key's slot, if held, stamped as used now. */
  private Slot used(StateKey key) {
    Slot slot = slot(key);
    if (slot != null) {
      slot.used = ++uses;
    }
    return slot;
  }

  /**
   * The key's slot, if held: the one this key object was last resolved to, if this state still
   * holds it, else looked up (and remembered on the key). A record's keys are looked up when its
   * step collects the keys to load and again when each detector reads and writes them, with the
   * rest of the step's records in between; a look-up in a map of some 100,000 values, cold in the
   * processor's caches by then, was a fifth of the assessor's time in a profile.
   */
  private Slot slot(StateKey key) {
    if (key.resolved instanceof Slot slot && slot.state == this && slot.held) {
      return slot;
    }
    Slot slot = values.get(key);
    if (slot != null) {
      key.resolved = slot;
    }
    return slot;
  }

  /** A new slot for the key, held and stamped as used now. */
  private Slot added(StateKey key) {
    Slot slot = new Slot(key, this, ++uses);
    values.put(key, slot);
    key.resolved = slot;
    return slot;
  }

  private Slot live(StateKey key) {
    Slot slot = used(key);
    if (slot == null
        || slot.absent()
        || (now != null && slot.expiresAt != null && !slot.expiresAt.isAfter(now))) {
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
    Slot slot = changing(key);
    slot.bytes = value.clone();
    slot.object = null;
    slot.encoder = null;
    slot.expiresAt = expiresAt;
  }

  /**
   * The key's slot, made if the state holds none, marked changed; its old content is the caller's
   * to replace.
   */
  private Slot changing(StateKey key) {
    Slot slot = used(key);
    if (slot == null) {
      slot = added(key);
    }
    slot.checkedAt = null;
    if (!slot.changed) {
      slot.changed = true;
      changed.add(slot);
    }
    return slot;
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
    Slot slot = changing(key);
    slot.bytes = null;
    slot.object = value;
    slot.encoder = (Function<Object, byte[]>) encode;
    slot.expiresAt = expiresAt;
  }

  /** Judges expiry at {@code now} from here on (null: never). */
  public void at(Instant now) {
    this.now = now;
  }

  /**
   * Of these keys, those the state holds nothing about at its time: neither a value nor its absence
   * (a key known to be absent only at a later time counts as missing).
   */
  public Set<StateKey> missing(Collection<StateKey> keys) {
    Set<StateKey> missing = new LinkedHashSet<>();
    for (StateKey key : keys) {
      if (lacks(key)) {
        missing.add(key);
      }
    }
    return missing;
  }

  /**
   * Whether the state holds nothing about this key at its time: neither a value nor its absence (a
   * key known to be absent only at a later time counts as missing).
   */
  public boolean lacks(StateKey key) {
    Slot slot = used(key);
    return slot == null
        || (slot.absent() && now != null && slot.checkedAt != null && now.isBefore(slot.checkedAt));
  }

  /**
   * Adds what a store holds for keys the state is {@link #missing}: {@code stored} as found (the
   * store's values not expired at the state's time), and every other key of {@code asked} as known
   * to have no value at that time. Not a change; never replaces a value the state holds.
   */
  public void load(Map<StateKey, Value> stored, Collection<StateKey> asked) {
    stored.forEach(
        (key, value) -> {
          Slot held = used(key);
          if (held == null) {
            held = added(key);
          } else if (!held.absent()) {
            return;
          }
          held.bytes = value.value();
          held.expiresAt = value.expiresAt();
          held.checkedAt = null;
        });
    for (StateKey key : asked) {
      if (stored.containsKey(key)) {
        continue;
      }
      Slot held = used(key);
      if (held == null) {
        added(key).checkedAt = now;
      } else if (held.absent() && now != null && held.checkedAt != null) {
        // Absent at the earlier of the two times is absent at both.
        held.checkedAt = now.isBefore(held.checkedAt) ? now : held.checkedAt;
      }
    }
  }

  /**
   * When more than {@code max} values are held, forgets those used least recently until at most
   * half of {@code max} are, or as few as the values changed since the last {@link #clearChanges}
   * allow: a cache of a store that has every value not changed since, so a changed value is never
   * forgotten. The half left free spares most calls the passes over every value and the sort of
   * their uses: with a quarter free, those came about every twelve steps of the assessor and were
   * 8% of its samples in a profile.
   */
  public void trim(int max) {
    if (values.size() <= max) {
      return;
    }
    long[] unchanged = new long[values.size()];
    int count = 0;
    for (Slot slot : values.values()) {
      if (!slot.changed) {
        unchanged[count++] = slot.used;
      }
    }
    int excess = Math.min(values.size() - (max - max / 2), count);
    if (excess == 0) {
      return;
    }
    Arrays.sort(unchanged, 0, count);
    // Stamps are unique: exactly the excess least recently used go.
    long last = unchanged[excess - 1];
    values
        .values()
        .removeIf(
            slot -> {
              if (slot.changed || slot.used > last) {
                return false;
              }
              slot.held = false;
              return true;
            });
  }

  /**
   * Ends a step: each value made and set since the last call keeps only its bytes, encoded now, not
   * its object. Most such values are used once: nearly every record starts a split group of its
   * own. Kept as objects (a group, its list, its entries, their texts and times) they outlived
   * young collections until the checkpoint and the trim after it, the medium-lived objects a
   * generational collector handles worst; as bytes each is one array. A value made earlier and used
   * again (a band, a seller) keeps its object: it is used by most steps. The values are unchanged;
   * a value read again is decoded again.
   */
  public void settle() {
    for (int i = settledChanged; i < changed.size(); i++) {
      Slot slot = changed.get(i);
      if (slot.made > settledUses && slot.object != null) {
        slot.bytes = slot.encoder != null ? slot.encoder.apply(slot.object) : slot.bytes;
        slot.object = null;
        slot.encoder = null;
      }
    }
    settledUses = uses;
    settledChanged = changed.size();
  }

  /** How many values changed since the last {@link #clearChanges}. */
  public int changedCount() {
    return changed.size();
  }

  /** How many keys the state holds, values and known absences. */
  public int size() {
    return values.size();
  }

  /**
   * The values set since this state was made or last {@link #clearChanges cleared}, encoded now: an
   * object written and changed since is encoded as it is at this call.
   */
  public Map<StateKey, Value> changes() {
    // An immutable map made once: a checkpoint's step keeps it as it is (Map.copyOf of it is
    // itself), where a map built here and copied there was two maps of tens of thousands of keys.
    @SuppressWarnings("unchecked")
    Map.Entry<StateKey, Value>[] changes = new Map.Entry[changed.size()];
    for (int i = 0; i < changes.length; i++) {
      Slot slot = changed.get(i);
      if (slot.encoder != null) {
        slot.bytes = null;
      }
      changes[i] = Map.entry(slot.key, new Value(slot.bytes(), slot.expiresAt));
    }
    return Map.ofEntries(changes);
  }

  public void clearChanges() {
    for (Slot slot : changed) {
      slot.changed = false;
    }
    changed.clear();
    settledChanged = 0;
  }

  /** Every value, for export and tests. */
  public Map<StateKey, Value> values() {
    Map<StateKey, Value> all = new LinkedHashMap<>();
    values.forEach(
        (key, slot) -> {
          if (!slot.absent()) {
            all.put(key, new Value(slot.bytes(), slot.expiresAt));
          }
        });
    return Collections.unmodifiableMap(all);
  }
}
