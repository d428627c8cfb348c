package org.parcelgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.parcelgate.testing.MutableClock;

class BackoffAndCircuitTest {
  private final RetryPolicy retry = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30));

  @Test
  void ceilingDoublesFromTheInitialDelayUpToTheMaximum() {
    assertThat(retry.ceiling(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(retry.ceiling(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(retry.ceiling(5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(retry.ceiling(6)).isEqualTo(Duration.ofSeconds(30));
    assertThat(retry.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void delaysAreJitteredBetweenZeroAndTheCeiling() {
    SplittableRandom random = new SplittableRandom(7);
    long distinct =
        java.util.stream.IntStream.range(0, 200)
            .mapToObj(i -> retry.delay(4, random))
            .peek(delay -> assertThat(delay).isBetween(Duration.ZERO, Duration.ofSeconds(8)))
            .distinct()
            .count();

    assertThat(distinct).as("full jitter spreads the waits").isGreaterThan(100);
  }

  @Test
  void refusesAMaximumBelowTheInitialDelayOrANonPositiveDelay() {
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void circuitOpensAfterConsecutiveFailuresAndLetsOneTrialThroughLater() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), clock);

    breaker.failure();
    breaker.failure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.waitBeforeAttempt()).isZero();

    breaker.failure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.waitBeforeAttempt()).isEqualTo(Duration.ofSeconds(10));

    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(breaker.waitBeforeAttempt()).isZero();
  }

  @Test
  void aFailedTrialOpensTheCircuitAgainAtOnceAndASuccessClosesIt() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
    CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), clock);
    for (int i = 0; i < 3; i++) {
      breaker.failure();
    }
    clock.advance(Duration.ofSeconds(11));

    breaker.failure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);

    clock.advance(Duration.ofSeconds(11));
    breaker.success();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.failures()).isZero();
    breaker.failure();
    assertThat(breaker.state()).as("counting starts afresh").isEqualTo(CircuitBreaker.State.CLOSED);
  }
}
