package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.risk.ValueRecords.T0;
import static org.parcelgate.risk.ValueRecords.consignment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SplitConsignmentDetectorTest {
  private final SplitConsignmentDetector detector =
      new SplitConsignmentDetector(
          RiskSettings.defaults().split(), 15_000, ReferenceData.shipped().exchangeRates());
  private final MemoryRiskState state = MemoryRiskState.empty(null);

  private List<Finding> assess(RiskRecord record) {
    List<Finding> findings = new ArrayList<>();
    detector.assess(record, state, findings);
    return findings;
  }

  private static RiskRecord parcel(String id, Instant orderTime, long euroCents) {
    return consignment(id, 1, orderTime, "buyer-1", "seller-1", "DE", "EUR", euroCents);
  }

  private static Map<String, String> figures(Finding finding) {
    return finding.figures().stream().collect(Collectors.toMap(Figure::name, Figure::value));
  }

  @Test
  void flagsTheConsignmentThatTakesTheGroupOverAndEveryLaterOne() {
    assertThat(assess(parcel("A", T0, 8_000))).isEmpty();
    List<Finding> second = assess(parcel("B", T0.plus(Duration.ofHours(5)), 9_000));
    assertThat(second)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.flag()).isEqualTo(Flag.SPLIT_CONSIGNMENT);
              assertThat(figures(f))
                  .containsEntry("parcels", "2")
                  .containsEntry("groupValueEur", "170.00")
                  .containsEntry("thresholdEur", "150.00")
                  .containsEntry("window", "72h")
                  .containsEntry("transactions", "A");
              assertThat(f.reason())
                  .isEqualTo(
                      "This consignment (EUR 90.00) and 1 other consignment of the same buyer from seller"
                          + " seller-1 to DE, ordered within 72h of it, are worth EUR 170.00 together,"
                          + " above the EUR 150.00 threshold, while each stays within it: taken together"
                          + " they are one consignment (other transactions: A).");
              assertThat(f.score()).isEqualTo(55);
            });
    List<Finding> third = assess(parcel("C", T0.plus(Duration.ofHours(6)), 1_000));
    assertThat(third)
        .singleElement()
        .satisfies(
            f ->
                assertThat(figures(f))
                    .containsEntry("parcels", "3")
                    .containsEntry("groupValueEur", "180.00")
                    .containsEntry("transactions", "A,B"));
  }

  @Test
  void doesNotFlagAGroupWithinTheThreshold() {
    assertThat(assess(parcel("A", T0, 6_000))).isEmpty();
    assertThat(assess(parcel("B", T0.plusSeconds(60), 9_000))).as("exactly EUR 150").isEmpty();
    assertThat(assess(parcel("C", T0.plusSeconds(120), 1))).as("one cent over").hasSize(1);
  }

  @Test
  void doesNotGroupConsignmentsOutsideTheWindow() {
    assertThat(assess(parcel("A", T0, 8_000))).isEmpty();
    assertThat(assess(parcel("B", T0.plus(Duration.ofHours(72)).plusSeconds(1), 9_000))).isEmpty();
    // An order placed between both, within 72h of each: it is grouped with each of them.
    assertThat(assess(parcel("C", T0.plus(Duration.ofHours(36)), 1_000))).hasSize(1);
  }

  @Test
  void aConsignmentAboveTheThresholdBelongsToNoGroup() {
    assertThat(assess(parcel("A", T0, 20_000))).isEmpty();
    assertThat(assess(parcel("B", T0.plusSeconds(60), 2_000))).isEmpty();
    assertThat(assess(parcel("C", T0.plusSeconds(120), 20_000))).isEmpty();
    assertThat(assess(parcel("D", T0.plusSeconds(180), 13_500))).as("B and D: EUR 155").hasSize(1);
  }

  @Test
  void anAmendmentReplacesItsEarlierEntryAndNeverCountsTwice() {
    assertThat(assess(parcel("A", T0, 8_000))).isEmpty();
    RiskRecord amended = consignment("A", 2, T0, "buyer-1", "seller-1", "DE", "EUR", 9_000);
    assertThat(assess(amended)).as("A alone, not A twice").isEmpty();
    assertThat(assess(parcel("B", T0.plusSeconds(60), 5_000))).isEmpty();
    List<Finding> findings = assess(parcel("C", T0.plusSeconds(120), 1_001));
    assertThat(findings)
        .singleElement()
        .satisfies(
            f ->
                assertThat(figures(f))
                    .containsEntry("parcels", "3")
                    .containsEntry("groupValueEur", "150.01"));

    // An amendment that takes A above the threshold takes it out of the group.
    assess(consignment("A", 3, T0, "buyer-1", "seller-1", "DE", "EUR", 16_000));
    assertThat(assess(parcel("D", T0.plusSeconds(180), 100))).isEmpty();
  }

  @Test
  void aLowerThresholdLeavesEntriesAboveItOutOfTheGroup() {
    assertThat(assess(parcel("A", T0, 14_000))).isEmpty();
    SplitConsignmentDetector lower =
        new SplitConsignmentDetector(
            RiskSettings.defaults().split(), 10_000, ReferenceData.shipped().exchangeRates());
    List<Finding> findings = new ArrayList<>();
    lower.assess(parcel("B", T0.plusSeconds(60), 9_000), state, findings);
    assertThat(findings).isEmpty();
  }

  @Test
  void judgesNothingWithoutABuyerPseudonym() {
    RiskRecord first = consignment("A", 1, T0, null, "seller-1", "DE", "EUR", 8_000);
    RiskRecord second = consignment("B", 1, T0, null, "seller-1", "DE", "EUR", 9_000);
    assertThat(detector.keys(first)).isEmpty();
    assertThat(assess(first)).isEmpty();
    assertThat(assess(second)).isEmpty();
    assertThat(state.values()).isEmpty();
  }

  @Test
  void groupsOnlyTheSameBuyerSellerAndDestination() {
    assertThat(assess(parcel("A", T0, 8_000))).isEmpty();
    assertThat(assess(consignment("B", 1, T0, "buyer-2", "seller-1", "DE", "EUR", 9_000)))
        .isEmpty();
    assertThat(assess(consignment("C", 1, T0, "buyer-1", "seller-2", "DE", "EUR", 9_000)))
        .isEmpty();
    assertThat(assess(consignment("D", 1, T0, "buyer-1", "seller-1", "FR", "EUR", 9_000)))
        .isEmpty();
    assertThat(assess(consignment("E", 1, T0, "buyer-1", "seller-1", "DE", "EUR", 9_000)))
        .hasSize(1);
  }

  @Test
  void convertsEachConsignmentAtItsOrderDate() {
    // USD 1.16 = EUR 1: USD 100 is EUR 86.21.
    assertThat(assess(consignment("A", 1, T0, "buyer-1", "seller-1", "DE", "USD", 10_000)))
        .isEmpty();
    assertThat(assess(consignment("B", 1, T0, "buyer-1", "seller-1", "DE", "USD", 8_000)))
        .singleElement()
        .satisfies(f -> assertThat(figures(f)).containsEntry("groupValueEur", "155.18"));
    assertThat(assess(consignment("C", 1, T0, "buyer-1", "seller-1", "DE", "ZAR", 8_000)))
        .as("no rate: not judged")
        .isEmpty();
  }

  @Test
  void theGroupStateExpiresAfterTheWindowAndAMarginAndStaysBounded() {
    RiskRecord first = parcel("A", T0, 100);
    assess(first);
    MemoryRiskState.Value value = state.values().get(detector.keys(first).get(0));
    assertThat(value.expiresAt())
        .isEqualTo(first.receivedAt().plus(Duration.ofHours(72)).plus(Duration.ofDays(7)));

    for (int i = 1; i < 80; i++) {
      assess(parcel("P" + i, T0.plusSeconds(i), 1));
    }
    SplitGroup group = SplitGroup.decode(state.get(detector.keys(first).get(0)));
    assertThat(group.entries()).hasSize(SplitGroup.MAX_ENTRIES);
    assertThat(group.entries()).extracting(SplitGroup.Entry::transactionId).contains("P79");

    // Entries more than two windows before the newest order time are forgotten.
    assess(parcel("LATE", T0.plus(Duration.ofDays(6)).plusSeconds(80), 1));
    assertThat(SplitGroup.decode(state.get(detector.keys(first).get(0))).entries())
        .extracting(SplitGroup.Entry::transactionId)
        .containsExactly("LATE");
  }

  @Test
  void rejectsAGroupStateOfAnUnknownVersion() {
    byte[] encoded = SplitGroup.empty().encode();
    encoded[0] = 9;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SplitGroup.decode(encoded))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
