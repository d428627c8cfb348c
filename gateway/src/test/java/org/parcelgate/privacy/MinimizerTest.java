package org.parcelgate.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.parcelgate.schema.PaymentMethod;
import org.parcelgate.schema.SellerType;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.TestPrivacy;

/**
 * Each action of a policy on sample transactions, default deny (also for a field the schema gains),
 * the checks of a policy against the schema, the counts, and the output container.
 */
class MinimizerTest {
  private static final Instant ORDERED = Instant.parse("2026-11-17T13:45:00Z");
  private static final String MARKETPLACE = "marketplace-alpha";

  private static final String HEAD =
      """
      policy: test-policy
      version: 1
      legal-basis: a stated basis
      fields:
      """;

  /** Keeps the transaction id, so that a test policy always keeps something. */
  private static final String KEEP_ID =
      """
      transactionId:
        action: keep
        purpose: matching
      """;

  private final Minimizer customs = TestPrivacy.customsMinimizer();

  // --- helpers ---------------------------------------------------------------------------------

  private static Pseudonymizer key() {
    return TestPrivacy.pseudonymizer(TestPrivacy.RECIPIENT, 1, 'k');
  }

  private static MinimizationPolicy policy(String rules) {
    return MinimizationPolicy.parse(
        (HEAD + rules.indent(2)).getBytes(StandardCharsets.UTF_8), "test.yaml");
  }

  /** A test policy of {@link #KEEP_ID} and {@code rules}, against the v2 transaction schema. */
  private static Minimizer compile(String rules) {
    return Minimizer.compile(policy(KEEP_ID + rules), Transaction.getClassSchema(), key());
  }

  private static Transaction sample(int n) {
    return SampleTransactions.valid(n, ORDERED);
  }

  private static GenericRecord only(Minimizer minimizer, Transaction record) {
    Minimizer.Minimized result = minimizer.minimize(MARKETPLACE, List.of(record));
    assertThat(result.records()).hasSize(1);
    return result.records().get(0);
  }

  /** The value at a dotted path of records ({@code buyer.address.postalCode}). */
  private static Object value(GenericRecord record, String path) {
    Object current = record;
    for (String name : path.split("\\.")) {
      GenericRecord parent = (GenericRecord) current;
      assertThat(parent.hasField(name)).as("%s has %s", parent.getSchema(), name).isTrue();
      current = parent.get(name);
    }
    return current;
  }

  private static List<GenericRecord> items(GenericRecord record) {
    List<GenericRecord> items = new ArrayList<>();
    for (Object item : (List<?>) record.get("items")) {
      items.add((GenericRecord) item);
    }
    return items;
  }

  private static Schema nonNull(Schema schema) {
    if (schema.getType() != Schema.Type.UNION) {
      return schema;
    }
    return schema.getTypes().stream()
        .filter(s -> s.getType() != Schema.Type.NULL)
        .findFirst()
        .orElseThrow();
  }

  /** The schema of the field at a dotted path, without its null branch. */
  private static Schema fieldSchema(Schema record, String path) {
    Schema current = record;
    for (String name : path.split("\\.")) {
      Schema.Field field = nonNull(current).getField(name);
      assertThat(field).as("%s has %s", current.getFullName(), name).isNotNull();
      current = field.schema();
    }
    return nonNull(current);
  }

  private static List<String> fieldNames(Schema record) {
    return nonNull(record).getFields().stream().map(Schema.Field::name).toList();
  }

  /** Every leaf path of a schema in schema order, as the policy names them. */
  private static List<String> leafPaths(Schema schema) {
    List<String> paths = new ArrayList<>();
    collectLeaves(schema, "", paths);
    return paths;
  }

