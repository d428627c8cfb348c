package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The default consignment: 40.00 EUR of goods and 5.00 EUR transport to NL (21%), one tariff
 * subheading, ordered 2026-09-14: duty 3.00, VAT 21% of 48.00 = 10.08, due 13.08.
 */
class RevenueDetectorTest {
  private static final ReferenceData REFERENCE = ReferenceData.shipped();

  private final RevenueDetector detector = new RevenueDetector(RiskSettings.defaults(), REFERENCE);
  private final MemoryRiskState state = MemoryRiskState.empty(null);

  private List<Finding> assess(Consumer<Consignment> change) {
    Consignment consignment = Consignment.of();
    change.accept(consignment);
    List<Finding> findings = new ArrayList<>();
    detector.assess(consignment.record(), state, findings);
    return findings;
  }

  private SellerSummary summary(String sellerId) {
    return SellerSummary.decode(state.get(SellerSummary.key("marketplace-alpha", sellerId)));
  }

  private static String figure(Finding finding, String name) {
    return finding.figures().stream()
        .filter(f -> f.name().equals(name))
        .map(Figure::value)
        .findFirst()
        .orElseThrow();
  }

  private static RevenueDetector.Due due(Consumer<Consignment> change) {
    Consignment consignment = Consignment.of();
    change.accept(consignment);
    return new RevenueDetector(RiskSettings.defaults(), REFERENCE)
        .due(consignment.record())
        .orElseThrow();
  }

  @Test
  void doesNotFlagAConsignmentWhoseTaxWasCollectedInFull() {
    assertThat(assess(c -> {})).isEmpty();

    assertThat(summary("seller-1").revenue())
        .containsExactly(new SellerSummary.Period("2026-09", "EUR", 1, 1_008, 300, 1_308));
  }

  @Test
  void flagsAConsignmentWhoseTaxWasNotCollected() {
    List<Finding> findings = assess(c -> c.taxCollectedMinor = 0L);

    assertThat(findings).extracting(Finding::flag).containsExactly(Flag.TAX_SHORTFALL);
    Finding finding = findings.get(0);
    assertThat(finding.score()).isEqualTo(90);
    assertThat(finding.figures())
        .containsExactly(
            new Figure("vatRate", "21%"),
            new Figure("vatBase", "48.00 EUR"),
            new Figure("vatDue", "10.08 EUR"),
            new Figure("dutyDue", "3.00 EUR"),
            new Figure("collected", "0.00 EUR"),
            new Figure("shortfall", "13.08 EUR"),
            new Figure("subheadings", "1"),
            new Figure("iossNumber", "IM5280000012"));
    assertThat(finding.reason())
        .isEqualTo(
            "The marketplace says it collected 0.00 EUR of tax on this consignment to NL, but"
                + " 13.08 EUR was due: VAT at 21% of 48.00 EUR (goods, transport and insurance,"
                + " less discount, plus duty) is 10.08 EUR, and the flat customs duty for 1 tariff"
                + " subheading is 3.00 EUR. 13.08 EUR is missing. The rate used is the"
                + " destination's standard rate: goods at a reduced rate owe less.");
    assertThat(summary("seller-1").revenue())
        .containsExactly(new SellerSummary.Period("2026-09", "EUR", 1, 1_008, 300, 0));
  }

  @Test
  void doesNotFlagAShortfallOfExactlyTheTolerance() {
    assertThat(assess(c -> c.taxCollectedMinor = 1_208L)).isEmpty();
  }

  @Test
  void flagsAShortfallOneCentAboveTheTolerance() {
    List<Finding> findings = assess(c -> c.taxCollectedMinor = 1_207L);

    assertThat(findings).extracting(Finding::flag).containsExactly(Flag.TAX_SHORTFALL);
    assertThat(figure(findings.get(0), "shortfall")).isEqualTo("1.01 EUR");
    assertThat(findings.get(0).score()).isEqualTo(43);
  }

  @Test
  void doesNotFlagTaxCollectedAboveWhatWasDue() {
    assertThat(assess(c -> c.taxCollectedMinor = 5_000L)).isEmpty();
  }

  @Test
  void roundsTheVatHalfUp() {
    // 40.00 + 5.50 + 3.00 = 48.50 EUR at 21% is 10.185: 10.19.
    assertThat(due(c -> c.shippingMinor = 550L).vatDueMinor()).isEqualTo(1_019);
    // 48.49 EUR at 21% is 10.1829: 10.18.
    assertThat(due(c -> c.shippingMinor = 549L).vatDueMinor()).isEqualTo(1_018);
  }

  @Test
  void countsInsuranceAndDiscountInTheVatBase() {
    RevenueDetector.Due due =
        due(
            c -> {
              c.insuranceMinor = 200L;
              c.discountMinor = 700L;
            });

    assertThat(due.vatBaseMinor()).isEqualTo(4_000 + 500 + 200 - 700 + 300);
  }

