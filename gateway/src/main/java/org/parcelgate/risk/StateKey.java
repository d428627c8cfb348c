package org.parcelgate.risk;

import java.util.Objects;

/**
 * The key of one piece of a recipient's risk state: its kind (a detector's, such as {@code band} or
 * {@code split-group}) and the key within the kind. Keys are built from the minimized record only
 * (a buyer's pseudonym, never a buyer's identifier), at most {@link #MAX_KEY_LENGTH} characters.
 *
 * <p>A class rather than a record so that its hash is computed once: the assessor looks each key up
 * several times per record (the keys a record needs, the values held, the values changed), and
 * hashing the text again at each look-up led a profile of its thread. For the same reason it
 * carries the slot a {@link MemoryRiskState} last found for it, which is not part of its value.
 */
public final class StateKey {
  public static final int MAX_KIND_LENGTH = 32;
  public static final int MAX_KEY_LENGTH = 512;

  private final String kind;
  private final String key;
  private final int hash;

  /**
   * The slot a {@link MemoryRiskState} last found for this key object, so that the next look-up of
   * the same object in that state skips its map; not part of the key's value, and checked by the
   * state before use (it may be another state's, or one no longer held). A key object is used by
   * one thread: the assessor's or an evaluation's.
   */
  Object resolved;

  public StateKey(String kind, String key) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    if (kind.isEmpty() || kind.length() > MAX_KIND_LENGTH || key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("state kind or key too long");
    }
    this.kind = kind;
    this.key = key;
    this.hash = 31 * kind.hashCode() + key.hashCode();
  }

  public String kind() {
    return kind;
  }

  public String key() {
    return key;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object other) {
    return other == this
        || other instanceof StateKey that
            && hash == that.hash
            && kind.equals(that.kind)
            && key.equals(that.key);
  }

  @Override
  public String toString() {
    return "StateKey[kind=" + kind + ", key=" + key + "]";
  }
}
