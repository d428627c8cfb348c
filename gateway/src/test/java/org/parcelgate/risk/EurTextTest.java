package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EurTextTest {

  @Test
  void oneDecimalRoundsHalfUpAsTheFormatterDoes() {
    assertThat(EurText.oneDecimal(3.25)).isEqualTo("3.3");
    assertThat(EurText.oneDecimal(3.04)).isEqualTo("3.0");
    assertThat(EurText.oneDecimal(0.05)).isEqualTo("0.1");
    assertThat(EurText.oneDecimal(12.0)).isEqualTo("12.0");
    assertThat(EurText.oneDecimal(1e9)).isEqualTo("1000000000.0");
  }

  @Test
  void oneDecimalWritesWhatTheFormatterWritesForAnyValue() {
    SplittableRandom random = new SplittableRandom(16);
    for (int i = 0; i < 100_000; i++) {
      double value =
          switch (i % 4) {
            case 0 -> random.nextDouble() * 20;
            case 1 -> Math.round(random.nextDouble() * 2_000) / 100.0 + 0.05;
            case 2 -> -random.nextDouble() * 5;
            default -> random.nextDouble() * 1e7;
          };
      assertThat(EurText.oneDecimal(value))
          .as("%s", value)
          .isEqualTo(String.format(Locale.ROOT, "%.1f", value));
    }
    for (double value :
        new double[] {0.0, -0.0, -0.04, Double.NaN, Double.POSITIVE_INFINITY, 1e-300}) {
      assertThat(EurText.oneDecimal(value)).isEqualTo(String.format(Locale.ROOT, "%.1f", value));
    }
  }
}
