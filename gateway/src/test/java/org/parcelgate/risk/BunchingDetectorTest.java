package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.parcelgate.risk.ValueRecords.T0;
import static org.parcelgate.risk.ValueRecords.consignment;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BunchingDetectorTest {
  private final BunchingDetector detector =
      new BunchingDetector(
          RiskSettings.defaults().split(), 15_000, ReferenceData.shipped().exchangeRates());
  private final MemoryRiskState state = MemoryRiskState.empty(null);
  private int next;

  private List<Finding> sell(long euroCents) {
    return sell("seller-1", 1, euroCents);
  }

  private List<Finding> sell(String seller, int version, long euroCents) {
    List<Finding> findings = new ArrayList<>();
    String id = version == 1 ? "T" + next++ : "T0";
    detector.assess(
        consignment(id, version, T0, "b" + next, seller, "DE", "EUR", euroCents), state, findings);
    return findings;
  }

  /** {@code bunched} consignments at EUR 145 and {@code ordinary} at EUR 40. */
  private void history(int bunched, int ordinary) {
    for (int i = 0; i < ordinary; i++) {
      assertThat(sell(4_000)).isEmpty();
    }
    for (int i = 0; i < bunched; i++) {
      sell(14_500);
    }
  }

  @Test
  void flagsAConsignmentInTheMarginOfASellerWhoseValuesBunchThere() {
    history(6, 14);
    List<Finding> findings = sell(14_900);
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.flag()).isEqualTo(Flag.VALUE_BUNCHED_BELOW_THRESHOLD);
              Map<String, String> figures =
                  f.figures().stream().collect(Collectors.toMap(Figure::name, Figure::value));
              assertThat(figures)
                  .containsEntry("share", "30%")
                  .containsEntry("sellerConsignments", "20")
                  .containsEntry("margin", "10%")
                  .containsEntry("marginEur", "135.00-150.00");
              assertThat(f.reason())
                  .isEqualTo(
                      "Seller seller-1 declared 30% of its 20 consignments between EUR 135.00 and"
                          + " EUR 150.00, just below the EUR 150.00 threshold; this consignment"
                          + " (EUR 149.00) is one of them.");
            });
  }

  @Test
  void doesNotFlagAConsignmentOutsideTheMargin() {
    history(10, 10);
    assertThat(sell(13_499)).as("below the margin").isEmpty();
    assertThat(sell(15_001)).as("above the threshold").isEmpty();
    assertThat(sell(13_500)).as("the margin's lower end").hasSize(1);
    assertThat(sell(15_000)).as("the threshold itself").hasSize(1);
  }

  @Test
  void doesNotFlagBelowTheMinimumShare() {
    history(5, 15);
    assertThat(sell(14_500)).as("25% so far").isEmpty();
  }

  @Test
  void doesNotJudgeASellerWithTooFewConsignments() {
    history(19, 0);
    assertThat(sell(14_500)).as("19 consignments before").isEmpty();
    assertThat(sell(14_500)).as("20 consignments before").hasSize(1);
  }

  @Test
  void amendmentsAreNotCountedAgain() {
    history(5, 14);
    for (int i = 0; i < 5; i++) {
      sell("seller-1", 2, 14_500);
    }
    assertThat(BunchingDetector.decode(state.get(BunchingDetector.key("mkt-1", "seller-1"))))
        .containsExactly(19, 5);
  }

  @Test
  void keepsSellersApart() {
    history(20, 0);
    assertThat(sell("seller-2", 1, 14_500)).isEmpty();
  }

  @Test
  void halvesTheCountsSoTheShareFollowsRecentConsignments() {
    history(0, 999);
    assertThat(BunchingDetector.decode(state.get(BunchingDetector.key("mkt-1", "seller-1"))))
        .containsExactly(999, 0);
    sell(14_500);
    assertThat(BunchingDetector.decode(state.get(BunchingDetector.key("mkt-1", "seller-1"))))
        .containsExactly(500, 1);
  }

  @Test
  void encodesTheCountsAsDataOutputWritesThem() throws Exception {
    long[][] counts = {{0, 0}, {19, 5}, {999, 0}, {Long.MAX_VALUE, -1}, {Long.MIN_VALUE, 256}};
    for (long[] c : counts) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(1);
        out.writeLong(c[0]);
        out.writeLong(c[1]);
      }
      assertThat(BunchingDetector.encode(c[0], c[1])).isEqualTo(bytes.toByteArray());
      assertThat(BunchingDetector.decode(bytes.toByteArray())).containsExactly(c[0], c[1]);
    }
  }

  @Test
  void rejectsAnUnknownVersionAndTooFewBytes() {
    byte[] encoded = BunchingDetector.encode(19, 5);
    byte[] future = encoded.clone();
    future[0] = 2;
    assertThatThrownBy(() -> BunchingDetector.decode(future))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version");
    assertThatThrownBy(() -> BunchingDetector.decode(Arrays.copyOf(encoded, 16)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed");
    assertThatThrownBy(() -> BunchingDetector.decode(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed");
  }
}
