package org.parcelgate.risk;

import java.time.Instant;
import java.util.function.Function;

/**
 * A recipient's risk state as the detectors read and change it: opaque values under {@link
 * StateKey}s, each a detector's own encoding. A value may expire: after its expiry it is as if it
 * had never been put, and a store may delete it.
 */
public interface RiskState {
  /** The value under {@code key}, or null. */
  byte[] get(StateKey key);

  /**
   * Sets the value under {@code key}.
   *
   * @param expiresAt when the value may be forgotten; null to keep it
   */
  void put(StateKey key, byte[] value, Instant expiresAt);

  /**
   * The value under {@code key} as {@code decode} makes it, or null. A state may keep the decoded
   * object and hand out the same one again (so a value many records share, such as a unit-value
   * band, is decoded once per step, not once per record): a caller that changes the object must
   * {@link #write} it, and every caller of one kind must decode it the same way.
   */
  default <T> T read(StateKey key, Function<byte[], T> decode) {
    byte[] value = get(key);
    return value == null ? null : decode.apply(value);
  }

  /**
   * Sets the value under {@code key} to {@code value}; a state may keep the object and encode it
   * only when it stores it. The caller must not change the object afterwards without writing it
   * again.
   *
   * @param expiresAt when the value may be forgotten; null to keep it
   */
  default <T> void write(StateKey key, T value, Function<T, byte[]> encode, Instant expiresAt) {
    put(key, encode.apply(value), expiresAt);
  }
}