  private static void collectLeaves(Schema schema, String path, List<String> paths) {
    Schema type = nonNull(schema);
    switch (type.getType()) {
      case RECORD ->
          type.getFields()
              .forEach(
                  field ->
                      collectLeaves(
                          field.schema(),
                          path.isEmpty() ? field.name() : path + "." + field.name(),
                          paths));
      case ARRAY -> collectLeaves(type.getElementType(), path + "[]", paths);
      default -> paths.add(path);
    }
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  // --- keep ------------------------------------------------------------------------------------

  @Test
  void keepsTextNumbersAndFlagsUnchanged() {
    Transaction record = sample(1);
    record.setAmendment(true);

    GenericRecord out = only(customs, record);

    assertThat(value(out, "transactionId")).isEqualTo("ORD-1");
    assertThat(value(out, "amendment")).isEqualTo(true);
    assertThat(value(out, "seller.name")).isEqualTo("Shenzhen Example Trading Co., Ltd. 1");
    assertThat(value(out, "seller.address.line1"))
        .isEqualTo(record.getSeller().getAddress().getLine1());
    assertThat(value(out, "shipment.trackingNumber"))
        .isEqualTo(record.getShipment().getTrackingNumber())
        .asString()
        .startsWith("LX00000001");
    assertThat(value(out, "shipment.packages")).isEqualTo(1);
    assertThat(value(out, "shipment.grossMassGrams"))
        .isEqualTo(record.getShipment().getGrossMassGrams());
    assertThat(items(out).get(0).get("hsCode")).isEqualTo(record.getItems().get(0).getHsCode());
    assertThat(items(out).get(1).get("lineNumber")).isEqualTo(2);
  }

  @Test
  void keepsEveryAmountToTheMinorUnit() {
    Transaction record = sample(4);
    var amounts = record.getAmounts();

    GenericRecord out = only(customs, record);

    assertThat(value(out, "amounts.currency")).isEqualTo("EUR");
    assertThat(value(out, "amounts.goodsValueMinor")).isEqualTo(amounts.getGoodsValueMinor());
    assertThat(value(out, "amounts.shippingMinor")).isEqualTo(399L);
    assertThat(value(out, "amounts.insuranceMinor")).isEqualTo(150L);
    assertThat(value(out, "amounts.discountMinor")).isEqualTo(amounts.getDiscountMinor());
    assertThat(value(out, "amounts.taxCollectedMinor")).isEqualTo(amounts.getTaxCollectedMinor());
    assertThat(value(out, "amounts.totalPaidMinor")).isEqualTo(amounts.getTotalPaidMinor());
    assertThat(value(out, "payment.amountMinor")).isEqualTo(amounts.getTotalPaidMinor());
  }

  @Test
  void keepsTimesAsEpochMillisOfTimestampFields() {
    GenericRecord out = only(customs, sample(1));

    assertThat(value(out, "orderTime")).isEqualTo(ORDERED.toEpochMilli());
    assertThat(value(out, "payment.time")).isEqualTo(ORDERED.plusSeconds(60).toEpochMilli());
    assertThat(fieldSchema(customs.outputSchema(), "orderTime").getLogicalType())
        .isEqualTo(LogicalTypes.timestampMillis());
  }

  @Test
  void keepsAnEnumAsTheSameSymbol() {
    Transaction record = sample(1);
    record.getSeller().setType(SellerType.INDIVIDUAL);
    record.getPayment().setMethod(PaymentMethod.CASH_ON_DELIVERY);

    GenericRecord out = only(customs, record);

    assertThat(value(out, "seller.type"))
        .isInstanceOf(GenericData.EnumSymbol.class)
        .hasToString("INDIVIDUAL");
    assertThat(value(out, "payment.method")).hasToString("CASH_ON_DELIVERY");
    assertThat(value(out, "seller.verificationStatus")).hasToString("VERIFIED");
    assertThat(fieldSchema(customs.outputSchema(), "seller.type").getEnumSymbols())
        .containsExactly("INDIVIDUAL", "BUSINESS");
  }

  @Test
  void keepsAnAbsentOptionalValueAbsentAndAPresentOnePresent() {
    Transaction absent = sample(1);
    Transaction present = sample(1);
    present.getSeller().setIossNumber("IM1560000019");

    assertThat(value(only(customs, absent), "seller.iossNumber")).isNull();
    assertThat(value(only(customs, present), "seller.iossNumber")).isEqualTo("IM1560000019");
  }

  // --- drop ------------------------------------------------------------------------------------

  @Test
  void dropsFieldsFromTheOutputSchema() {
    Schema output = customs.outputSchema();

    assertThat(fieldNames(fieldSchema(output, "buyer"))).containsExactly("buyerId", "address");
    assertThat(fieldNames(fieldSchema(output, "payment")))
        .containsExactly("time", "amountMinor", "currency", "method", "payerCountry", "provider");
    assertThat(fieldNames(fieldSchema(output, "seller.address")))
        .containsExactly("line1", "line2", "city", "postalCode", "region", "country");
  }

  @Test
  void dropsFieldsFromTheRecords() {
    Transaction record = sample(1);
    record.getBuyer().setTaxId("NL-TAX-998877");

    GenericRecord out = only(customs, record);
    GenericRecord buyer = (GenericRecord) out.get("buyer");

    assertThat(buyer.hasField("name")).isFalse();
    assertThat(buyer.hasField("email")).isFalse();
    assertThat(buyer.hasField("phone")).isFalse();
    assertThat(buyer.hasField("taxId")).isFalse();
    assertThat(((GenericRecord) out.get("payment")).hasField("paymentId")).isFalse();
    assertThat(out.toString())
        .doesNotContain("Sample Buyer 1", "buyer1@mail.example", "+31600000001")
        .doesNotContain("NL-TAX-998877", "PAY-1", "Sample Street", "Leipzig");
  }

  @Test
  void holdsExactlyPostalCodeAndCountryOfTheBuyersAddress() {
    Schema address = fieldSchema(customs.outputSchema(), "buyer.address");

    assertThat(fieldNames(address)).containsExactly("postalCode", "country");
    assertThat(address.getFullName()).isEqualTo("org.parcelgate.minimized.BuyerAddress");
    assertThat(fieldSchema(customs.outputSchema(), "seller.address").getFullName())
        .isEqualTo("org.parcelgate.minimized.SellerAddress");
    assertThat(((GenericRecord) value(only(customs, sample(1)), "buyer.address")).toString())
        .isEqualTo("{\"postalCode\": \"04\", \"country\": \"DE\"}");
  }

  @Test
  void outputSchemaHoldsExactlyTheLeavesThePolicyDoesNotDrop() {
    MinimizationPolicy policy = TestPrivacy.customsDefault();
    List<String> notDropped =
        leafPaths(Transaction.getClassSchema()).stream()
            .filter(path -> policy.rule(path).action() != PolicyAction.DROP)
            .toList();

    assertThat(leafPaths(customs.outputSchema())).isEqualTo(notDropped);
    assertThat(leafPaths(customs.outputSchema()))
        .doesNotContain(
            "buyer.name",
            "buyer.email",
            "buyer.phone",
            "buyer.taxId",
            "buyer.address.line1",
            "buyer.address.city",
            "payment.paymentId")
        .contains(
            "buyer.buyerId",
            "buyer.address.postalCode",
            "items[].description",
            "payment.payerCountry");
    assertThat(customs.outputSchema().getFullName())
        .isEqualTo("org.parcelgate.minimized.MinimizedTransaction");
  }

  // --- pseudonymize ----------------------------------------------------------------------------

  @Test
  void pseudonymizesTheBuyerIdWithTheRecipientsKeyAndTheMarketplaceScope() {
    Transaction record = sample(1);
    record.getBuyer().setBuyerId("acct-7f3a9c");

    Object pseudonym = value(only(customs, record), "buyer.buyerId");

    assertThat(pseudonym)
        .isEqualTo(key().pseudonym("buyer.buyerId", MARKETPLACE, "acct-7f3a9c"))
        .asString()
        .matches("p1_[A-Za-z0-9_-]{43}");
    assertThat(fieldSchema(customs.outputSchema(), "buyer.buyerId").getType())
        .isEqualTo(Schema.Type.STRING);
  }

  @Test
  void givesTheSameBuyerFromTheSameMarketplaceTheSamePseudonym() {
    Transaction first = sample(1);
    Transaction second = sample(2);
    Transaction other = sample(3);
    first.getBuyer().setBuyerId("acct-42");
    second.getBuyer().setBuyerId("acct-42");
    other.getBuyer().setBuyerId("acct-43");

    List<GenericRecord> out =
        customs.minimize(MARKETPLACE, List.of(first, second, other)).records();
    Object later = value(only(customs, first), "buyer.buyerId");

    assertThat(value(out.get(1), "buyer.buyerId")).isEqualTo(value(out.get(0), "buyer.buyerId"));
    assertThat(later).isEqualTo(value(out.get(0), "buyer.buyerId"));
    assertThat(value(out.get(2), "buyer.buyerId")).isNotEqualTo(value(out.get(0), "buyer.buyerId"));
  }

  @Test
  void givesTheSameBuyerIdAtAnotherMarketplaceAnotherPseudonym() {
    Transaction record = sample(1);

    Object alpha =
        value(
            customs.minimize("marketplace-alpha", List.of(record)).records().get(0),
            "buyer.buyerId");
    Object beta =
        value(
            customs.minimize("marketplace-beta", List.of(record)).records().get(0),
            "buyer.buyerId");

    assertThat(beta)
        .isNotEqualTo(alpha)
        .isEqualTo(key().pseudonym("buyer.buyerId", "marketplace-beta", "buyer-1"));
  }

  @Test
  void givesAnotherRecipientsKeyAnotherPseudonym() {
    Transaction record = sample(1);
    MinimizationPolicy policy = TestPrivacy.customsDefault();
    Schema schema = Transaction.getClassSchema();
    Minimizer otherSecret =
        Minimizer.compile(policy, schema, TestPrivacy.pseudonymizer(TestPrivacy.RECIPIENT, 1, 'z'));
    Minimizer otherRecipient =
        Minimizer.compile(policy, schema, TestPrivacy.pseudonymizer("customs-de", 1, 'z'));
    Minimizer rotated =
        Minimizer.compile(policy, schema, TestPrivacy.pseudonymizer(TestPrivacy.RECIPIENT, 2, 'r'));

    Object ours = value(only(customs, record), "buyer.buyerId");

    assertThat(value(only(otherSecret, record), "buyer.buyerId")).isNotEqualTo(ours);
    assertThat(value(only(otherRecipient, record), "buyer.buyerId")).isNotEqualTo(ours);
    assertThat(otherRecipient.recipient()).isEqualTo("customs-de");
    assertThat(value(only(rotated, record), "buyer.buyerId"))
        .isNotEqualTo(ours)
        .asString()
        .startsWith("p2_");
    assertThat(rotated.keyVersion()).isEqualTo(2);
  }

  @Test
  void leavesTheRawBuyerIdNowhere() {
    Transaction record = sample(1);
    record.getBuyer().setBuyerId("acct-raw-5150");

    Minimizer.Minimized result = customs.minimize(MARKETPLACE, List.of(record));
    byte[] container = customs.container(result.records());

    assertThat(result.records().get(0).toString()).doesNotContain("acct-raw-5150");
    assertThat(text(container)).doesNotContain("acct-raw-5150");
    assertThat(result.fields().toString()).doesNotContain("acct-raw-5150");
  }

  // --- generalize ------------------------------------------------------------------------------

  @Test
  void generalizesAPostalCodeToThePolicysPrefix() {
    Transaction record = sample(1);
    record.getBuyer().getAddress().setPostalCode("1011 AB");

    assertThat(value(only(customs, record), "buyer.address.postalCode")).isEqualTo("10");
    assertThat(fieldSchema(customs.outputSchema(), "buyer.address.postalCode").getType())
        .isEqualTo(Schema.Type.STRING);
  }

  @ParameterizedTest(name = "\"{0}\" to {1}: \"{2}\"")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "1011 AB|4|1011",
        "1011 ab|6|1011AB",
        "1011ab|5|1011A",
        "sw1a 1aa|4|SW1A",
        "04-109|3|041",
        " 9 0 |3|90",
        "75|5|75",
        "40121|5|40121",
        "1011\tAB|6|1011AB"
      })
  void generalizesAPostalCodeNormalizedAndAShortOneWhole(
      String postalCode, int length, String expected) {
    Minimizer minimizer =
        compile(
            """
            buyer.address.postalCode:
              action: generalize
              method: postal-prefix
              length: %d
              purpose: destination area
            """
                .formatted(length));
    Transaction record = sample(1);
    record.getBuyer().getAddress().setPostalCode(postalCode);

    assertThat(value(only(minimizer, record), "buyer.address.postalCode")).isEqualTo(expected);
  }

  @Test
  void generalizesATimeToTheFirstInstantOfItsMonth() {
    Minimizer minimizer =
        compile(
            """
            orderTime:
              action: generalize
              method: month
              purpose: valuation period
            payment.time:
              action: generalize
              method: month
              purpose: payment period
            """);
    Transaction record = SampleTransactions.valid(1, Instant.parse("2026-11-17T13:45:00Z"));

    GenericRecord out = only(minimizer, record);

    assertThat(out.get("orderTime"))
        .isEqualTo(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());
    assertThat(value(out, "payment.time"))
        .isEqualTo(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());
    assertThat(fieldSchema(minimizer.outputSchema(), "orderTime").getType())
        .isEqualTo(Schema.Type.LONG);
    assertThat(fieldSchema(minimizer.outputSchema(), "orderTime").getLogicalType())
        .isEqualTo(LogicalTypes.timestampMillis());
  }

  @ParameterizedTest(name = "{0} to {1}")
  @CsvSource({
    "2026-11-01T00:00:00Z, 2026-11-01T00:00:00Z",
    "2026-11-30T23:59:59.999Z, 2026-11-01T00:00:00Z",
    "2026-11-30T23:30:00-02:00, 2026-12-01T00:00:00Z",
    "2024-02-29T12:00:00Z, 2024-02-01T00:00:00Z",
    "1969-12-31T23:59:59Z, 1969-12-01T00:00:00Z"
  })
  void generalizesATimeToItsMonthInUtc(String time, String month) {
    Minimizer minimizer =
        compile(
            """
            orderTime:
              action: generalize
              method: month
              purpose: valuation period
            """);
    Transaction record = SampleTransactions.valid(1, OffsetDateTime.parse(time).toInstant());

    assertThat(only(minimizer, record).get("orderTime"))
        .isEqualTo(Instant.parse(month).toEpochMilli());
  }

  // --- mask ------------------------------------------------------------------------------------

  @Test
  void masksAnEmailAndAPhoneNumberInADescriptionAndCountsThem() {
    Transaction record = sample(1);
    record.getItems().get(0).setDescription("Mug; mail a.b@mail.example or call +31 6 1234 5678");

    Minimizer.Minimized result = customs.minimize(MARKETPLACE, List.of(record));

    assertThat(items(result.records().get(0)).get(0).get("description"))
        .isEqualTo("Mug; mail [email] or call [phone]");
    assertThat(result.freeText())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(FreeTextScanner.Kind.EMAIL, 1, FreeTextScanner.Kind.PHONE, 1));
  }

  @Test
  void sumsFreeTextCountsOverItemsAndRecords() {
    Transaction first = sample(1);
    Transaction second = sample(2);
    first.getItems().get(0).setDescription("Shirt, ask x@shop.example");
    first.getItems().get(1).setDescription("Cap for y@shop.example, passport X1234567");
    second.getItems().get(1).setDescription("Lamp, whatsapp +44 7700 900123, z@shop.example");

    Minimizer.Minimized result = customs.minimize(MARKETPLACE, List.of(first, second));

    assertThat(result.freeText())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                FreeTextScanner.Kind.EMAIL, 3,
                FreeTextScanner.Kind.PHONE, 1,
                FreeTextScanner.Kind.ID_NUMBER, 1));
    assertThat(items(result.records().get(0)).get(1).get("description"))
        .isEqualTo("Cap for [email], passport [id]");
    assertThat(items(result.records().get(1)).get(1).get("description"))
        .isEqualTo("Lamp, whatsapp [phone], [email]");
  }

  @Test
  void leavesDescriptionsWithoutPersonalDataAsTheyAre() {
    List<Transaction> records = SampleTransactions.batch(8, ORDERED);

    Minimizer.Minimized result = customs.minimize(MARKETPLACE, records);

    assertThat(result.freeText()).isEmpty();
    for (int r = 0; r < records.size(); r++) {
      List<GenericRecord> items = items(result.records().get(r));
      for (int i = 0; i < items.size(); i++) {
        assertThat(items.get(i).get("description"))
            .isEqualTo(records.get(r).getItems().get(i).getDescription());
      }
    }
  }

  @ParameterizedTest(name = "\"{0}\" to \"{1}\"")
  @CsvSource({
    "+31612345678, ********5678",
    "123456789, *****6789",
    "12345678, ********",
    "12, **",
    "'', ''"
  })
  void masksAllButTheLastCharactersAndAShortValueWhole(String phone, String masked) {
    Minimizer minimizer =
        compile(
            """
            buyer.phone:
              action: mask
              method: last-characters
              length: 4
              purpose: tell numbers apart
            """);
    Transaction record = sample(1);
    record.getBuyer().setPhone(phone);

    assertThat(value(only(minimizer, record), "buyer.phone")).isEqualTo(masked);
  }

  @Test
  void masksTheLastCharactersOfASampleBuyersPhone() {
    Minimizer minimizer =
        compile(
            """
            buyer.phone:
              action: mask
              method: last-characters
              length: 4
              purpose: tell numbers apart
            """);

    GenericRecord out = only(minimizer, sample(7));

    assertThat(value(out, "buyer.phone")).isEqualTo("********0007");
    assertThat(fieldNames(fieldSchema(minimizer.outputSchema(), "buyer"))).containsExactly("phone");
    assertThat(out.toString()).doesNotContain("+31600000007");
  }

  // --- default deny ----------------------------------------------------------------------------

  @Test
  void dropsTheBuyersEmailWhenThePolicyDoesNotNameIt() {
    Minimizer minimizer =
        compile(
            """
            buyer.buyerId:
              action: pseudonymize
              purpose: link orders
            buyer.name:
              action: drop
            """);

    GenericRecord out = only(minimizer, sample(1));

    assertThat(fieldNames(minimizer.outputSchema())).containsExactly("transactionId", "buyer");
    assertThat(fieldNames(fieldSchema(minimizer.outputSchema(), "buyer")))
        .containsExactly("buyerId");
    assertThat(out.toString()).doesNotContain("buyer1@mail.example");
    assertThat(minimizer.droppedByDefault())
        .contains("buyer.email")
        .doesNotContain("buyer.name", "buyer.buyerId", "transactionId");
  }

  @Test
  void listsEveryLeafThePolicyDoesNotNameAsDroppedByDefault() {
    Minimizer minimizer =
        compile(
            """
            buyer.name:
              action: drop
            """);
    List<String> unnamed =
        leafPaths(Transaction.getClassSchema()).stream()
            .filter(path -> !path.equals("transactionId") && !path.equals("buyer.name"))
            .toList();

    assertThat(minimizer.droppedByDefault()).isEqualTo(unnamed).contains("buyer.email");
    assertThat(leafPaths(minimizer.outputSchema())).containsExactly("transactionId");
  }

  @Test
  void shippedPolicyNamesEveryFieldOfTheV2Schema() {
    assertThat(customs.droppedByDefault()).isEmpty();
    assertThat(customs.effectiveRules()).hasSize(leafPaths(Transaction.getClassSchema()).size());
  }

  @Test
  void dropsAFieldTheSchemaGainsThatNoRuleNames() {
    Schema extended = withBuyerPassportNumber();
    GenericData.Record record = genericCopy(sample(1), extended);
    ((GenericData.Record) record.get("buyer")).put("passportNumber", "XP9988776");
    Minimizer minimizer = Minimizer.compile(TestPrivacy.customsDefault(), extended, key());

    Minimizer.Minimized result = minimizer.minimize(MARKETPLACE, List.of(record));

    assertThat(minimizer.droppedByDefault()).containsExactly("buyer.passportNumber");
    assertThat(fieldNames(fieldSchema(minimizer.outputSchema(), "buyer")))
        .containsExactly("buyerId", "address");
    assertThat(minimizer.outputSchema()).isEqualTo(customs.outputSchema());
    assertThat(result.records().get(0).toString()).doesNotContain("XP9988776");
    assertThat(text(minimizer.container(result.records()))).doesNotContain("XP9988776");
    assertThat(result.fields())
        .contains(new Minimizer.FieldCount("buyer.passportNumber", PolicyAction.DROP, 1));
  }

  @Test
  void minimizesGenericRecordsLikeGeneratedOnes() {
    Schema extended = withBuyerPassportNumber();
    Transaction record = sample(3);
    Minimizer minimizer = Minimizer.compile(TestPrivacy.customsDefault(), extended, key());

    GenericRecord fromGeneric =
        minimizer.minimize(MARKETPLACE, List.of(genericCopy(record, extended))).records().get(0);
    GenericRecord fromGenerated = only(customs, record);

    assertThat(fromGeneric).isEqualTo(fromGenerated);
    assertThat(value(fromGeneric, "orderTime")).isEqualTo(ORDERED.toEpochMilli());
    assertThat(value(fromGeneric, "seller.type")).hasToString("BUSINESS");
  }

  // --- policy against schema -------------------------------------------------------------------

  static Stream<Arguments> misfits() {
    return Stream.of(
        Arguments.of(
            "a field the schema lacks",
            """
            buyer.passportNumber:
              action: drop
            """,
            "buyer.passportNumber"),
        Arguments.of(
            "an array without []",
            """
            items.description:
              action: keep
              purpose: p
            """,
            "items.description"),
        Arguments.of(
            "a record, not a leaf",
            """
            buyer.address:
              action: keep
              purpose: p
            """,
            "buyer.address"),
        Arguments.of(
            "pseudonymize on a long",
            """
            amounts.totalPaidMinor:
              action: pseudonymize
              purpose: p
            """,
            "amounts.totalPaidMinor is long"),
        Arguments.of(
            "pseudonymize on an enum",
            """
            seller.type:
              action: pseudonymize
              purpose: p
            """,
            "seller.type is enum"),
        Arguments.of(
            "month on a string",
            """
            seller.name:
              action: generalize
              method: month
              purpose: p
            """,
            "seller.name is string"),
        Arguments.of(
            "month on a long that is not a time",
            """
            amounts.totalPaidMinor:
              action: generalize
              method: month
              purpose: p
            """,
            "amounts.totalPaidMinor is long"),
        Arguments.of(
            "postal-prefix on a long",
            """
            amounts.goodsValueMinor:
              action: generalize
              method: postal-prefix
              length: 2
              purpose: p
            """,
            "amounts.goodsValueMinor is long"),
        Arguments.of(
            "postal-prefix on a time",
            """
            orderTime:
              action: generalize
              method: postal-prefix
              length: 2
              purpose: p
            """,
            "orderTime is timestamp-millis"),
        Arguments.of(
            "free-text on an int",
            """
            shipment.packages:
              action: mask
              method: free-text
              purpose: p
            """,
            "shipment.packages is int"),
        Arguments.of(
            "last-characters on a boolean",
            """
            amendment:
              action: mask
              method: last-characters
              length: 2
              purpose: p
            """,
            "amendment is boolean"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("misfits")
  void refusesAPolicyThatDoesNotFitTheSchemaNamingThePath(
      String name, String rules, String message) {
    assertThatThrownBy(() -> compile(rules))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("policy test-policy")
        .hasMessageContaining(message);
  }

  @Test
  void namesEveryFieldTheSchemaLacks() {
    assertThatThrownBy(
            () ->
                compile(
                    """
                    buyer.passportNumber:
                      action: drop
                    buyer.nationality:
                      action: drop
                    """))
        .isInstanceOf(PolicyException.class)
        .hasMessage(
            "policy test-policy names fields the transaction schema does not have:"
                + " buyer.passportNumber, buyer.nationality");
  }

  @Test
  void refusesAPolicyThatKeepsNothing() {
    MinimizationPolicy dropsOnly =
        policy(
            """
            buyer.name:
              action: drop
            buyer.email:
              action: drop
            """);

    assertThatThrownBy(() -> Minimizer.compile(dropsOnly, Transaction.getClassSchema(), key()))
        .isInstanceOf(PolicyException.class)
        .hasMessage("policy test-policy keeps no field at all");
  }

  @Test
  void compilesAPolicyThatKeepsOneField() {
    Minimizer minimizer = Minimizer.compile(policy(KEEP_ID), Transaction.getClassSchema(), key());

    assertThat(leafPaths(minimizer.outputSchema())).containsExactly("transactionId");
    assertThat(only(minimizer, sample(5)).toString()).isEqualTo("{\"transactionId\": \"ORD-5\"}");
  }

  // --- counts ----------------------------------------------------------------------------------

  @Test
  void countsEveryLeafInSchemaOrderWithItsAction() {
    MinimizationPolicy policy = TestPrivacy.customsDefault();

    List<Minimizer.FieldCount> counts =
        customs.minimize(MARKETPLACE, SampleTransactions.batch(3, ORDERED)).fields();

    assertThat(counts)
        .extracting(Minimizer.FieldCount::path)
        .isEqualTo(leafPaths(Transaction.getClassSchema()));
    assertThat(counts)
        .allSatisfy(
            count -> assertThat(count.action()).isEqualTo(policy.rule(count.path()).action()));
    assertThat(counts.get(0))
        .isEqualTo(new Minimizer.FieldCount("transactionId", PolicyAction.KEEP, 3));
  }

  @Test
  void countsTheNonNullValuesEachActionTouched() {
    List<Transaction> records = SampleTransactions.batch(3, ORDERED);
    records.get(0).getBuyer().setTaxId("NL-TAX-1");
    long items = records.stream().mapToLong(r -> r.getItems().size()).sum();
    long brands =
        records.stream()
            .flatMap(r -> r.getItems().stream())
            .filter(item -> item.getBrand() != null)
            .count();

    List<Minimizer.FieldCount> counts = customs.minimize(MARKETPLACE, records).fields();

    assertThat(items).isEqualTo(8);
    assertThat(counts)
        .contains(
            new Minimizer.FieldCount("buyer.buyerId", PolicyAction.PSEUDONYMIZE, 3),
            new Minimizer.FieldCount("buyer.email", PolicyAction.DROP, 3),
            new Minimizer.FieldCount("buyer.taxId", PolicyAction.DROP, 1),
            new Minimizer.FieldCount("buyer.address.line2", PolicyAction.DROP, 0),
            new Minimizer.FieldCount("buyer.address.postalCode", PolicyAction.GENERALIZE, 3),
            new Minimizer.FieldCount("seller.iossNumber", PolicyAction.KEEP, 0),
            new Minimizer.FieldCount("seller.address.region", PolicyAction.KEEP, 3),
            new Minimizer.FieldCount("items[].description", PolicyAction.MASK, items),
            new Minimizer.FieldCount("items[].lineNumber", PolicyAction.KEEP, items),
            new Minimizer.FieldCount("items[].brand", PolicyAction.KEEP, brands),
            new Minimizer.FieldCount("payment.paymentId", PolicyAction.DROP, 3));
    assertThat(brands).isBetween(1L, items - 1);
  }

  @Test
  void countsNothingForAnEmptyBatch() {
    Minimizer.Minimized result = customs.minimize(MARKETPLACE, List.of());

    assertThat(result.records()).isEmpty();
    assertThat(result.freeText()).isEmpty();
    assertThat(result.fields())
        .hasSize(leafPaths(Transaction.getClassSchema()).size())
        .allSatisfy(count -> assertThat(count.values()).isZero());
  }

  // --- the container ---------------------------------------------------------------------------

  @Test
  void writesAContainerThatReadsBackWithTheMinimizedSchema() throws IOException {
    Minimizer.Minimized result =
        customs.minimize(MARKETPLACE, SampleTransactions.batch(5, ORDERED));

    byte[] container = customs.container(result.records());

    List<GenericRecord> read = new ArrayList<>();
    try (DataFileStream<GenericRecord> stream =
        new DataFileStream<>(new ByteArrayInputStream(container), new GenericDatumReader<>())) {
      assertThat(stream.getSchema()).isEqualTo(customs.outputSchema());
      stream.forEach(read::add);
    }
    assertThat(read).hasSize(5).isEqualTo(result.records());
    assertThat(read.get(4).get("transactionId")).hasToString("ORD-5");
    assertThat(value(read.get(0), "buyer.address.postalCode")).hasToString("04");
    assertThat(text(container)).doesNotContain("Sample Buyer", "@mail.example");
  }

  @Test
  void writesAnEmptyContainerThatStillCarriesTheSchema() throws IOException {
    byte[] container = customs.container(List.of());

    try (DataFileStream<GenericRecord> stream =
        new DataFileStream<>(new ByteArrayInputStream(container), new GenericDatumReader<>())) {
      assertThat(stream.getSchema()).isEqualTo(customs.outputSchema());
      assertThat(stream.hasNext()).isFalse();
    }
  }

  // --- schemas for default deny ----------------------------------------------------------------

  /** The v2 schema with one more buyer field, as a later schema version could add. */
  private static Schema withBuyerPassportNumber() {
    String json = Transaction.getClassSchema().toString();
    String marker = "{\"name\":\"taxId\"";
    assertThat(json).containsOnlyOnce(marker);
    String added = "{\"name\":\"passportNumber\",\"type\":[\"null\",\"string\"],\"default\":null},";
    Schema extended = new Schema.Parser().parse(json.replace(marker, added + marker));
    assertThat(fieldNames(fieldSchema(extended, "buyer"))).contains("passportNumber");
    return extended;
  }

  /** The record as a generic record of {@code schema}, by Avro schema resolution. */
  private static GenericData.Record genericCopy(Transaction record, Schema schema) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
      new SpecificDatumWriter<>(Transaction.class).write(record, encoder);
      encoder.flush();
      return (GenericData.Record)
          new GenericDatumReader<GenericRecord>(Transaction.getClassSchema(), schema)
              .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
