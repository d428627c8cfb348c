package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.parcelgate.privacy.MinimizationPolicy;
import org.parcelgate.privacy.Minimizer;
import org.parcelgate.privacy.PolicySources;
import org.parcelgate.schema.PaymentMethod;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.TestPrivacy;

class ThreeWayMatchDetectorTest {
  private final ThreeWayMatchDetector detector = new ThreeWayMatchDetector(RiskSettings.defaults());

  private List<Finding> assess(Consumer<Consignment> change) {
    Consignment consignment = Consignment.of();
    change.accept(consignment);
    return assess(consignment.record());
  }

  private List<Finding> assess(RiskRecord record) {
    List<Finding> findings = new ArrayList<>();
    detector.assess(record, MemoryRiskState.empty(null), findings);
    return findings;
  }

  private static List<Flag> flags(List<Finding> findings) {
    return findings.stream().map(Finding::flag).toList();
  }

  @Test
  void flagsAPayerInAnotherCountryThanTheDestination() {
    List<Finding> findings = assess(c -> c.payerCountry = "DE");

    assertThat(flags(findings)).containsExactly(Flag.PAYER_COUNTRY_MISMATCH);
    assertThat(findings.get(0).figures())
        .containsExactly(new Figure("payerCountry", "DE"), new Figure("destinationCountry", "NL"));
    assertThat(findings.get(0).reason())
        .startsWith("The payer's country (DE) is not the country the parcel goes to (NL).");
  }

  @Test
  void doesNotFlagAPayerInTheDestinationCountry() {
    assertThat(assess(c -> c.payerCountry = "NL")).isEmpty();
  }

  @Test
  void findsNothingWhenThePayerCountryIsDropped() {
    assertThat(assess(c -> c.payerCountry = null)).isEmpty();
  }

  @Test
  void flagsAPaymentLaterThanTheAllowedTimeAfterTheOrder() {
    List<Finding> findings =
        assess(c -> c.paymentTime = Consignment.ORDERED.plus(Duration.ofDays(41)));

    assertThat(flags(findings)).containsExactly(Flag.LATE_PAYMENT);
    assertThat(findings.get(0).reason())
        .startsWith(
            "The payment was accepted 41 days after the order (on 2026-10-25 for an order of"
                + " 2026-09-14), later than the 30 days allowed");
    assertThat(findings.get(0).figures())
        .contains(new Figure("daysAfterOrder", "41"), new Figure("latePaymentDays", "30"));
  }

  @Test
  void doesNotFlagAPaymentAtExactlyTheAllowedTime() {
    assertThat(assess(c -> c.paymentTime = Consignment.ORDERED.plus(Duration.ofDays(30))))
        .isEmpty();
    assertThat(
            flags(
                assess(
                    c ->
                        c.paymentTime =
                            Consignment.ORDERED.plus(Duration.ofDays(30)).plusMillis(1))))
        .containsExactly(Flag.LATE_PAYMENT);
  }

  @Test
  void doesNotFlagALateCashOnDeliveryPayment() {
    assertThat(
            assess(
                c -> {
                  c.paymentMethod = "CASH_ON_DELIVERY";
                  c.paymentTime = Consignment.ORDERED.plus(Duration.ofDays(90));
                }))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"CARD", "BANK_TRANSFER", "WALLET", "OTHER"})
  void flagsALatePaymentOfEveryOtherMethod(String method) {
    assertThat(
            flags(
                assess(
                    c -> {
                      c.paymentMethod = method;
                      c.paymentTime = Consignment.ORDERED.plus(Duration.ofDays(90));
                    })))
        .containsExactly(Flag.LATE_PAYMENT);
  }

  @Test
  void doesNotJudgeLatenessWithoutThePaymentMethod() {
    assertThat(
            assess(
                c -> {
                  c.paymentMethod = null;
                  c.paymentTime = Consignment.ORDERED.plus(Duration.ofDays(90));
                }))
        .isEmpty();
  }

  @Test
  void takesTheLatePaymentLimitFromTheSettings() {
    RiskSettings d = RiskSettings.defaults();
    ThreeWayMatchDetector strict =
        new ThreeWayMatchDetector(
            new RiskSettings(
                d.enabled(),
                d.referenceDirectory(),
                d.thresholdEurCents(),
                d.undervaluation(),
                d.split(),
                new RiskSettings.ThreeWayMatch(Duration.ofHours(2)),
                d.revenue()));
    Consignment c = Consignment.of();
    c.paymentTime = Consignment.ORDERED.plus(Duration.ofHours(3));
    List<Finding> findings = new ArrayList<>();

    strict.assess(c.record(), MemoryRiskState.empty(null), findings);

    assertThat(flags(findings)).containsExactly(Flag.LATE_PAYMENT);
    assertThat(findings.get(0).reason()).contains("3 hours after the order");
    assertThat(assess(c.record())).isEmpty();
  }

  // --- through the shipped policy --------------------------------------------------------------

  private static RiskRecord minimized(Minimizer minimizer, Transaction transaction) {
    GenericRecord record =
        minimizer.minimize("marketplace-alpha", List.of(transaction)).records().get(0);
    return RiskRecord.of(
        "marketplace-alpha",
        transaction.getTransactionId(),
        1,
        Instant.parse("2026-11-17T14:00:00Z"),
        record);
  }

  private static Transaction paidFromAbroad() {
    Transaction transaction = SampleTransactions.valid(1, Instant.parse("2026-11-17T13:45:00Z"));
    transaction.getPayment().setPayerCountry("CH");
    transaction.getPayment().setMethod(PaymentMethod.CARD);
    return transaction;
  }

  @Test
  void flagsThePayerCountryTheShippedPolicyKeeps() {
    RiskRecord record = minimized(TestPrivacy.customsMinimizer(), paidFromAbroad());

    assertThat(record.payerCountry()).isEqualTo("CH");
    assertThat(flags(assess(record))).containsExactly(Flag.PAYER_COUNTRY_MISMATCH);
  }

  @Test
  void findsNothingUnderAPolicyThatDropsThePayerCountry() {
    String shipped = new String(PolicySources.builtin("customs-default"), StandardCharsets.UTF_8);
    String dropping =
        shipped.replaceFirst(
            "(?s)  payment\\.payerCountry:\\n    action: keep\\n.*?(?=\\n\\n)",
            "  payment.payerCountry:\n    action: drop");
    assertThat(dropping).isNotEqualTo(shipped);
    MinimizationPolicy policy =
        MinimizationPolicy.parse(dropping.getBytes(StandardCharsets.UTF_8), "dropping.yaml");
    Minimizer minimizer =
        Minimizer.compile(
            policy,
            Transaction.getClassSchema(),
            TestPrivacy.pseudonymizer(TestPrivacy.RECIPIENT, 1, 'k'));

    RiskRecord record = minimized(minimizer, paidFromAbroad());

    assertThat(record.payerCountry()).isNull();
    assertThat(record.destinationCountry()).isNotNull();
    assertThat(assess(record)).isEmpty();
  }
}
