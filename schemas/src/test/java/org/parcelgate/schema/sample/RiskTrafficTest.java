package org.parcelgate.schema.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.parcelgate.schema.LineItem;
import org.parcelgate.schema.PaymentMethod;
import org.parcelgate.schema.Transaction;

class RiskTrafficTest {
  private static final RiskMix MIX = RiskMix.defaults().withSeed(7).withParcels(20_000);
  private static List<LabelledParcel> traffic;

  @BeforeAll
  static void generate() {
    traffic = RiskTraffic.generate(MIX);
  }

  @Test
  void theSameMixGivesTheSameTraffic() {
    RiskMix small = MIX.withParcels(3_000);
    assertThat(RiskTraffic.generate(small)).isEqualTo(RiskTraffic.generate(small));
  }

  @Test
  void anotherSeedGivesOtherTraffic() {
    RiskMix small = MIX.withParcels(3_000);
    List<Transaction> one = transactions(RiskTraffic.generate(small));
    List<Transaction> other = transactions(RiskTraffic.generate(small.withSeed(8)));
    assertThat(one).isNotEqualTo(other);
    assertThat(one.get(0).getOrderTime()).isNotEqualTo(other.get(0).getOrderTime());
  }

  @Test
  void makesAsManyParcelsAsAskedInOrderTimeWithUniqueIds() {
    assertThat(traffic.size()).isBetween(MIX.parcels(), MIX.parcels() + 3);
    Set<String> ids = new HashSet<>();
    Instant previous = Instant.MIN;
    for (LabelledParcel parcel : traffic) {
      Transaction t = parcel.transaction();
      assertThat(ids.add(t.getTransactionId())).isTrue();
      assertThat(t.getOrderTime()).isAfterOrEqualTo(previous).isAfterOrEqualTo(MIX.start());
      assertThat(t.getOrderTime())
          .isBefore(MIX.start().plus(MIX.period()).plus(Duration.ofDays(1)));
      assertThat(t.getPayment().getTime()).isAfterOrEqualTo(t.getOrderTime());
      assertThat(t.getPayment().getTime()).isBeforeOrEqualTo(MIX.settledAt());
      previous = t.getOrderTime();
    }
  }

  @Test
  void amountsAddUpInTheCurrencysMinorUnits() {
    Set<String> currencies = new HashSet<>();
    for (LabelledParcel parcel : traffic) {
      Transaction t = parcel.transaction();
      long goods = 0;
      for (LineItem item : t.getItems()) {
        assertThat(item.getLineTotalMinor())
            .isEqualTo(item.getQuantity() * item.getUnitPriceMinor());
        assertThat(item.getHsCode()).hasSize(6).containsOnlyDigits();
        assertThat(item.getUnit()).isIn("H87", "KGM");
        goods += item.getLineTotalMinor();
      }
      var amounts = t.getAmounts();
      assertThat(amounts.getGoodsValueMinor()).isEqualTo(goods);
      assertThat(amounts.getTotalPaidMinor())
          .isEqualTo(
              goods
                  + amounts.getShippingMinor()
                  + amounts.getInsuranceMinor()
                  + amounts.getTaxCollectedMinor()
                  - amounts.getDiscountMinor());
      assertThat(t.getPayment().getAmountMinor()).isEqualTo(amounts.getTotalPaidMinor());
      assertThat(t.getPayment().getCurrency()).isEqualTo(amounts.getCurrency());
      currencies.add(amounts.getCurrency());
    }
    assertThat(currencies).contains("EUR", "USD", "GBP", "CNY");
  }

  @Test
  void honestParcelsCollectTheVatAndDutyDue() {
    Map<String, Integer> rates =
        Map.ofEntries(
            Map.entry("DE", 1900),
            Map.entry("FR", 2000),
            Map.entry("IT", 2200),
            Map.entry("ES", 2100),
            Map.entry("NL", 2100),
            Map.entry("PL", 2300),
            Map.entry("BE", 2100),
            Map.entry("AT", 2000),
            Map.entry("SE", 2500),
            Map.entry("IE", 2300),
            Map.entry("FI", 2550),
            Map.entry("DK", 2500),
            Map.entry("PT", 2300),
            Map.entry("CZ", 2100));
    int withDuty = 0;
    for (LabelledParcel parcel : traffic) {
      if (parcel.has(FraudPattern.TAX_SHORTFALL)) {
        continue;
      }
      Transaction t = parcel.transaction();
      var amounts = t.getAmounts();
      long duty =
          euro(t) <= RiskTraffic.THRESHOLD_EUR_CENTS
                  && !t.getOrderTime().isBefore(RiskTraffic.FLAT_DUTY_FROM)
              ? RiskTraffic.toMinor(
                  300 * t.getItems().stream().map(LineItem::getHsCode).distinct().count(),
                  amounts.getCurrency())
              : 0;
      long base =
          amounts.getGoodsValueMinor()
              + amounts.getShippingMinor()
              + amounts.getInsuranceMinor()
              - amounts.getDiscountMinor()
              + duty;
      long vat = (base * rates.get(t.getShipment().getDestinationCountry()) + 5_000) / 10_000;
      assertThat(amounts.getTaxCollectedMinor()).isEqualTo(vat + duty);
      if (duty > 0) {
        withDuty++;
      }
    }
    assertThat(withDuty).isGreaterThan(traffic.size() / 3);
  }

