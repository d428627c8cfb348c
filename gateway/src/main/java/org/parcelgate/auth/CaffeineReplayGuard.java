package org.parcelgate.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory, bounded replay guard. Each entry lives exactly until its token could no longer be
 * accepted.
 *
 * <p>The bound protects memory; it must exceed the peak token rate times the token lifetime,
 * otherwise an entry can be evicted while its token is still valid and the window reopens. Such
 * early evictions are counted and logged so that an operator sees an undersized cache. The durable
 * store (a later change) replaces this for restarts.
 */
public final class CaffeineReplayGuard implements ReplayGuard {
  private static final Logger LOG = LoggerFactory.getLogger(CaffeineReplayGuard.class);

  private final Clock clock;
  private final Cache<Key, Instant> seen;
  private final AtomicLong prematureEvictions = new AtomicLong();

  private record Key(String issuer, String jti) {}

  public CaffeineReplayGuard(long maximumSize, Clock clock) {
    this.clock = clock;
    this.seen =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .ticker(() -> nanos(clock.instant()))
            .expireAfter(
                new Expiry<Key, Instant>() {
                  @Override
                  public long expireAfterCreate(Key key, Instant retainUntil, long currentTime) {
                    return Math.max(0, Duration.between(clock.instant(), retainUntil).toNanos());
                  }

                  @Override
                  public long expireAfterUpdate(
                      Key key, Instant retainUntil, long currentTime, long duration) {
                    return duration;
                  }

                  @Override
                  public long expireAfterRead(
                      Key key, Instant retainUntil, long currentTime, long duration) {
                    return duration;
                  }
                })
            .removalListener(
                (Key key, Instant retainUntil, RemovalCause cause) -> {
                  if (cause == RemovalCause.SIZE) {
                    long evicted = prematureEvictions.incrementAndGet();
                    // Throttled: under sustained overload every insert evicts, and the log must not
                    // flood.
                    if (evicted == 1 || evicted % 10_000 == 0) {
                      LOG.warn(
                          "replay cache full: {} unexpired token ids evicted so far;"
                              + " raise token.replay-cache-size",
                          evicted);
                    }
                  }
                })
            .executor(Runnable::run)
            .build();
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  @Override
  public boolean firstUse(String issuer, String jti, Instant retainUntil) {
    return seen.asMap().putIfAbsent(new Key(issuer, jti), retainUntil) == null;
  }

  /**
   * Forgets a pair recorded by {@link #firstUse}: its use did not happen after all (the durable
   * record behind this cache failed), so the token is not spent and using it again is no replay.
   */
  public void forget(String issuer, String jti) {
    seen.invalidate(new Key(issuer, jti));
  }

  /**
   * Entries evicted for size before their token expired: a non-zero value means the cache is too
   * small.
   */
  public long prematureEvictions() {
    return prematureEvictions.get();
  }

  public long size() {
    seen.cleanUp();
    return seen.estimatedSize();
  }
}