  // --- the flat duty ---------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
    // order time, duty due, subheadings
    "2026-06-30T23:59:59Z, 0, 1",
    "2026-07-01T00:00:00Z, 300, 1",
    "2028-06-30T23:59:59Z, 300, 1",
    "2028-07-01T00:00:00Z, 0, 1"
  })
  void owesTheFlatDutyFromJuly2026UntilJuly2028(String orderTime, long duty, int subheadings) {
    RevenueDetector.Due due = due(c -> c.orderTime = Instant.parse(orderTime));

    assertThat(due.dutyDueMinor()).isEqualTo(duty);
    assertThat(due.dutyApplies()).isEqualTo(duty > 0);
    assertThat(due.subheadings()).isEqualTo(subheadings);
  }

  @Test
  void owesNoFlatDutyBeforeJuly2026() {
    // 45.00 EUR at 21% is 9.45 EUR, no duty: collected in full.
    assertThat(
            assess(
                c -> {
                  c.orderTime = Instant.parse("2026-06-15T12:00:00Z");
                  c.taxCollectedMinor = 945L;
                }))
        .isEmpty();
    assertThat(summary("seller-1").revenue())
        .containsExactly(new SellerSummary.Period("2026-06", "EUR", 1, 945, 0, 945));
  }

  @Test
  void chargesTheFlatDutyPerDistinctSubheading() {
    // 9503.00.10 and 9503.00.90 are one subheading; 6109.10 another.
    RevenueDetector.Due due = due(c -> c.lines("9503001000", "9503009000", "61091000"));

    assertThat(due.subheadings()).isEqualTo(2);
    assertThat(due.dutyDueMinor()).isEqualTo(600);
  }

  @Test
  void doesNotJudgeWhileTheDutyAppliesAndALineHasNoHsCode() {
    assertThat(
            assess(
                c -> {
                  c.lines("9503001000", null);
                  c.taxCollectedMinor = 0L;
                }))
        .isEmpty();
    assertThat(summary("seller-1").revenue()).isEmpty();
  }

  @Test
  void judgesALineWithoutHsCodeBeforeTheDutyApplies() {
    assertThat(
            assess(
                c -> {
                  c.orderTime = Instant.parse("2026-06-15T12:00:00Z");
                  c.lines((String) null);
                  c.taxCollectedMinor = 0L;
                }))
        .extracting(Finding::flag)
        .containsExactly(Flag.TAX_SHORTFALL);
  }

  // --- currencies, rates and what is not judged ------------------------------------------------

  @Test
  void convertsTheDutyAndTheToleranceToTheTransactionsCurrency() {
    // 46.40 USD goods (40.00 EUR), 5.80 USD transport; duty 3.00 EUR = 3.48 USD;
    // VAT 21% of 55.68 USD = 11.69 USD; due 15.17 USD; tolerance 1.00 EUR = 1.16 USD.
    Consumer<Consignment> usd =
        c -> {
          c.currency = "USD";
          c.goodsValueMinor = 4_640L;
          c.shippingMinor = 580L;
        };
    RevenueDetector.Due due = due(usd);
    assertThat(due.dutyDueMinor()).isEqualTo(348);
    assertThat(due.vatDueMinor()).isEqualTo(1_169);
    assertThat(due.toleranceMinor()).isEqualTo(116);

    assertThat(assess(usd.andThen(c -> c.taxCollectedMinor = 1_517L - 116))).isEmpty();
    List<Finding> findings = assess(usd.andThen(c -> c.taxCollectedMinor = 1_517L - 117));
    assertThat(findings).extracting(Finding::flag).containsExactly(Flag.TAX_SHORTFALL);
    assertThat(figure(findings.get(0), "shortfall")).isEqualTo("1.17 USD");
    assertThat(summary("seller-1").revenue())
        .extracting(SellerSummary.Period::currency)
        .containsExactly("USD");
  }

  @Test
  void formatsAmountsWithTheCurrencysDecimals() {
    List<Finding> findings =
        assess(
            c -> {
              c.currency = "JPY";
              c.goodsValueMinor = 7_120L; // 40.00 EUR at 178
              c.shippingMinor = 890L;
              c.taxCollectedMinor = 0L;
            });

    // duty 3.00 EUR = 534 JPY; VAT 21% of 8544 JPY = 1794.24: 1794 JPY.
    assertThat(figure(findings.get(0), "dutyDue")).isEqualTo("534 JPY");
    assertThat(figure(findings.get(0), "vatDue")).isEqualTo("1794 JPY");
  }

  @Test
  void skipsAnUnknownCurrency() {
    assertThat(
            assess(
                c -> {
                  c.currency = "XYZ";
                  c.taxCollectedMinor = 0L;
                }))
        .isEmpty();
    assertThat(summary("seller-1").revenue()).isEmpty();
  }

  @Test
  void skipsACurrencyWithoutARateOnTheOrderDate() {
    assertThat(
            assess(
                c -> {
                  c.currency = "USD";
                  c.orderTime = Instant.parse("2025-12-31T12:00:00Z");
                  c.taxCollectedMinor = 0L;
                }))
        .isEmpty();
    assertThat(summary("seller-1").revenue()).isEmpty();
  }

  @Test
  void skipsAConsignmentAboveTheThreshold() {
    assertThat(
            assess(
                c -> {
                  c.goodsValueMinor = 15_001L;
                  c.taxCollectedMinor = 0L;
                }))
        .isEmpty();
    assertThat(summary("seller-1").revenue()).isEmpty();
  }

  @Test
  void judgesAConsignmentAtExactlyTheThreshold() {
    assertThat(
            assess(
                c -> {
                  c.goodsValueMinor = 15_000L;
                  c.taxCollectedMinor = 0L;
                }))
        .extracting(Finding::flag)
        .containsExactly(Flag.TAX_SHORTFALL);
  }

  @Test
  void skipsADestinationWithoutAVatRate() {
    assertThat(
            assess(
                c -> {
                  c.destinationCountry = "CH";
                  c.taxCollectedMinor = 0L;
                }))
        .isEmpty();
  }

  @Test
  void skipsAConsignmentWhoseCollectedTaxThePolicyDrops() {
    assertThat(assess(c -> c.taxCollectedMinor = null)).isEmpty();
    assertThat(summary("seller-1").revenue()).isEmpty();
  }

  @Test
  void skipsSumsThatOverflow() {
    assertThat(
            assess(
                c -> {
                  c.shippingMinor = Long.MAX_VALUE - 100;
                  c.taxCollectedMinor = 0L;
                }))
        .isEmpty();
    assertThat(summary("seller-1").revenue()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    // order date, destination, rate
    "2024-08-31T12:00:00Z, FI, 24",
    "2024-09-01T12:00:00Z, FI, 25.5",
    "2024-12-31T12:00:00Z, SK, 20",
    "2025-01-01T12:00:00Z, SK, 23",
    "2025-06-30T12:00:00Z, EE, 22",
    "2025-07-01T12:00:00Z, EE, 24",
    "2025-07-31T12:00:00Z, RO, 19",
    "2025-08-01T12:00:00Z, RO, 21",
    "2026-09-14T12:00:00Z, GR, 24"
  })
  void usesTheStandardRateInForceOnTheOrderDate(String orderTime, String country, String rate) {
    RevenueDetector.Due due =
        due(
            c -> {
              c.orderTime = Instant.parse(orderTime);
              c.destinationCountry = country;
            });

    assertThat(due.vatPercent()).isEqualByComparingTo(rate);
  }

  @Test
  void showsADecimalRateAsTheRateUsed() {
    List<Finding> findings =
        assess(
            c -> {
              c.destinationCountry = "FI";
              c.taxCollectedMinor = 0L;
            });

    // 48.00 EUR at 25.5% is 12.24 EUR.
    assertThat(figure(findings.get(0), "vatRate")).isEqualTo("25.5%");
    assertThat(figure(findings.get(0), "vatDue")).isEqualTo("12.24 EUR");
  }

  // --- the seller's summary --------------------------------------------------------------------

  @Test
  void addsUpASellersMonthsAndCurrencies() {
    assess(c -> {});
    assess(c -> c.transactionId = "ORD-2");
    assess(c -> c.orderTime = Instant.parse("2026-10-01T00:00:00Z"));
    assess(
        c -> {
          c.currency = "USD";
          c.goodsValueMinor = 4_640L;
          c.shippingMinor = 580L;
          c.taxCollectedMinor = 1_517L;
        });
    assess(c -> c.sellerId = "seller-2");

    assertThat(summary("seller-1").revenue())
        .containsExactly(
            new SellerSummary.Period("2026-10", "EUR", 1, 1_008, 300, 1_308),
            new SellerSummary.Period("2026-09", "EUR", 2, 2_016, 600, 2_616),
            new SellerSummary.Period("2026-09", "USD", 1, 1_169, 348, 1_517));
    assertThat(summary("seller-2").revenue()).hasSize(1);
  }

  @Test
  void leavesTheFlagCountsToTheEngine() {
    RiskEngine engine = RiskEngine.create(RiskSettings.defaults(), REFERENCE);
    Consignment short1 = Consignment.of();
    short1.taxCollectedMinor = 0L;

    Assessment assessment = engine.assess(short1.record(), state);
    engine.assess(Consignment.of().record(), state);

    assertThat(assessment.has(Flag.TAX_SHORTFALL)).isTrue();
    SellerSummary summary = summary("seller-1");
    assertThat(summary.assessed()).isEqualTo(2);
    assertThat(summary.flagged()).containsEntry(Flag.TAX_SHORTFALL, 1L);
    assertThat(summary.revenue())
        .containsExactly(new SellerSummary.Period("2026-09", "EUR", 2, 2_016, 600, 1_308));
  }
}
