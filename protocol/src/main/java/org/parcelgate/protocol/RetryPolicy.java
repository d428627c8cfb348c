package org.parcelgate.protocol;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the wait before attempt {@code n + 1} is drawn uniformly
 * from zero to {@code min(maxDelay, initialDelay * 2^(n - 1))}, so receivers coming back from an
 * outage are not met by every sender at once.
 */
public record RetryPolicy(Duration initialDelay, Duration maxDelay) {
  public RetryPolicy {
    if (initialDelay.isNegative()
        || initialDelay.isZero()
        || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("delays must be positive, the maximum at least the first");
    }
  }

  /** The ceiling of the wait after {@code failures} consecutive failed attempts (at least 1). */
  public Duration ceiling(int failures) {
    Duration ceiling = initialDelay;
    Duration half = maxDelay.dividedBy(2);
    for (int i = 1; i < failures && ceiling.compareTo(maxDelay) < 0; i++) {
      ceiling = ceiling.compareTo(half) > 0 ? maxDelay : ceiling.multipliedBy(2);
    }
    return ceiling.compareTo(maxDelay) > 0 ? maxDelay : ceiling;
  }

  /**
   * The wait after {@code failures} consecutive failed attempts: jittered below the ceiling, in
   * whole milliseconds (the resolution of the timers that wait it).
   */
  public Duration delay(int failures, RandomGenerator random) {
    long millis = ceiling(failures).toMillis();
    return Duration.ofMillis(random.nextLong(millis == Long.MAX_VALUE ? millis : millis + 1));
  }
}
