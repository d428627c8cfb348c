package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.risk.ValueRecords.goods;
import static org.parcelgate.risk.ValueRecords.line;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class UndervaluationDetectorTest {
  private final UndervaluationDetector detector =
      new UndervaluationDetector(
          RiskSettings.defaults().undervaluation(),
          ReferenceBands.of(ReferenceData.shipped()),
          ReferenceData.shipped().exchangeRates());

  private int next;

  /** A state that learned {@code count} headphones (851830, pieces) from {@code origin}. */
  private List<Finding> learn(
      MemoryRiskState state, String hs, String origin, int count, long low, long spread) {
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long price = low + (i * 37L) % spread;
      detector.assess(
          goods("T" + next++, 1, List.of(line(1, hs, origin, "H87", price))), state, findings);
    }
    return findings;
  }

  private List<Finding> assess(MemoryRiskState state, RiskRecord record) {
    List<Finding> findings = new ArrayList<>();
    detector.assess(record, state, findings);
    return findings;
  }

  private static Map<String, String> figures(Finding finding) {
    return finding.figures().stream().collect(Collectors.toMap(Figure::name, Figure::value));
  }

  @Test
  void flagsALineFarBelowItsLearnedBand() {
    MemoryRiskState state = MemoryRiskState.empty(null);
    assertThat(learn(state, "85183000", "CN", 40, 1500, 1000)).isEmpty();

    List<Finding> findings =
        assess(
            state,
            goods(
                "X",
                1,
                List.of(
                    line(1, "85183000", "CN", "H87", 1900),
                    line(2, "85183000", "CN", "H87", 120))));

    assertThat(findings).hasSize(1);
    Finding finding = findings.get(0);
    assertThat(finding.flag()).isEqualTo(Flag.UNDERVALUED);
    Map<String, String> figures = figures(finding);
    assertThat(figures)
        .containsEntry("line", "2")
        .containsEntry("hs6", "851830")
        .containsEntry("unit", "H87")
        .containsEntry("origin", "CN")
        .containsEntry("unitValueEur", "1.20")
        .containsEntry("bandRecords", "40")
        .containsEntry("bandSource", "learned");
    assertThat(Double.parseDouble(figures.get("deviations"))).isGreaterThan(10);
    assertThat(finding.reason())
        .startsWith("Line 2 (HS 851830, pieces): unit value EUR 1.20 is ")
        .contains("robust deviations below the usual EUR ")
        .contains("for this subheading from CN (learned from 40 consignment lines).");
    assertThat(finding.score()).isGreaterThan(90);
  }

  @Test
  void doesNotFlagALineJustUnderTheDeviationsButFlagsOneJustBeyond() {
    long justUnder;
    long justBeyond;
    {
      MemoryRiskState state = MemoryRiskState.empty(null);
      learn(state, "85183000", "CN", 40, 1500, 1000);
      UnitValueBand band =
          UnitValueBand.decode(state.get(UnitValueBand.key("851830", "H87", "CN")));
      double median = band.logMedian();
      double deviation = band.deviation();
      justUnder = (long) Math.ceil(Math.exp(median - 2.95 * deviation));
      justBeyond = (long) Math.floor(Math.exp(median - 3.05 * deviation));
    }
    MemoryRiskState under = MemoryRiskState.empty(null);
    next = 0;
    learn(under, "85183000", "CN", 40, 1500, 1000);
    assertThat(assess(under, goods("U", 1, List.of(line(1, "85183000", "CN", "H87", justUnder)))))
        .isEmpty();

    MemoryRiskState beyond = MemoryRiskState.empty(null);
    next = 0;
    learn(beyond, "85183000", "CN", 40, 1500, 1000);
    List<Finding> findings =
        assess(beyond, goods("B", 1, List.of(line(1, "85183000", "CN", "H87", justBeyond))));
    assertThat(findings).singleElement().satisfies(f -> assertThat(f.score()).isEqualTo(53));
  }

  @Test
  void aTightBandDoesNotFlagAnOrdinaryDiscount() {
    MemoryRiskState state = MemoryRiskState.empty(null);
    learn(state, "85183000", "CN", 40, 1850, 1);
    UnitValueBand band = UnitValueBand.decode(state.get(UnitValueBand.key("851830", "H87", "CN")));
    assertThat(band.deviation()).isEqualTo(UnitValueBand.MIN_DEVIATION);

    assertThat(assess(state, goods("D", 1, List.of(line(1, "85183000", "CN", "H87", 1200)))))
        .as("35% off")
        .isEmpty();
    assertThat(assess(state, goods("E", 1, List.of(line(1, "85183000", "CN", "H87", 800)))))
        .as("57% off")
        .singleElement()
        .extracting(Finding::flag)
        .isEqualTo(Flag.UNDERVALUED);
  }

  @Test
  void theReferenceBandJudgesUntilTheLearnedBandHasEnoughRecords() {
    MemoryRiskState state = MemoryRiskState.empty(null);
    // The reference: EUR 18.50, deviation 0.8; EUR 1.00 is 3.6 deviations below.
    List<Finding> first =
        assess(state, goods("R", 1, List.of(line(1, "85183000", "CN", "H87", 100))));
    assertThat(first)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(figures(f))
                  .containsEntry("bandSource", "reference")
                  .containsEntry("bandMedianEur", "18.50")
                  .containsEntry("bandRecords", "0")
                  .containsEntry("deviations", "3.6");
              assertThat(f.reason())
                  .contains("(reference table; too few consignment lines learned yet)");
            });
    // An ordinary price is not flagged by the reference.
    assertThat(assess(state, goods("O", 1, List.of(line(1, "85183000", "CN", "H87", 1400)))))
        .isEmpty();

    // In this market these goods sell at about EUR 1: 28 more lines make 30 learned records.
    List<Finding> learning = learn(state, "85183000", "CN", 28, 90, 30);
    assertThat(learning).as("judged by the reference while learning").isNotEmpty();
    assertThat(UnitValueBand.decode(state.get(UnitValueBand.key("851830", "H87", "CN"))).records())
        .isEqualTo(30);

    assertThat(assess(state, goods("L", 1, List.of(line(1, "85183000", "CN", "H87", 100)))))
        .as("the learned band now judges")
        .isEmpty();
  }

  @Test
  void judgesByOriginWhereTheOriginBandHasEnoughRecords() {
    MemoryRiskState state = MemoryRiskState.empty(null);
    learn(state, "61091000", "CN", 40, 400, 200);
    learn(state, "61091000", "PT", 40, 4000, 2000);

    assertThat(assess(state, goods("C", 1, List.of(line(1, "61091000", "CN", "H87", 450)))))
        .as("a usual price from CN")
        .isEmpty();
    List<Finding> fromPortugal =
        assess(state, goods("P", 1, List.of(line(1, "61091000", "PT", "H87", 450))));
    assertThat(fromPortugal)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.reason()).contains("for this subheading from PT (learned from 40 ");
              assertThat(figures(f)).containsEntry("bandRecords", "40");
            });
    // No origin band for VN yet: the band of every origin (80 lines, half of them cheap) judges.
    List<Finding> fromVietnam =
        assess(state, goods("V", 1, List.of(line(1, "61091000", "VN", "H87", 450))));
    assertThat(fromVietnam).isEmpty();
  }

  @Test
  void aLineOfAnotherUnitIsNotComparedWithPieces() {
    MemoryRiskState state = MemoryRiskState.empty(null);
    learn(state, "09021000", "CN", 40, 4000, 1000);
    assertThat(state.get(UnitValueBand.key("090210", "KGM", null))).isNull();
    // Per kilogram, the reference band (EUR 40) judges: EUR 35 a kilogram is ordinary.
    List<Finding> findings = new ArrayList<>();
    detector.assess(
        goods("K", 1, List.of(line(1, "09021000", "CN", "KGM", 3500))), state, findings);
    assertThat(findings).isEmpty();
    assertThat(detector.keys(goods("K", 1, List.of(line(1, "09021000", "CN", "KGM", 3500)))))
        .containsExactly(
            UnitValueBand.key("090210", "KGM", null), UnitValueBand.key("090210", "KGM", "CN"));
  }

  @Test
  void judgesNothingWithoutABandOrAnExchangeRate() {
    MemoryRiskState state = MemoryRiskState.empty(null);
    assertThat(assess(state, goods("N", 1, List.of(line(1, "99999900", "CN", "H87", 1)))))
        .as("no reference band, nothing learned")
        .isEmpty();

    RiskRecord noRate =
        ValueRecords.record(
            "Z",
            1,
            ValueRecords.T0,
            "b",
            "s",
            "DE",
            "ZAR",
            1,
            List.of(line(1, "85183000", "CN", "H87", 1)));
    assertThat(assess(state, noRate)).isEmpty();
    assertThat(state.get(UnitValueBand.key("851830", "H87", null))).as("not learned").isNull();
  }

  @Test
  void judgesAFreeLineAsOneCent() {
    MemoryRiskState state = MemoryRiskState.empty(null);
    assertThat(assess(state, goods("F", 1, List.of(line(1, "85183000", "CN", "H87", 0)))))
        .singleElement()
        .satisfies(
            f ->
                assertThat(figures(f))
                    .containsEntry("unitValueEur", "0.00")
                    .containsEntry("deviations", "9.4"));
  }

  @Test
  void convertsTheUnitPriceAtTheOrderDate() {
    MemoryRiskState state = MemoryRiskState.empty(null);
    RiskRecord yuan =
        ValueRecords.record(
            "Y",
            1,
            ValueRecords.T0,
            "b",
            "s",
            "DE",
            "CNY",
            825,
            List.of(line(1, "85183000", "CN", "H87", 825)));
    List<Finding> findings = assess(state, yuan);
    assertThat(findings)
        .singleElement()
        .satisfies(f -> assertThat(figures(f)).containsEntry("unitValueEur", "1.00"));
  }

  @Test
  void amendmentsAreJudgedButNotLearnedAgain() {
    MemoryRiskState state = MemoryRiskState.empty(null);
    assess(state, goods("A", 1, List.of(line(1, "85183000", "CN", "H87", 100))));
    assertThat(assess(state, goods("A", 2, List.of(line(1, "85183000", "CN", "H87", 100)))))
        .hasSize(1);
    assertThat(UnitValueBand.decode(state.get(UnitValueBand.key("851830", "H87", "CN"))).records())
        .isEqualTo(1);
  }

  @Test
  void oneFindingNamesTheWorstLineAndTheOthers() {
    MemoryRiskState state = MemoryRiskState.empty(null);
    List<Finding> findings =
        assess(
            state,
            goods(
                "M",
                1,
                List.of(
                    line(1, "85183000", "CN", "H87", 100),
                    line(2, "85183000", "CN", "H87", 10),
                    line(3, "85183000", "CN", "H87", 1800))));
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(figures(f)).containsEntry("line", "2");
              assertThat(f.reason()).endsWith(" Line 1 is also far below its band.");
            });
  }

  @Test
  void theSameRecordsInTheSameOrderGiveTheSameFindings() {
    MemoryRiskState one = MemoryRiskState.empty(null);
    MemoryRiskState two = MemoryRiskState.empty(null);
    next = 0;
    List<Finding> first = learn(one, "85183000", "CN", 60, 50, 3000);
    next = 0;
    List<Finding> second = learn(two, "85183000", "CN", 60, 50, 3000);
    assertThat(first).isNotEmpty().isEqualTo(second);
    assertThat(one.values().keySet()).isEqualTo(two.values().keySet());
    one.values().forEach((key, value) -> assertThat(two.get(key)).isEqualTo(value.value()));
  }

  @Test
  void theScoreRisesWithTheDeviation() {
    int previous = 0;
    for (double d = 3; d < 30; d += 0.5) {
      int score = UndervaluationDetector.score(d);
      assertThat(score).isGreaterThanOrEqualTo(previous).isBetween(1, 100);
      previous = score;
    }
    assertThat(UndervaluationDetector.score(3)).isLessThan(UndervaluationDetector.score(6));
    assertThat(UndervaluationDetector.score(6)).isLessThan(UndervaluationDetector.score(10));
  }
}
