package org.parcelgate.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A recipient's circuit breaker: after {@code threshold} consecutive failed deliveries it opens and
 * refuses attempts for {@code openFor}; then it lets one trial through (half open), which closes it
 * on success and opens it again on failure. Keeps a receiver that is down from being called on
 * every retry of every stream. Changed by one thread only (the pusher's context); its state may be
 * read from others (metrics).
 */
public final class CircuitBreaker {
  /** The breaker's state, as metrics and the operator API show it. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int threshold;
  private final Duration openFor;
  private final Clock clock;
  private volatile int failures;
  private volatile Instant openUntil;

  public CircuitBreaker(int threshold, Duration openFor, Clock clock) {
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be positive");
    }
    this.threshold = threshold;
    this.openFor = openFor;
    this.clock = clock;
  }

  public State state() {
    Instant until = openUntil;
    if (until == null) {
      return State.CLOSED;
    }
    return clock.instant().isBefore(until) ? State.OPEN : State.HALF_OPEN;
  }

  /** How long until an attempt is allowed: zero unless the circuit is open. */
  public Duration waitBeforeAttempt() {
    Instant until = openUntil;
    Instant now = clock.instant();
    if (until == null || !now.isBefore(until)) {
      return Duration.ZERO;
    }
    return Duration.between(now, until);
  }

  public void success() {
    failures = 0;
    openUntil = null;
  }

  public void failure() {
    failures++;
    if (state() == State.HALF_OPEN || failures >= threshold) {
      openUntil = clock.instant().plus(openFor);
    }
  }

  /** A copy with the same state, for reading on another thread. */
  public CircuitBreaker snapshot() {
    CircuitBreaker copy = new CircuitBreaker(threshold, openFor, clock);
    copy.failures = failures;
    copy.openUntil = openUntil;
    return copy;
  }

  /** Consecutive failures since the last success. */
  public int failures() {
    return failures;
  }
}
