package org.parcelgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(1000));

  @Test
  void ceilingDoublesFromTheInitialDelayUpToTheMaximum() {
    assertThat(policy.ceiling(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.ceiling(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.ceiling(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(policy.ceiling(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(policy.ceiling(5)).as("1600 capped").isEqualTo(Duration.ofMillis(1000));
  }

  @Test
  void ceilingStaysAtTheMaximumForEveryLaterFailure() {
    for (int failures : List.of(5, 6, 31, 32, 63, 64, 65, 1_000, 1_000_000, Integer.MAX_VALUE)) {
      assertThat(policy.ceiling(failures))
          .as("after %d failures", failures)
          .isEqualTo(Duration.ofMillis(1000));
    }
  }

  @Test
  void ceilingIsTheInitialDelayWhenTheMaximumEqualsIt() {
    RetryPolicy flat = new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(2));

    assertThat(flat.ceiling(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(flat.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void ceilingDoesNotOverflowUnderTheLargestMaximum() {
    Duration largest = Duration.ofMillis(Long.MAX_VALUE);
    RetryPolicy unbounded = new RetryPolicy(Duration.ofMillis(1), largest);

    assertThat(unbounded.ceiling(63)).isEqualTo(Duration.ofMillis(1L << 62));
    for (int failures : List.of(64, 65, 100, 1_000)) {
      assertThat(unbounded.ceiling(failures)).as("after %d failures", failures).isEqualTo(largest);
    }
    assertThat(unbounded.delay(100, new SplittableRandom(1))).isBetween(Duration.ZERO, largest);
  }

  @Test
  void aSubMillisecondInitialDelayStillDoublesUpToTheMaximum() {
    RetryPolicy fine = new RetryPolicy(Duration.ofNanos(500_000), Duration.ofSeconds(1));

    assertThat(fine.ceiling(2)).isEqualTo(Duration.ofMillis(1));
    assertThat(fine.ceiling(3)).isEqualTo(Duration.ofMillis(2));
    assertThat(fine.ceiling(20)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void delaysStayBetweenZeroAndTheCeiling() {
    for (RandomGenerator random : List.of(new SplittableRandom(42), new Random(7))) {
      for (int failures = 1; failures <= 8; failures++) {
        Duration ceiling = policy.ceiling(failures);
        for (int draw = 0; draw < 500; draw++) {
          assertThat(policy.delay(failures, random))
              .as("after %d failures", failures)
              .isBetween(Duration.ZERO, ceiling);
        }
      }
    }
  }

  @Test
  void delaysSpreadOverTheWholeRangeIncludingBothEnds() {
    RetryPolicy small = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10));
    SplittableRandom random = new SplittableRandom(3);
    Set<Duration> seen = new HashSet<>();
    for (int draw = 0; draw < 2_000; draw++) {
      seen.add(small.delay(1, random));
    }

    assertThat(seen).hasSize(11).contains(Duration.ZERO, Duration.ofMillis(10));
  }

  @Test
  void theSameSeedGivesTheSameDelays() {
    SplittableRandom first = new SplittableRandom(99);
    SplittableRandom second = new SplittableRandom(99);

    for (int failures = 1; failures <= 10; failures++) {
      assertThat(policy.delay(failures, first)).isEqualTo(policy.delay(failures, second));
    }
  }

  @Test
  void refusesAZeroOrNegativeInitialDelay() {
    assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofMillis(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesAMaximumBelowTheInitialDelay() {
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofMillis(1999)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesMissingDelays() {
    assertThatThrownBy(() -> new RetryPolicy(null, Duration.ofSeconds(1)))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), null))
        .isInstanceOf(NullPointerException.class);
  }
}
