package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The undervaluation score ranks: on seeded traffic with a known share of undervalued lines (each
 * declared at 5-35% of its price), the flagged parcels among the 1% with the highest scores are
 * mostly undervalued ones. A check of the score's use, not the evaluation (the project's generator
 * and docs/risk.md report that).
 */
class UndervaluationRankingTest {
  private record Outcome(boolean undervalued, int score, int order) {}

  private static double precisionAtOnePercent(long seed, double fraudRate) {
    Random random = new Random(seed);
    RiskEngine engine =
        new RiskEngine(
            List.of(
                new UndervaluationDetector(
                    RiskSettings.defaults().undervaluation(),
                    ReferenceBands.of(ReferenceData.shipped()),
                    ReferenceData.shipped().exchangeRates())));
    MemoryRiskState state = MemoryRiskState.empty(null);
    String[] hs = {"851830", "610910", "640419", "420222", "950300", "330499", "711719", "392690"};
    String[] origins = {"CN", "CN", "CN", "VN", "TR", "IN"};
    List<Outcome> outcomes = new ArrayList<>();
    int parcels = 20_000;
    for (int i = 0; i < parcels; i++) {
      int h = random.nextInt(hs.length);
      String origin = origins[random.nextInt(origins.length)];
      // Each subheading's own market median (not the reference's), a wide spread of prices.
      double median = 300 * Math.pow(1.6, h) * (origin.equals("TR") ? 1.5 : 1);
      long price = Math.max(1, Math.round(median * Math.exp(0.5 * random.nextGaussian())));
      boolean undervalued = random.nextDouble() < fraudRate;
      if (undervalued) {
        price = Math.max(1, Math.round(price * (0.05 + 0.3 * random.nextDouble())));
      }
      String unit = hs[h].equals("640419") ? "PR" : "H87";
      RiskRecord record =
          ValueRecords.record(
              "T" + i,
              1,
              ValueRecords.T0.plus(Duration.ofMinutes(i)),
              "b" + i,
              "s" + random.nextInt(500),
              "DE",
              "EUR",
              price,
              List.of(new RiskRecord.Line(1, hs[h] + "00", origin, 1L, unit, price, price, 100L)));
      outcomes.add(new Outcome(undervalued, engine.assess(record, state).score(), i));
    }
    List<Outcome> top =
        outcomes.stream()
            .sorted(
                Comparator.comparingInt(Outcome::score).reversed().thenComparingInt(Outcome::order))
            .filter(outcome -> outcome.score() > 0)
            .limit(parcels / 100)
            .toList();
    assertThat(top).as("flagged among the top 1%").hasSizeGreaterThan(parcels / 200);
    return top.stream().filter(Outcome::undervalued).count() / (double) top.size();
  }

  @Test
  void theTopOnePercentByScoreIsMostlyUndervalued() {
    assertThat(precisionAtOnePercent(16, 0.03)).isGreaterThanOrEqualTo(0.8);
    assertThat(precisionAtOnePercent(1_000_003, 0.015)).isGreaterThanOrEqualTo(0.8);
  }
}
