package org.parcelgate.http;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts each partner's requests in flight against one limit, so that one partner cannot take every
 * connection and worker of the gateway. A permit is given back exactly once; a partner with nothing
 * in flight has no entry.
 *
 * <p>Plain Java and thread-safe.
 */
final class PartnerInFlight {
  private final int limit;
  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

  PartnerInFlight(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a partner may have at least one request: " + limit);
    }
    this.limit = limit;
  }

  /** A permit for one more request of the partner, or nothing if it is at its limit. */
  Optional<Permit> tryAcquire(String partnerId) {
    boolean[] granted = {false};
    inFlight.compute(
        partnerId,
        (id, count) -> {
          int current = count == null ? 0 : count;
          if (current >= limit) {
            return count;
          }
          granted[0] = true;
          return current + 1;
        });
    return granted[0] ? Optional.of(new Permit(partnerId)) : Optional.empty();
  }

  /** The partner's requests in flight now. */
  int inFlight(String partnerId) {
    return inFlight.getOrDefault(partnerId, 0);
  }

  int limit() {
    return limit;
  }

  /** One request's place; {@link #release} gives it back once, later calls do nothing. */
  final class Permit {
    private final String partnerId;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(String partnerId) {
      this.partnerId = partnerId;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        inFlight.computeIfPresent(partnerId, (id, count) -> count <= 1 ? null : count - 1);
      }
    }
  }
}