  @Test
  void injectsEachParcelPatternAtItsRate() {
    Map<FraudPattern, Long> counts =
        traffic.stream()
            .flatMap(parcel -> parcel.patterns().stream())
            .collect(Collectors.groupingBy(p -> p, Collectors.counting()));
    for (FraudPattern pattern : FraudPattern.values()) {
      if (pattern == FraudPattern.BUNCHED) {
        continue;
      }
      double share = counts.getOrDefault(pattern, 0L) / (double) traffic.size();
      double rate = MIX.rate(pattern);
      // Tax shortfalls too small to matter (below EUR 1.50) are not injected: a little fewer.
      double low = pattern == FraudPattern.TAX_SHORTFALL ? 0.7 : 0.8;
      assertThat(share).as(pattern.name()).isBetween(rate * low, rate * 1.2);
    }
  }

  @Test
  void bunchingSellersPriceMostParcelsJustBelowTheThreshold() {
    Map<String, List<LabelledParcel>> bySeller =
        traffic.stream().collect(Collectors.groupingBy(LabelledParcel::sellerId));
    Set<String> bunchers =
        traffic.stream()
            .filter(p -> p.has(FraudPattern.BUNCHED))
            .map(LabelledParcel::sellerId)
            .collect(Collectors.toSet());
    assertThat(bunchers.size())
        .isPositive()
        .isLessThanOrEqualTo((int) Math.round(MIX.rate(FraudPattern.BUNCHED) * MIX.sellers()));
    long bunched = 0;
    long all = 0;
    for (String seller : bunchers) {
      for (LabelledParcel parcel : bySeller.get(seller)) {
        if (parcel.splitGroup() != 0) {
          continue;
        }
        all++;
        if (parcel.has(FraudPattern.BUNCHED)) {
          bunched++;
          assertThat(euro(parcel.transaction())).isBetween(13_500L, 14_999L);
        }
      }
    }
    assertThat(bunched / (double) all).isBetween(0.45, 0.7);
  }

  @Test
  void aRateOfZeroInjectsNothingAndADoubledRateAboutTwiceAsMuch() {
    RiskMix none = MIX.withParcels(5_000).withRate(FraudPattern.UNDERVALUED, 0);
    assertThat(RiskTraffic.generate(none)).noneMatch(p -> p.has(FraudPattern.UNDERVALUED));
    RiskMix doubled = MIX.withRate(FraudPattern.LATE_PAYMENT, 0.02);
    long late =
        RiskTraffic.generate(doubled).stream()
            .filter(p -> p.has(FraudPattern.LATE_PAYMENT))
            .count();
    assertThat(late / (double) doubled.parcels()).isBetween(0.016, 0.024);
  }

  @Test
  void splitGroupsAreOneBuyersOrderFromOneSellerInPartsBelowTheThreshold() {
    Map<Integer, List<LabelledParcel>> groups =
        traffic.stream()
            .filter(p -> p.splitGroup() != 0)
            .collect(Collectors.groupingBy(LabelledParcel::splitGroup));
    assertThat(groups).hasSizeGreaterThan(200);
    for (List<LabelledParcel> group : groups.values()) {
      assertThat(group).hasSizeBetween(2, 4).allMatch(p -> p.has(FraudPattern.SPLIT));
      LabelledParcel first = group.get(0);
      long sum = 0;
      for (int i = 0; i < group.size(); i++) {
        LabelledParcel part = group.get(i);
        assertThat(part.splitPart()).isEqualTo(i + 1);
        assertThat(part.buyerId()).isEqualTo(first.buyerId());
        assertThat(part.sellerId()).isEqualTo(first.sellerId());
        assertThat(destination(part)).isEqualTo(destination(first));
        assertThat(euro(part.transaction())).isLessThanOrEqualTo(RiskTraffic.THRESHOLD_EUR_CENTS);
        sum += euro(part.transaction());
      }
      assertThat(sum).isGreaterThan(RiskTraffic.THRESHOLD_EUR_CENTS);
      Duration spread =
          Duration.between(
              first.transaction().getOrderTime(),
              group.get(group.size() - 1).transaction().getOrderTime());
      assertThat(spread).isLessThan(Duration.ofHours(16));
    }
  }

