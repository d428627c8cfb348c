package org.parcelgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.parcelgate.delivery.CircuitBreaker.State;
import org.parcelgate.testing.MutableClock;

class CircuitBreakerTest {
  private static final Duration OPEN_FOR = Duration.ofSeconds(30);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private final CircuitBreaker breaker = new CircuitBreaker(3, OPEN_FOR, clock);

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      breaker.failure();
    }
  }

  @Test
  void startsClosed() {
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.waitBeforeAttempt()).isZero();
    assertThat(breaker.failures()).isZero();
  }

  @Test
  void staysClosedBelowTheThreshold() {
    fail(2);

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.waitBeforeAttempt()).isZero();
    assertThat(breaker.failures()).isEqualTo(2);
  }

  @Test
  void opensAtTheThresholdForTheOpenDuration() {
    fail(3);

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.waitBeforeAttempt()).isEqualTo(OPEN_FOR);

    clock.advance(Duration.ofSeconds(12));
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.waitBeforeAttempt()).isEqualTo(Duration.ofSeconds(18));

    clock.advance(Duration.ofSeconds(18).minusNanos(1));
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.waitBeforeAttempt()).isEqualTo(Duration.ofNanos(1)).isPositive();
  }

  @Test
  void isHalfOpenOnceTheOpenDurationHasPassed() {
    fail(3);

    clock.advance(OPEN_FOR);
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.waitBeforeAttempt()).isZero();

    clock.advance(Duration.ofHours(1));
    assertThat(breaker.state()).as("until the trial ends").isEqualTo(State.HALF_OPEN);
  }

  @Test
  void aFailedTrialReopensAtOnceForTheWholeDuration() {
    CircuitBreaker patient = new CircuitBreaker(5, OPEN_FOR, clock);
    for (int i = 0; i < 5; i++) {
      patient.failure();
    }
    clock.advance(OPEN_FOR.plusSeconds(5));
    assertThat(patient.state()).isEqualTo(State.HALF_OPEN);

    patient.failure();

    assertThat(patient.state()).isEqualTo(State.OPEN);
    assertThat(patient.waitBeforeAttempt()).isEqualTo(OPEN_FOR);
  }

  @Test
  void aSuccessfulTrialClosesAndResetsTheFailures() {
    fail(3);
    clock.advance(OPEN_FOR);

    breaker.success();

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.failures()).isZero();
    assertThat(breaker.waitBeforeAttempt()).isZero();
    fail(2);
    assertThat(breaker.state()).as("counting starts afresh").isEqualTo(State.CLOSED);
    breaker.failure();
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void aSuccessBeforeTheThresholdResetsTheCount() {
    fail(2);
    breaker.success();
    fail(2);

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.failures()).isEqualTo(2);
  }

  @Test
  void aThresholdOfOneOpensOnTheFirstFailure() {
    CircuitBreaker touchy = new CircuitBreaker(1, OPEN_FOR, clock);

    touchy.failure();

    assertThat(touchy.state()).isEqualTo(State.OPEN);
  }

  @Test
  void refusesAThresholdBelowOne() {
    assertThatThrownBy(() -> new CircuitBreaker(0, OPEN_FOR, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CircuitBreaker(-1, OPEN_FOR, clock))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSnapshotKeepsTheStateItWasTakenIn() {
    fail(3);
    CircuitBreaker snapshot = breaker.snapshot();

    breaker.success();

    assertThat(snapshot.state()).isEqualTo(State.OPEN);
    assertThat(snapshot.failures()).isEqualTo(3);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }
}
