package org.parcelgate.auth;

import java.time.Instant;

/**
 * The replay guard the gateway uses: an in-memory cache answers repeats cheaply, and a durable
 * record behind it makes a first use survive restarts. A use counts only once it is recorded
 * durably: if the durable record fails (the store cannot write), the cache forgets the pair again,
 * so the request fails as the store's fault and the same token sent after the store recovers is no
 * replay.
 */
public final class LayeredReplayGuard implements ReplayGuard {
  private final CaffeineReplayGuard recent;
  private final ReplayGuard durable;

  public LayeredReplayGuard(CaffeineReplayGuard recent, ReplayGuard durable) {
    this.recent = recent;
    this.durable = durable;
  }

  @Override
  public boolean firstUse(String issuer, String jti, Instant retainUntil) {
    if (!recent.firstUse(issuer, jti, retainUntil)) {
      return false;
    }
    try {
      return durable.firstUse(issuer, jti, retainUntil);
    } catch (RuntimeException e) {
      recent.forget(issuer, jti);
      throw e;
    }
  }
}
