package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Times as the store keeps them, in microseconds since the epoch, either side of it. */
class StoredTimeTest {
  @Test
  void microsAreTheJdksMicrosecondsSinceTheEpoch() {
    SplittableRandom random = new SplittableRandom(16);
    for (int i = 0; i < 10_000; i++) {
      Instant time =
          Instant.ofEpochSecond(
              random.nextLong(-9_000_000_000L, 9_000_000_000L), random.nextInt(1_000_000_000));
      long micros = JdbcGatewayStore.micros(time);

      assertThat(micros).isEqualTo(ChronoUnit.MICROS.between(Instant.EPOCH, time));
      assertThat(JdbcGatewayStore.instant(micros))
          .isEqualTo(Instant.EPOCH.plus(micros, ChronoUnit.MICROS))
          .isEqualTo(GatewayStore.asStored(time));
    }
  }

  @Test
  void aTimeBeforeTheEpochKeepsItsMicrosecondsAsTheJdkCountsThem() {
    Instant time = Instant.parse("1969-12-31T23:59:59.999999500Z");

    assertThat(JdbcGatewayStore.micros(time)).isEqualTo(0L);
    assertThat(JdbcGatewayStore.instant(-1))
        .isEqualTo(Instant.parse("1969-12-31T23:59:59.999999Z"));
  }

  @Test
  void aTimeBeyondTheRangeOfMicrosecondsFailsAsTheJdkDoes() {
    assertThatThrownBy(() -> JdbcGatewayStore.micros(Instant.MAX))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> ChronoUnit.MICROS.between(Instant.EPOCH, Instant.MAX))
        .isInstanceOf(ArithmeticException.class);
    Instant year2300 = Instant.parse("2300-01-01T00:00:00Z");
    assertThatThrownBy(() -> JdbcGatewayStore.micros(year2300))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> ChronoUnit.MICROS.between(Instant.EPOCH, year2300))
        .isInstanceOf(ArithmeticException.class);
  }
}
