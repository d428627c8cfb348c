package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SellerSummaryTest {

  private static Finding finding(Flag flag) {
    return new Finding(flag, 50, "reason", List.of());
  }

  /** What adding a consignment does: added to its month, or a new month, then sorted and cut. */
  private static List<SellerSummary.Period> sortedAfterAdding(
      List<SellerSummary.Period> revenue, String period, String currency) {
    List<SellerSummary.Period> periods = new ArrayList<>();
    boolean added = false;
    for (SellerSummary.Period p : revenue) {
      if (p.period().equals(period) && p.currency().equals(currency)) {
        p =
            new SellerSummary.Period(
                period,
                currency,
                p.parcels() + 1,
                p.vatDueMinor() + 100,
                p.dutyDueMinor() + 10,
                p.collectedMinor() + 90);
        added = true;
      }
      periods.add(p);
    }
    if (!added) {
      periods.add(new SellerSummary.Period(period, currency, 1, 100, 10, 90));
    }
    // A plain list: the constructor sorts it.
    return new SellerSummary(0, Map.of(), periods).revenue();
  }

  @Test
  void addsToItsMonthOrPutsANewMonthWhereSortingPutsIt() {
    // 48 months in 3 currencies: more than a summary keeps, so old months drop out and return.
    Random random = new Random(1);
    SellerSummary summary = SellerSummary.EMPTY;
    for (int i = 0; i < 5_000; i++) {
      String period = String.format("20%02d-%02d", 20 + random.nextInt(4), 1 + random.nextInt(12));
      String currency = List.of("EUR", "USD", "GBP").get(random.nextInt(3));
      List<SellerSummary.Period> expected = sortedAfterAdding(summary.revenue(), period, currency);
      summary = summary.withRevenue(period, currency, 100, 10, 90);
      assertThat(summary.revenue()).isEqualTo(expected);
    }
    assertThat(summary.revenue()).hasSize(SellerSummary.MAX_PERIODS);
  }

  @Test
  void countsEachFlagOncePerAssessmentAndEqualsASummaryOfPlainCollections() {
    SellerSummary summary =
        SellerSummary.EMPTY
            .withAssessment(
                new Assessment(
                    List.of(
                        finding(Flag.UNDERVALUED),
                        finding(Flag.UNDERVALUED),
                        finding(Flag.LATE_PAYMENT))))
            .withAssessment(Assessment.NONE)
            .withAssessment(new Assessment(List.of(finding(Flag.UNDERVALUED))))
            .withRevenue("2026-09", "EUR", 1_008, 300, 1_308);

    EnumMap<Flag, Long> counts = new EnumMap<>(Flag.class);
    counts.put(Flag.LATE_PAYMENT, 1L);
    counts.put(Flag.UNDERVALUED, 2L);
    SellerSummary plain =
        new SellerSummary(
            3, counts, List.of(new SellerSummary.Period("2026-09", "EUR", 1, 1_008, 300, 1_308)));
    assertThat(summary).isEqualTo(plain).hasSameHashCodeAs(plain);
    assertThat(summary.toString()).isEqualTo(plain.toString());
    assertThat(summary.flagged()).isEqualTo(Map.copyOf(counts));
    assertThat(SellerSummary.decode(summary.encode())).isEqualTo(summary);
    // The summary's counts are its own: changing the map it was made from changes nothing.
    counts.put(Flag.TAX_SHORTFALL, 5L);
    assertThat(plain.flagged()).doesNotContainKey(Flag.TAX_SHORTFALL);
  }
}
