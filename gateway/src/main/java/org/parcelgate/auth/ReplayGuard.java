package org.parcelgate.auth;

import java.time.Instant;

/**
 * Remembers which {@code (iss, jti)} pairs have been accepted, at least until the token could no
 * longer be accepted anyway. Keyed on claims, never on token bytes: an ECDSA signature can be
 * re-encoded into different bytes.
 */
public interface ReplayGuard {
  /**
   * Records a first use.
   *
   * @param retainUntil the instant after which the token would be refused as expired, so the entry
   *     may be forgotten
   * @return {@code true} if this is the first use of the pair, {@code false} if it was used before
   */
  boolean firstUse(String issuer, String jti, Instant retainUntil);
}
