package org.parcelgate.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.parcelgate.schema.Amounts;
import org.parcelgate.schema.LineItem;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;

/**
 * Every rule on its own: the valid sample passes, and breaking one thing in it yields exactly that
 * code at that field path. Time is a fixed clock.
 */
class TransactionValidatorTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final Instant ORDERED = NOW.minus(Duration.ofHours(2));
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private final TransactionValidator validator =
      new TransactionValidator(ValidationPolicy.defaults(), CLOCK);

  /** Order 7: three lines, shipped to Germany. */
  private static Transaction sample() {
    return SampleTransactions.valid(7, ORDERED);
  }

  /** Recomputes total paid and the payment from the components, so only one rule can fail. */
  private static void rebalance(Transaction t) {
    Amounts a = t.getAmounts();
    a.setTotalPaidMinor(
        a.getGoodsValueMinor()
            + a.getShippingMinor()
            + a.getInsuranceMinor()
            + a.getTaxCollectedMinor()
            - a.getDiscountMinor());
    t.getPayment().setAmountMinor(a.getTotalPaidMinor());
  }

  private List<Violation> violationsAfter(Consumer<Transaction> change) {
    Transaction transaction = sample();
    change.accept(transaction);
    return validator.validate(4, transaction);
  }

  /** Breaks one thing in a valid sample and expects exactly that violation. */
  private void assertOnly(Consumer<Transaction> change, String field, ViolationCode code) {
    assertThat(violationsAfter(change))
        .as("violations after breaking %s", field)
        .extracting(Violation::recordIndex, Violation::field, Violation::code)
        .containsExactly(tuple(4, field, code));
  }

  private void assertValid(Consumer<Transaction> change) {
    assertThat(violationsAfter(change)).isEmpty();
  }

  // --- the valid sample -----------------------------------------------------------------------

  @Test
  void acceptsTheValidSamples() {
    for (Transaction transaction : SampleTransactions.batch(0, 300, ORDERED)) {
      assertThat(validator.validate(0, transaction)).as(transaction.getTransactionId()).isEmpty();
    }
  }

  @Test
  void acceptsABatchOfValidSamples() {
    BatchValidation validation = validator.validateBatch(SampleTransactions.batch(5, ORDERED));
    assertThat(validation.acceptedIndexes()).containsExactly(0, 1, 2, 3, 4);
    assertThat(validation.violations()).isEmpty();
  }

  // --- countries and currencies ---------------------------------------------------------------

  static Stream<Arguments> countryFields() {
    return Stream.of(
        country("seller.tinCountry", (t, c) -> t.getSeller().setTinCountry(c)),
        country("seller.country", (t, c) -> t.getSeller().setCountry(c)),
        country("seller.address.country", (t, c) -> t.getSeller().getAddress().setCountry(c)),
        country("items[2].originCountry", (t, c) -> t.getItems().get(2).setOriginCountry(c)),
        country("payment.payerCountry", (t, c) -> t.getPayment().setPayerCountry(c)),
        country("shipment.dispatchCountry", (t, c) -> t.getShipment().setDispatchCountry(c)),
        country(
            "shipment.destinationCountry",
            (t, c) -> {
              t.getShipment().setDestinationCountry(c);
              t.getBuyer().getAddress().setCountry(c);
            }));
  }

  private static Arguments country(String field, BiConsumer<Transaction, String> setter) {
    return Arguments.of(field, setter);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("countryFields")
  void rejectsCountryThatIsNotIsoAlpha2(String field, BiConsumer<Transaction, String> setter) {
    for (String code : List.of("XX", "China", "de", "EU", "XI", "", "DEU")) {
      List<Violation> violations = violationsAfter(t -> setter.accept(t, code));
      assertThat(violations)
          .as("%s = '%s'", field, code)
          .extracting(Violation::code)
          .containsOnly(ViolationCode.INVALID_COUNTRY);
      assertThat(violations).extracting(Violation::field).contains(field);
    }
  }

  @Test
  void rejectsBuyerCountryThatIsNotIsoAlpha2WithoutAlsoReportingAMismatch() {
    assertOnly(
        t -> t.getBuyer().getAddress().setCountry("Germany"),
        "buyer.address.country",
        ViolationCode.INVALID_COUNTRY);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("countryFields")
  void acceptsKosovoAsCountry(String field, BiConsumer<Transaction, String> setter) {
    assertValid(t -> setter.accept(t, "XK"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"EURO", "eur", "", "XXX", "XTS", "XAU", "DEM", "HRK"})
  void rejectsCurrencyThatIsNotAnIso4217CurrencyInUse(String code) {
    assertThat(
            violationsAfter(
                t -> {
                  t.getAmounts().setCurrency(code);
                  t.getPayment().setCurrency(code);
                }))
        .extracting(Violation::field, Violation::code)
        .containsExactly(
            tuple("amounts.currency", ViolationCode.INVALID_CURRENCY),
            tuple("payment.currency", ViolationCode.INVALID_CURRENCY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"EUR", "JPY", "BHD", "PLN", "CHF", "USD", "BGN"})
  void acceptsCurrenciesWithZeroTwoOrThreeDecimals(String code) {
    // Minor units are whatever the currency's are: the rules compare integers, never rescale.
    assertValid(
        t -> {
          t.getAmounts().setCurrency(code);
          t.getPayment().setCurrency(code);
        });
  }

  // --- line items -----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "12345",
        "1234567",
        "123456789",
        "12345678901",
        "85183A",
        " 851830",
        "8518.30",
        ""
      })
  void rejectsHsCodeThatIsNotSixEightOrTenDigits(String code) {
    assertOnly(
        t -> t.getItems().get(0).setHsCode(code), "items[0].hsCode", ViolationCode.INVALID_HS_CODE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"851830", "85183000", "8518300000"})
  void acceptsSixEightAndTenDigitHsCodes(String code) {
    assertValid(t -> t.getItems().get(0).setHsCode(code));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void rejectsNonPositiveQuantity(long quantity) {
    assertOnly(
        t -> t.getItems().get(0).setQuantity(quantity),
        "items[0].quantity",
        ViolationCode.NON_POSITIVE_QUANTITY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pcs", "PIECE", "H", "", "H 87"})
  void rejectsUnitThatIsNotARecommendation20Code(String unit) {
    assertOnly(t -> t.getItems().get(1).setUnit(unit), "items[1].unit", ViolationCode.INVALID_UNIT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"H87", "C62", "KGM", "PR"})
  void acceptsRecommendation20Units(String unit) {
    assertValid(t -> t.getItems().get(1).setUnit(unit));
  }

  @Test
  void rejectsTransactionWithoutLines() {
    assertOnly(
        t -> {
          t.setItems(List.of());
          t.getAmounts().setGoodsValueMinor(0);
          rebalance(t);
        },
        "items",
        ViolationCode.NO_LINE_ITEMS);
  }

  @Test
  void rejectsDuplicateLineNumbersOnTheLaterLine() {
    assertOnly(
        t -> t.getItems().get(2).setLineNumber(1),
        "items[2].lineNumber",
        ViolationCode.DUPLICATE_LINE_NUMBER);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void rejectsLineNumberBelowOne(int lineNumber) {
    assertOnly(
        t -> t.getItems().get(0).setLineNumber(lineNumber),
        "items[0].lineNumber",
        ViolationCode.INVALID_LINE_NUMBER);
  }

  @Test
  void acceptsLineNumbersOutOfOrderAndWithGaps() {
    assertValid(
        t -> {
          t.getItems().get(0).setLineNumber(9);
          t.getItems().get(2).setLineNumber(4);
        });
  }

  // --- descriptions ---------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gift",
        "  Gift ",
        "GIFT!",
        "gift\u00a0",
        "PARTS",
        "see   invoice",
        "Accessories",
        "samples",
        "goods.",
        "Toys",
        "said to contain"
      })
  void rejectsGenericDescriptions(String description) {
    assertOnly(
        t -> t.getItems().get(1).setDescription(description),
        "items[1].description",
        ViolationCode.GENERIC_DESCRIPTION);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "ab", "12345", "--", "n/a", "A1-B2"})
  void rejectsDescriptionsWithFewerThanThreeLetters(String description) {
    assertOnly(
        t -> t.getItems().get(0).setDescription(description),
        "items[0].description",
        ViolationCode.EMPTY_DESCRIPTION);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Gift box of dark chocolate, 200 g",
        "Spare parts for bicycle brakes: brake pads",
        "Wooden toy train",
        "USB"
      })
  void acceptsSpecificDescriptionsThatContainAGenericWord(String description) {
    assertValid(t -> t.getItems().get(0).setDescription(description));
  }

  @Test
  void usesTheGenericDescriptionsOfThePolicy() {
    ValidationPolicy custom =
        new ValidationPolicy(Duration.ofMinutes(5), Duration.ofDays(400), Set.of("  Widget  "));
    TransactionValidator strict = new TransactionValidator(custom, CLOCK);

    Transaction widget = sample();
    widget.getItems().get(0).setDescription("WIDGET");
    Transaction gift = sample();
    gift.getItems().get(0).setDescription("gift");

    assertThat(strict.validate(0, widget))
        .extracting(Violation::code)
        .containsExactly(ViolationCode.GENERIC_DESCRIPTION);
    assertThat(strict.validate(0, gift)).isEmpty();
  }

  // --- amounts --------------------------------------------------------------------------------

  @Test
  void rejectsNegativeComponentOfTheTotal() {
    assertOnly(
        t -> {
          t.getAmounts().setInsuranceMinor(-100);
          rebalance(t);
        },
        "amounts.insuranceMinor",
        ViolationCode.NEGATIVE_AMOUNT);
    assertOnly(
        t -> {
          // A discount given as a negative number would raise the total: refused as such.
          t.getAmounts().setDiscountMinor(-50);
          rebalance(t);
        },
        "amounts.discountMinor",
        ViolationCode.NEGATIVE_AMOUNT);
  }

  @Test
  void rejectsNegativeUnitPrice() {
    assertOnly(
        t -> t.getItems().get(0).setUnitPriceMinor(-1),
        "items[0].unitPriceMinor",
        ViolationCode.NEGATIVE_AMOUNT);
  }

  @Test
  void rejectsNegativeTotalEvenWhenEverythingAddsUp() {
    assertThat(
            violationsAfter(
                t -> {
                  t.getAmounts().setDiscountMinor(t.getAmounts().getTotalPaidMinor() + 1);
                  rebalance(t);
                }))
        .extracting(Violation::field, Violation::code)
        .containsExactly(
            tuple("amounts.totalPaidMinor", ViolationCode.NEGATIVE_AMOUNT),
            tuple("payment.amountMinor", ViolationCode.NEGATIVE_AMOUNT));
  }

  @Test
  void rejectsNegativeMass() {
    assertOnly(
        t -> t.getItems().get(0).setGrossMassGrams(-1L),
        "items[0].grossMassGrams",
        ViolationCode.NEGATIVE_MASS);
    assertOnly(
        t -> t.getShipment().setGrossMassGrams(-1),
        "shipment.grossMassGrams",
        ViolationCode.NEGATIVE_MASS);
  }

  @Test
  void acceptsLineWithoutMass() {
    assertValid(t -> t.getItems().get(0).setGrossMassGrams(null));
  }

  @Test
  void rejectsLineTotalThatIsNotQuantityTimesUnitPrice() {
    // The declared line total is unchanged, so the goods value still adds up: only the line fails.
    assertOnly(
        t -> t.getItems().get(0).setUnitPriceMinor(t.getItems().get(0).getUnitPriceMinor() + 1),
        "items[0].lineTotalMinor",
        ViolationCode.LINE_TOTAL_MISMATCH);
  }

  @Test
  void rejectsLineTotalThatOverflows() {
    // 2^62 x 4 wraps around to 0 in 64-bit arithmetic: it must not pass for a line total of 0.
    assertOnly(
        t -> {
          LineItem line = t.getItems().get(0);
          line.setQuantity(4);
          line.setUnitPriceMinor(1L << 62);
          line.setLineTotalMinor(0);
          t.getAmounts()
              .setGoodsValueMinor(
                  t.getItems().stream().mapToLong(i -> i.getLineTotalMinor()).sum());
          rebalance(t);
        },
        "items[0].lineTotalMinor",
        ViolationCode.AMOUNT_OVERFLOW);
  }

  @Test
  void rejectsGoodsValueWhoseSumOverflows() {
    assertOnly(
        t -> {
          for (LineItem line : t.getItems()) {
            line.setQuantity(1);
            line.setUnitPriceMinor(Long.MAX_VALUE / 2);
            line.setLineTotalMinor(Long.MAX_VALUE / 2);
          }
        },
        "amounts.goodsValueMinor",
        ViolationCode.AMOUNT_OVERFLOW);
  }

  @Test
  void rejectsTotalWhoseSumOverflows() {
    assertOnly(
        t -> t.getAmounts().setShippingMinor(Long.MAX_VALUE),
        "amounts.totalPaidMinor",
        ViolationCode.AMOUNT_OVERFLOW);
  }

  @Test
  void rejectsGoodsValueThatIsNotTheSumOfLines() {
    assertOnly(
        t -> {
          t.getAmounts().setGoodsValueMinor(t.getAmounts().getGoodsValueMinor() - 50);
          rebalance(t);
        },
        "amounts.goodsValueMinor",
        ViolationCode.GOODS_VALUE_MISMATCH);
  }

  @Test
  void rejectsTotalPaidThatDoesNotAddUpByOneCent() {
    assertOnly(
        t -> t.getAmounts().setShippingMinor(t.getAmounts().getShippingMinor() + 1),
        "amounts.totalPaidMinor",
        ViolationCode.TOTAL_PAID_MISMATCH);
  }

  // --- order/payment and order/shipment -------------------------------------------------------

  @Test
  void rejectsPaymentAmountThatIsNotTheTotalPaid() {
    assertOnly(
        t -> t.getPayment().setAmountMinor(t.getPayment().getAmountMinor() - 1),
        "payment.amountMinor",
        ViolationCode.PAYMENT_AMOUNT_MISMATCH);
  }

  @Test
  void rejectsPaymentInAnotherCurrency() {
    assertOnly(
        t -> t.getPayment().setCurrency("USD"),
        "payment.currency",
        ViolationCode.PAYMENT_CURRENCY_MISMATCH);
  }

  @Test
  void rejectsShipmentToAnotherCountryThanTheBuyers() {
    assertOnly(
        t -> t.getShipment().setDestinationCountry("PL"),
        "shipment.destinationCountry",
        ViolationCode.DESTINATION_MISMATCH);
  }

  @Test
  void rejectsShipmentWithoutPackages() {
    assertOnly(
        t -> t.getShipment().setPackages(0),
        "shipment.packages",
        ViolationCode.NON_POSITIVE_QUANTITY);
  }

  // --- times ----------------------------------------------------------------------------------

  @Test
  void rejectsOrderTimeInTheFuture() {
    assertOnly(
        t -> {
          t.setOrderTime(NOW.plus(Duration.ofMinutes(6)));
          t.getPayment().setTime(NOW.plus(Duration.ofMinutes(5)));
        },
        "orderTime",
        ViolationCode.ORDER_TIME_IN_FUTURE);
  }

  @Test
  void rejectsOrderTimeOlderThanTheMaximumAge() {
    assertOnly(
        t -> {
          t.setOrderTime(NOW.minus(Duration.ofDays(400)).minusMillis(1));
          t.getPayment().setTime(NOW.minus(Duration.ofDays(399)));
        },
        "orderTime",
        ViolationCode.ORDER_TIME_TOO_OLD);
  }

  @Test
  void acceptsTimesOnTheToleranceBoundaries() {
    assertValid(
        t -> {
          t.setOrderTime(NOW.plus(Duration.ofMinutes(5)));
          t.getPayment().setTime(NOW.plus(Duration.ofMinutes(5)));
        });
    assertValid(
        t -> {
          t.setOrderTime(NOW.minus(Duration.ofDays(400)));
          t.getPayment().setTime(NOW.minus(Duration.ofDays(400)).minus(Duration.ofMinutes(5)));
        });
  }

  @Test
  void rejectsPaymentTimeInTheFuture() {
    assertOnly(
        t -> t.getPayment().setTime(NOW.plus(Duration.ofMinutes(5)).plusMillis(1)),
        "payment.time",
        ViolationCode.PAYMENT_TIME_IN_FUTURE);
  }

  @Test
  void rejectsPaymentBeforeOrderBeyondTheClockSkew() {
    assertOnly(
        t -> t.getPayment().setTime(ORDERED.minus(Duration.ofMinutes(5)).minusMillis(1)),
        "payment.time",
        ViolationCode.PAYMENT_BEFORE_ORDER);
  }

  // --- identifiers ----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {"IM528000001", "IM52800000123", "EU5280000012", "im5280000012", "IM 5280000012"})
  void rejectsMalformedIossNumber(String ioss) {
    assertOnly(t -> t.setIossNumber(ioss), "iossNumber", ViolationCode.INVALID_IOSS_NUMBER);
    assertOnly(
        t -> t.getSeller().setIossNumber(ioss),
        "seller.iossNumber",
        ViolationCode.INVALID_IOSS_NUMBER);
  }

  @Test
  void acceptsConsignmentWithoutIossNumber() {
    assertValid(t -> t.setIossNumber(null));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "NL123456789",
        "NL123456789B1",
        "DE12345678",
        "de123456789",
        "DE 123456789",
        "GR123456789",
        "GB123456789",
        "US123456789",
        "CH123456789",
        "FRIO123456789",
        "SE123456789012",
        "ATX12345678",
        "DE",
        ""
      })
  void rejectsMalformedOrNonEuVatNumber(String vat) {
    assertOnly(
        t -> t.getSeller().setVatNumber(vat), "seller.vatNumber", ViolationCode.INVALID_VAT_NUMBER);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ATU12345678",
        "BE0123456789",
        "BG123456789",
        "CY12345678L",
        "CZ12345678",
        "DE123456789",
        "DK12345678",
        "EE123456789",
        "EL123456789",
        "ESX1234567R",
        "FI12345678",
        "FRAB123456789",
        "HR12345678901",
        "HU12345678",
        "IE1234567FA",
        "IT12345678901",
        "LT123456789",
        "LU12345678",
        "LV12345678901",
        "MT12345678",
        "NL123456789B01",
        "PL1234567890",
        "PT123456789",
        "RO1234567",
        "SE123456789001",
        "SI12345678",
        "SK1234567890",
        "XI123456789"
      })
  void acceptsTheNationalVatFormatOfEveryPrefix(String vat) {
    assertValid(t -> t.getSeller().setVatNumber(vat));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ZZ123", "EU123456", "nl123456789", "NL", "CN12345678901234567", "NL-1"})
  void rejectsMalformedEori(String eori) {
    assertOnly(t -> t.getSeller().setEori(eori), "seller.eori", ViolationCode.INVALID_EORI);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DE1234567", "GB123456789000", "XI123456789000", "NL123456789012345"})
  void acceptsEoriOfAnyCountryAndNorthernIreland(String eori) {
    assertValid(t -> t.getSeller().setEori(eori));
  }

  static Stream<Arguments> requiredTexts() {
    return Stream.of(
        text("transactionId", Transaction::setTransactionId),
        text("seller.sellerId", (t, v) -> t.getSeller().setSellerId(v)),
        text("seller.name", (t, v) -> t.getSeller().setName(v)),
        text("seller.address.line1", (t, v) -> t.getSeller().getAddress().setLine1(v)),
        text("seller.address.city", (t, v) -> t.getSeller().getAddress().setCity(v)),
        text("buyer.buyerId", (t, v) -> t.getBuyer().setBuyerId(v)),
        text("buyer.name", (t, v) -> t.getBuyer().setName(v)),
        text("buyer.address.line1", (t, v) -> t.getBuyer().getAddress().setLine1(v)),
        text("buyer.address.city", (t, v) -> t.getBuyer().getAddress().setCity(v)),
        text("payment.paymentId", (t, v) -> t.getPayment().setPaymentId(v)),
        text("shipment.trackingNumber", (t, v) -> t.getShipment().setTrackingNumber(v)),
        text("shipment.carrier", (t, v) -> t.getShipment().setCarrier(v)));
  }

  private static Arguments text(String field, BiConsumer<Transaction, String> setter) {
    return Arguments.of(field, setter);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requiredTexts")
  void rejectsBlankRequiredText(String field, BiConsumer<Transaction, String> setter) {
    for (String blank : new String[] {"", "  ", "\t\n", null}) {
      assertOnly(t -> setter.accept(t, blank), field, ViolationCode.BLANK_FIELD);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ORD\n1", "ORD 1", "ORD-\u00e91", "ORD-\u007f"})
  void rejectsTransactionIdThatIsNotPrintableAscii(String id) {
    assertOnly(t -> t.setTransactionId(id), "transactionId", ViolationCode.INVALID_TRANSACTION_ID);
  }

  @Test
  void rejectsTransactionIdLongerThan128Characters() {
    assertOnly(
        t -> t.setTransactionId("x".repeat(129)),
        "transactionId",
        ViolationCode.INVALID_TRANSACTION_ID);
    assertValid(t -> t.setTransactionId("x".repeat(128)));
  }

  // --- batches --------------------------------------------------------------------------------

  @Test
  void flagsLaterDuplicatesOfATransactionIdInTheBatch() {
    List<Transaction> records = SampleTransactions.batch(4, ORDERED);
    records.get(2).setTransactionId(records.get(0).getTransactionId());
    records.get(3).setTransactionId(records.get(0).getTransactionId());

    BatchValidation validation = validator.validateBatch(records);

    assertThat(validation.acceptedIndexes()).containsExactly(0, 1);
    assertThat(validation.violations())
        .extracting(Violation::recordIndex, Violation::field, Violation::code)
        .containsExactly(
            tuple(2, "transactionId", ViolationCode.DUPLICATE_TRANSACTION_ID),
            tuple(3, "transactionId", ViolationCode.DUPLICATE_TRANSACTION_ID));
  }

  @Test
  void flagsADuplicateEvenWhenTheFirstOccurrenceIsInvalid() {
    List<Transaction> records = SampleTransactions.batch(2, ORDERED);
    records.get(0).getItems().get(0).setHsCode("12AB");
    records.get(1).setTransactionId(records.get(0).getTransactionId());

    BatchValidation validation = validator.validateBatch(records);

    assertThat(validation.acceptedIndexes()).isEmpty();
    assertThat(validation.violations())
        .extracting(Violation::recordIndex, Violation::code)
        .containsExactly(
            tuple(0, ViolationCode.INVALID_HS_CODE),
            tuple(1, ViolationCode.DUPLICATE_TRANSACTION_ID));
  }

  @Test
  void reportsEveryViolationOfARecordAtOnce() {
    List<Violation> violations =
        violationsAfter(
            t -> {
              t.getItems().get(0).setHsCode("12");
              t.getItems().get(1).setDescription("gift");
              t.getShipment().setCarrier("");
            });
    assertThat(violations)
        .extracting(Violation::field, Violation::code)
        .containsExactly(
            tuple("items[0].hsCode", ViolationCode.INVALID_HS_CODE),
            tuple("items[1].description", ViolationCode.GENERIC_DESCRIPTION),
            tuple("shipment.carrier", ViolationCode.BLANK_FIELD));
  }

  // --- messages and codes ---------------------------------------------------------------------

  @Test
  void messagesNeverRepeatTheRecordsValues() {
    String marker = "QQMARKERQQ";
    Transaction transaction = sample();
    transaction.getBuyer().setName("Jane " + marker);
    transaction.getBuyer().setEmail(marker + "@mail.example");
    transaction.getBuyer().setPhone("+31" + marker);
    transaction.getBuyer().setTaxId(marker);
    transaction.getBuyer().getAddress().setLine1(marker + " Street 1");
    transaction.getBuyer().getAddress().setCountry(marker);
    transaction.setTransactionId(marker + " with space");
    transaction.setIossNumber(marker);
    transaction.getSeller().setVatNumber(marker);
    transaction.getSeller().setEori(marker + "-");
    transaction.getItems().get(0).setDescription(marker.substring(0, 2));
    transaction.getItems().get(1).setHsCode(marker);
    transaction.getItems().get(1).setUnit(marker);
    transaction.getAmounts().setCurrency(marker);
    transaction.getShipment().setDestinationCountry(marker);

    List<Violation> violations = validator.validate(0, transaction);

    assertThat(violations).hasSizeGreaterThanOrEqualTo(11);
    assertThat(violations)
        .allSatisfy(
            v -> {
              assertThat(v.message()).doesNotContain(marker).doesNotContain("QQ").isNotBlank();
              assertThat(v.field()).doesNotContain(marker);
            });
  }

  @Test
  void wireCodesAreDistinctLowerSnakeCase() {
    assertThat(Stream.of(ViolationCode.values()).map(ViolationCode::code))
        .allMatch(code -> code.matches("[a-z]+(_[a-z0-9]+)*"))
        .doesNotHaveDuplicates();
    assertThat(ViolationCode.INVALID_HS_CODE.code()).isEqualTo("invalid_hs_code");
  }

  @Test
  void rejectsIdentifiersLongerThan128Characters() {
    for (String path : List.of("shipment.trackingNumber", "seller.sellerId", "payment.paymentId")) {
      Transaction transaction = SampleTransactions.valid(7, Instant.parse("2026-11-28T10:00:00Z"));
      switch (path) {
        case "shipment.trackingNumber" ->
            transaction.getShipment().setTrackingNumber("T".repeat(129));
        case "seller.sellerId" -> transaction.getSeller().setSellerId("s".repeat(300));
        default -> transaction.getPayment().setPaymentId("p".repeat(129));
      }
      assertThat(
              new TransactionValidator(
                      ValidationPolicy.defaults(),
                      java.time.Clock.fixed(
                          Instant.parse("2026-11-28T12:00:00Z"), java.time.ZoneOffset.UTC))
                  .validate(0, transaction))
          .extracting(Violation::field, Violation::code)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(path, ViolationCode.FIELD_TOO_LONG));
    }
  }
}
