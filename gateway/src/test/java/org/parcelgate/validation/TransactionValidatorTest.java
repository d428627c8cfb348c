package org.parcelgate.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;

class TransactionValidatorTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final Instant ORDERED = NOW.minus(Duration.ofHours(2));
  private final TransactionValidator validator =
      new TransactionValidator(ValidationPolicy.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

  private static Transaction sample() {
    return SampleTransactions.valid(7, ORDERED);
  }

  /** Breaks one thing in a valid sample and expects exactly that violation. */
  private void assertOnly(Consumer<Transaction> change, String field, ViolationCode code) {
    Transaction transaction = sample();
    change.accept(transaction);
    List<Violation> violations = validator.validate(4, transaction);
    assertThat(violations)
        .as("violations of %s", field)
        .extracting(Violation::field, Violation::code, Violation::recordIndex)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(field, code, 4));
  }

  @Test
  void acceptsTheValidSamples() {
    for (Transaction transaction : SampleTransactions.batch(50, ORDERED)) {
      assertThat(validator.validate(0, transaction)).isEmpty();
    }
  }

  @Test
  void rejectsNonIsoCountry() {
    assertOnly(
        t -> t.getItems().get(0).setOriginCountry("XX"),
        "items[0].originCountry",
        ViolationCode.INVALID_COUNTRY);
    assertOnly(
        t -> t.getSeller().setCountry("China"), "seller.country", ViolationCode.INVALID_COUNTRY);
  }

  @Test
  void rejectsNonIsoCurrency() {
    Transaction transaction = sample();
    transaction.getAmounts().setCurrency("EURO");
    transaction.getPayment().setCurrency("EURO");
    assertThat(validator.validate(0, transaction))
        .extracting(Violation::field, Violation::code)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("amounts.currency", ViolationCode.INVALID_CURRENCY),
            org.assertj.core.groups.Tuple.tuple(
                "payment.currency", ViolationCode.INVALID_CURRENCY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"12345", "1234567", "123456789", "12345678901", "85183A", " 851830"})
  void rejectsHsCodeThatIsNotSixEightOrTenDigits(String code) {
    assertOnly(
        t -> t.getItems().get(0).setHsCode(code), "items[0].hsCode", ViolationCode.INVALID_HS_CODE);
  }

  @Test
  void acceptsSixEightAndTenDigitHsCodes() {
    for (String code : List.of("851830", "85183000", "8518300000")) {
      Transaction transaction = sample();
      transaction.getItems().get(0).setHsCode(code);
      assertThat(validator.validate(0, transaction)).isEmpty();
    }
  }

  @Test
  void rejectsNonPositiveQuantity() {
    Transaction transaction = sample();
    transaction.getItems().get(0).setQuantity(0);
    assertThat(validator.validate(0, transaction))
        .extracting(Violation::code)
        .contains(ViolationCode.NON_POSITIVE_QUANTITY);
  }

  @Test
  void rejectsNegativeAmount() {
    assertOnly(
        t -> {
          t.getAmounts().setInsuranceMinor(-100);
          t.getAmounts().setTotalPaidMinor(t.getAmounts().getTotalPaidMinor() - 100);
          t.getPayment().setAmountMinor(t.getAmounts().getTotalPaidMinor());
        },
        "amounts.insuranceMinor",
        ViolationCode.NEGATIVE_AMOUNT);
  }

  @Test
  void rejectsLineTotalThatIsNotQuantityTimesUnitPrice() {
    // Keep the goods value consistent with the declared line totals so only the line rule fails.
    assertOnly(
        t -> t.getItems().get(0).setUnitPriceMinor(t.getItems().get(0).getUnitPriceMinor() + 1),
        "items[0].lineTotalMinor",
        ViolationCode.LINE_TOTAL_MISMATCH);
  }

  @Test
  void rejectsOverflowingLineTotal() {
    assertOnly(
        t -> {
          t.getItems().get(0).setQuantity(Long.MAX_VALUE / 2);
          t.getItems().get(0).setUnitPriceMinor(10);
        },
        "items[0].lineTotalMinor",
        ViolationCode.AMOUNT_OVERFLOW);
  }

  @Test
  void rejectsGoodsValueThatIsNotTheSumOfLines() {
    assertOnly(
        t -> {
          var amounts = t.getAmounts();
          amounts.setGoodsValueMinor(amounts.getGoodsValueMinor() - 50);
          amounts.setTotalPaidMinor(amounts.getTotalPaidMinor() - 50);
          t.getPayment().setAmountMinor(amounts.getTotalPaidMinor());
        },
        "amounts.goodsValueMinor",
        ViolationCode.GOODS_VALUE_MISMATCH);
  }

  @Test
  void rejectsTotalPaidThatDoesNotAddUp() {
    assertOnly(
        t -> {
          t.getAmounts().setShippingMinor(t.getAmounts().getShippingMinor() + 1);
        },
        "amounts.totalPaidMinor",
        ViolationCode.TOTAL_PAID_MISMATCH);
  }

  @Test
  void rejectsPaymentThatDoesNotMatchTheOrder() {
    assertOnly(
        t -> t.getPayment().setAmountMinor(t.getPayment().getAmountMinor() - 1),
        "payment.amountMinor",
        ViolationCode.PAYMENT_AMOUNT_MISMATCH);
    assertOnly(
        t -> t.getPayment().setCurrency("USD"),
        "payment.currency",
        ViolationCode.PAYMENT_CURRENCY_MISMATCH);
  }

  @Test
  void rejectsShipmentToAnotherCountryThanTheBuyers() {
    assertOnly(
        t ->
            t.getShipment()
                .setDestinationCountry(
                    t.getBuyer().getAddress().getCountry().equals("PL") ? "CZ" : "PL"),
        "shipment.destinationCountry",
        ViolationCode.DESTINATION_MISMATCH);
  }

  @Test
  void rejectsOrderTimesInTheFutureOrAbsurdlyOld() {
    assertOnly(
        t -> {
          t.setOrderTime(NOW.plus(Duration.ofHours(1)));
          t.getPayment().setTime(NOW.plus(Duration.ofHours(1)));
        },
        "orderTime",
        ViolationCode.ORDER_TIME_IN_FUTURE);
    assertOnly(
        t -> {
          t.setOrderTime(NOW.minus(Duration.ofDays(401)));
          t.getPayment().setTime(NOW.minus(Duration.ofDays(401)));
        },
        "orderTime",
        ViolationCode.ORDER_TIME_TOO_OLD);
  }

  @Test
  void acceptsOrderTimeWithinClockSkew() {
    Transaction transaction = sample();
    transaction.setOrderTime(NOW.plus(Duration.ofMinutes(4)));
    transaction.getPayment().setTime(NOW.plus(Duration.ofMinutes(4)));
    assertThat(validator.validate(0, transaction)).isEmpty();
  }

  @Test
  void rejectsPaymentBeforeOrder() {
    assertOnly(
        t -> t.getPayment().setTime(ORDERED.minus(Duration.ofHours(1))),
        "payment.time",
        ViolationCode.PAYMENT_BEFORE_ORDER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"IM528000001", "IM52800000123", "EU5280000012", "im5280000012"})
  void rejectsMalformedIossNumber(String ioss) {
    assertOnly(t -> t.setIossNumber(ioss), "iossNumber", ViolationCode.INVALID_IOSS_NUMBER);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"NL123456789", "DE12345678", "US123456789", "FRIO123456789", "GB123456789"})
  void rejectsMalformedVatNumber(String vat) {
    assertOnly(
        t -> t.getSeller().setVatNumber(vat), "seller.vatNumber", ViolationCode.INVALID_VAT_NUMBER);
  }

  @Test
  void acceptsNationalVatFormats() {
    for (String vat :
        List.of(
            "DE123456789",
            "FRAB123456789",
            "ATU12345678",
            "EL123456789",
            "XI123456789",
            "IE1234567FA")) {
      Transaction transaction = sample();
      transaction.getSeller().setVatNumber(vat);
      assertThat(validator.validate(0, transaction)).as(vat).isEmpty();
    }
  }

  @Test
  void rejectsMalformedEori() {
    assertOnly(t -> t.getSeller().setEori("ZZ123"), "seller.eori", ViolationCode.INVALID_EORI);
    assertOnly(
        t -> t.getSeller().setEori("CN12345678901234567"),
        "seller.eori",
        ViolationCode.INVALID_EORI);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gift", "  Gift ", "PARTS", "see   invoice", "Accessories", "samples"})
  void rejectsGenericDescriptions(String description) {
    assertOnly(
        t -> t.getItems().get(1).setDescription(description),
        "items[1].description",
        ViolationCode.GENERIC_DESCRIPTION);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "ab", "12345", "--"})
  void rejectsEmptyDescriptions(String description) {
    assertOnly(
        t -> t.getItems().get(0).setDescription(description),
        "items[0].description",
        ViolationCode.EMPTY_DESCRIPTION);
  }

  @Test
  void rejectsTransactionWithoutLines() {
    Transaction transaction = sample();
    transaction.setItems(List.of());
    assertThat(validator.validate(0, transaction))
        .extracting(Violation::code)
        .contains(ViolationCode.NO_LINE_ITEMS);
  }

  @Test
  void rejectsDuplicateLineNumbers() {
    assertOnly(
        t -> t.getItems().get(1).setLineNumber(1),
        "items[1].lineNumber",
        ViolationCode.DUPLICATE_LINE_NUMBER);
  }

  @Test
  void rejectsBlankAndNonAsciiTransactionIds() {
    assertOnly(t -> t.setTransactionId(" "), "transactionId", ViolationCode.INVALID_TRANSACTION_ID);
    assertOnly(
        t -> t.setTransactionId("ORD\n1"), "transactionId", ViolationCode.INVALID_TRANSACTION_ID);
    assertOnly(
        t -> t.setTransactionId("x".repeat(129)),
        "transactionId",
        ViolationCode.INVALID_TRANSACTION_ID);
  }

  @Test
  void rejectsIdentifiersLongerThan128Characters() {
    assertOnly(
        t -> t.getShipment().setTrackingNumber("T".repeat(129)),
        "shipment.trackingNumber",
        ViolationCode.FIELD_TOO_LONG);
    assertOnly(
        t -> t.getSeller().setSellerId("s".repeat(300)),
        "seller.sellerId",
        ViolationCode.FIELD_TOO_LONG);
  }

  @Test
  void rejectsBlankRequiredText() {
    assertOnly(
        t -> t.getShipment().setTrackingNumber(""),
        "shipment.trackingNumber",
        ViolationCode.BLANK_FIELD);
    assertOnly(t -> t.getSeller().setName(" "), "seller.name", ViolationCode.BLANK_FIELD);
  }

  @Test
  void flagsLaterDuplicatesOfATransactionIdInTheBatch() {
    List<Transaction> records = SampleTransactions.batch(3, ORDERED);
    records.get(2).setTransactionId(records.get(0).getTransactionId());

    BatchValidation validation = validator.validateBatch(records);

    assertThat(validation.acceptedIndexes()).containsExactly(0, 1);
    assertThat(validation.violations())
        .extracting(Violation::recordIndex, Violation::code)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, ViolationCode.DUPLICATE_TRANSACTION_ID));
  }

  @Test
  void messagesNeverRepeatTheRecordsValues() {
    Transaction transaction = sample();
    String marker = "ZZ-MARKER-ZZ";
    transaction.getBuyer().setName(marker);
    transaction.getItems().get(0).setDescription("gift");
    transaction.getItems().get(0).setHsCode(marker);
    transaction.getSeller().setVatNumber(marker);
    transaction.getShipment().setDestinationCountry(marker);
    List<Violation> violations = validator.validate(0, transaction);
    assertThat(violations).hasSizeGreaterThan(3);
    assertThat(violations)
        .allSatisfy(v -> assertThat(v.message()).doesNotContain(marker).doesNotContain("gift"));
  }
}
