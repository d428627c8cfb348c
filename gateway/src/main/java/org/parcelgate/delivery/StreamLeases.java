package org.parcelgate.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.parcelgate.store.DeliveryStore;
import org.parcelgate.store.FeedKind;

/**
 * This instance's leases of push streams: several instances on one database push a recipient's
 * stream only while they hold its lease ({@link DeliveryStore#lease}), so a stream is pushed by one
 * instance at a time, and taken over by another once its holder stops renewing.
 *
 * <p>A lease taken at {@code t} (this instance's clock, read before the store call) lasts in the
 * store until {@code t + ttl}. This instance uses it only until {@code t + 2/3 ttl}: the last third
 * is the safety margin that covers the skew between the instances' clocks and the time between a
 * check and the bytes leaving, so the holder has stopped pushing before another may take the lease.
 * An attempt is bounded by what is left of that time ({@link #remaining}), so a slow receiver
 * cannot keep a delivery open into another holder's lease. The pusher renews before each attempt,
 * before it stores an attempt's outcome, and every third of the ttl.
 *
 * <p>Thread-safe: renewals run on worker threads, the checks on the pusher's event loop.
 */
final class StreamLeases {
  /** One push stream. */
  record Stream(String recipient, FeedKind kind) {}

  private final DeliveryStore store;
  private final String holder;
  private final Duration ttl;
  private final Duration usable;
  private final Clock clock;
  private final Map<Stream, Instant> usableUntil = new ConcurrentHashMap<>();
  private boolean released;

  StreamLeases(DeliveryStore store, String holder, Duration ttl, Clock clock) {
    this.store = store;
    this.holder = holder;
    this.ttl = ttl;
    this.usable = ttl.multipliedBy(2).dividedBy(3);
    this.clock = clock;
  }

  /** How often a held lease is renewed while no attempt renews it. */
  Duration renewEvery() {
    return ttl.dividedBy(3);
  }

  /**
   * Takes or renews a stream's lease; blocking, on a worker thread. A store failure leaves the
   * lease as it was known: it runs out on its own if the store stays unreachable. Serialized with
   * {@link #releaseAll}, so a renewal still running at stop cannot take a lease back after it.
   *
   * @return whether this instance holds it now
   */
  synchronized boolean renew(String recipient, FeedKind kind) {
    if (released) {
      return false;
    }
    Stream stream = new Stream(recipient, kind);
    Instant now = clock.instant();
    if (store.lease(recipient, kind, holder, now, ttl)) {
      usableUntil.put(stream, now.plus(usable));
      return true;
    }
    usableUntil.remove(stream);
    return false;
  }

  /** How much longer this instance may push a stream; zero when it may not. */
  Duration remaining(String recipient, FeedKind kind) {
    Instant until = usableUntil.get(new Stream(recipient, kind));
    if (until == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), until);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** The streams this instance may push now. */
  List<Stream> held() {
    Instant now = clock.instant();
    return usableUntil.entrySet().stream()
        .filter(entry -> entry.getValue().isAfter(now))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** How many streams this instance may push now: the gauge. */
  int count() {
    return held().size();
  }

  /**
   * Gives up every lease this instance took, so another instance takes the streams over at once;
   * blocking, on a worker thread, once no attempt is in flight.
   */
  synchronized void releaseAll() {
    released = true;
    for (Stream stream : List.copyOf(usableUntil.keySet())) {
      usableUntil.remove(stream);
      store.release(stream.recipient(), stream.kind(), holder);
    }
  }
}
