package org.parcelgate.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parcelgate.schema.sample.SampleTransactions;

/**
 * The samples are what every other test builds on: they must be deterministic, unique where an id
 * is, and add up. The gateway's validator test checks them against every rule; this checks the
 * arithmetic here, where the samples live.
 */
class SampleTransactionsTest {
  private static final Instant ORDERED = Instant.parse("2026-11-01T08:00:00Z");
  private static final Set<String> EU =
      Set.of(
          "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
          "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK");

  @Test
  void sameOrderNumberGivesTheSameRecord() {
    assertThat(SampleTransactions.valid(42, ORDERED))
        .isEqualTo(SampleTransactions.valid(42, ORDERED));
  }

  @Test
  void idsAndTrackingNumbersAreUniqueInABatch() {
    List<Transaction> batch = SampleTransactions.batch(2_000, ORDERED);
    assertThat(batch).extracting(Transaction::getTransactionId).doesNotHaveDuplicates();
    assertThat(batch).extracting(t -> t.getShipment().getTrackingNumber()).doesNotHaveDuplicates();
    assertThat(batch).extracting(t -> t.getPayment().getPaymentId()).doesNotHaveDuplicates();
  }

  @Test
  void amountsAddUpExactly() {
    for (Transaction t : SampleTransactions.batch(0, 500, ORDERED)) {
      long goods = 0;
      for (LineItem item : t.getItems()) {
        assertThat(item.getLineTotalMinor())
            .isEqualTo(item.getQuantity() * item.getUnitPriceMinor());
        goods += item.getLineTotalMinor();
      }
      Amounts a = t.getAmounts();
      assertThat(a.getGoodsValueMinor()).isEqualTo(goods);
      assertThat(a.getTotalPaidMinor())
          .isEqualTo(
              a.getGoodsValueMinor()
                  + a.getShippingMinor()
                  + a.getInsuranceMinor()
                  + a.getTaxCollectedMinor()
                  - a.getDiscountMinor());
      assertThat(t.getPayment().getAmountMinor()).isEqualTo(a.getTotalPaidMinor());
      assertThat(t.getPayment().getCurrency()).isEqualTo(a.getCurrency());
      // Within the EUR 150 of H7 and IOSS.
      assertThat(a.getGoodsValueMinor()).isLessThanOrEqualTo(150_00);
    }
  }

  @Test
  void shipsToTheBuyersEuCountryAndIsPaidAfterTheOrder() {
    for (Transaction t : SampleTransactions.batch(0, 24, ORDERED)) {
      assertThat(t.getShipment().getDestinationCountry())
          .isEqualTo(t.getBuyer().getAddress().getCountry())
          .isIn(EU);
      assertThat(t.getPayment().getTime()).isEqualTo(ORDERED.plus(Duration.ofMinutes(1)));
      assertThat(t.getItems()).hasSizeBetween(2, 3);
      assertThat(t.getItems()).extracting(LineItem::getHsCode).allMatch(this::isHsCode);
      assertThat(t.getIossNumber()).matches("IM\\d{10}");
      assertThat(t.getSeller().getVatNumber()).isNotNull();
      assertThat(t.getSeller().getEori()).isNotNull();
    }
  }

  private boolean isHsCode(String code) {
    return code.matches("\\d{6}|\\d{8}|\\d{10}");
  }

  @Test
  void trackingNumberIsAnS10IdentifierWithItsCheckDigit() {
    // The worked example of UPU standard S10: serial 47312482 has check digit 9.
    assertThat(SampleTransactions.valid(47_312_482, ORDERED).getShipment().getTrackingNumber())
        .isEqualTo("LX473124829CN");
  }

  @Test
  void refusesOrderNumbersOutsideTheSerialRange() {
    assertThatThrownBy(() -> SampleTransactions.valid(-1, ORDERED))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> SampleTransactions.valid(SampleTransactions.MAX_ORDER_NUMBER + 1, ORDERED))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