  @Test
  void innocentRepeatBuyersBuyFromTheSameSellerAgainWithinDaysBelowAndAboveTheThreshold() {
    Map<String, List<LabelledParcel>> pairs = new HashMap<>();
    for (LabelledParcel parcel : traffic) {
      if (parcel.splitGroup() == 0) {
        pairs
            .computeIfAbsent(parcel.buyerId() + "/" + parcel.sellerId(), k -> new ArrayList<>())
            .add(parcel);
      }
    }
    int withinDays = 0;
    int withinDaysAbove = 0;
    int withinDaysBelow = 0;
    for (List<LabelledParcel> orders : pairs.values()) {
      for (int i = 1; i < orders.size(); i++) {
        LabelledParcel earlier = orders.get(i - 1);
        LabelledParcel later = orders.get(i);
        Duration gap =
            Duration.between(
                earlier.transaction().getOrderTime(), later.transaction().getOrderTime());
        if (gap.compareTo(Duration.ofDays(7)) <= 0) {
          withinDays++;
          long total = euro(earlier.transaction()) + euro(later.transaction());
          if (total > RiskTraffic.THRESHOLD_EUR_CENTS) {
            withinDaysAbove++;
          } else {
            withinDaysBelow++;
          }
        }
      }
    }
    assertThat(withinDays).isGreaterThan(100);
    assertThat(withinDaysAbove).isGreaterThan(10);
    assertThat(withinDaysBelow).isGreaterThan(10);
  }

  @Test
  void consignmentsUpToTheThresholdCarryAMemberStatesIossNumberUnlessInjected() {
    int honestAbove = 0;
    for (LabelledParcel parcel : traffic) {
      Transaction t = parcel.transaction();
      boolean above = euro(t) > RiskTraffic.THRESHOLD_EUR_CENTS;
      String ioss = t.getIossNumber();
      if (parcel.has(FraudPattern.IOSS_ABOVE_THRESHOLD)) {
        assertThat(above).isTrue();
        assertThat(ioss).isNotNull();
      } else if (above) {
        honestAbove++;
        assertThat(ioss).isNull();
      } else {
        assertThat(ioss).matches("IM\\d{10}");
        String state = ioss.substring(2, 5);
        if (parcel.has(FraudPattern.IOSS_INVALID_MEMBER_STATE)) {
          assertThat(RiskTraffic.MEMBER_STATE_CODES).doesNotContain(state);
        } else {
          assertThat(RiskTraffic.MEMBER_STATE_CODES).contains(state);
        }
        if (parcel.has(FraudPattern.IOSS_OF_ANOTHER_SELLER)) {
          assertThat(ioss).isNotEqualTo(t.getSeller().getIossNumber());
        } else if (!parcel.has(FraudPattern.IOSS_INVALID_MEMBER_STATE)) {
          assertThat(ioss).isIn(RiskTraffic.MARKETPLACE_IOSS, t.getSeller().getIossNumber());
        }
      }
    }
    assertThat(honestAbove).isGreaterThan(100);
  }

  @Test
  void latePaymentsComeWeeksAfterTheOrderAndOthersWithinAMonth() {
    int cashOnDelivery = 0;
    for (LabelledParcel parcel : traffic) {
      Transaction t = parcel.transaction();
      Duration delay = Duration.between(t.getOrderTime(), t.getPayment().getTime());
      PaymentMethod method = t.getPayment().getMethod();
      if (parcel.has(FraudPattern.LATE_PAYMENT)) {
        assertThat(delay).isGreaterThanOrEqualTo(Duration.ofDays(35));
        assertThat(method).isNotEqualTo(PaymentMethod.CASH_ON_DELIVERY);
      } else {
        assertThat(delay).isLessThan(Duration.ofDays(26));
        if (method == PaymentMethod.CASH_ON_DELIVERY) {
          cashOnDelivery++;
        }
      }
      assertThat(t.getPayment().getPayerCountry().equals(destination(parcel)))
          .isEqualTo(!parcel.has(FraudPattern.PAYER_COUNTRY_MISMATCH));
    }
    assertThat(cashOnDelivery).isGreaterThan(100);
  }

  @Test
  void refusesRatesOutsideTheirRange() {
    assertThatThrownBy(() -> MIX.withRate(FraudPattern.SPLIT, 0.9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SPLIT");
    assertThatThrownBy(() -> MIX.withRate(FraudPattern.SPLIT, -0.1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String destination(LabelledParcel parcel) {
    return parcel.transaction().getShipment().getDestinationCountry();
  }

  private static long euro(Transaction t) {
    return RiskTraffic.eurCents(t.getAmounts().getGoodsValueMinor(), t.getAmounts().getCurrency());
  }

  private static List<Transaction> transactions(List<LabelledParcel> parcels) {
    return parcels.stream().map(LabelledParcel::transaction).toList();
  }
}
