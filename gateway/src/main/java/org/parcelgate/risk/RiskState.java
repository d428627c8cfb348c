package org.parcelgate.risk;

import java.time.Instant;

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
}
