package org.parcelgate.risk;

import java.util.Objects;

/**
 * The key of one piece of a recipient's risk state: its kind (a detector's, such as {@code band} or
 * {@code split-group}) and the key within the kind. Keys are built from the minimized record only
 * (a buyer's pseudonym, never a buyer's identifier), at most {@link #MAX_KEY_LENGTH} characters.
 */
public record StateKey(String kind, String key) {
  public static final int MAX_KIND_LENGTH = 32;
  public static final int MAX_KEY_LENGTH = 512;

  public StateKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    if (kind.isEmpty() || kind.length() > MAX_KIND_LENGTH || key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("state kind or key too long");
    }
  }

  // Written out: the assessor hashes and compares keys millions of times, and a record's generated
  // methods went through a method handle each time.
  @Override
  public int hashCode() {
    return 31 * kind.hashCode() + key.hashCode();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StateKey that && kind.equals(that.kind) && key.equals(that.key);
  }
}
