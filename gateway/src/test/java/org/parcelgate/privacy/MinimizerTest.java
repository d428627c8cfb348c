package org.parcelgate.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.TestPrivacy;

/**
 * Each action of a policy on real transactions, default deny, and the checks against the schema.
 */
class MinimizerTest {
  private static final Instant ORDERED = Instant.parse("2026-11-17T13:45:10Z");
  private static final String HEAD =
      "policy: test-policy\nversion: 1\nlegal-basis: a basis\nfields:\n"
          + "  transactionId:\n    action: keep\n    purpose: p\n";

  private final Minimizer customs = TestPrivacy.customsMinimizer();

  private static Transaction record(int n) {
    Transaction record = SampleTransactions.valid(n, ORDERED);
    record.getBuyer().setBuyerId("buyer-" + n);
    record.getBuyer().getAddress().setPostalCode("1011 ab");
    return record;
  }

  private static Minimizer compile(String rules) {
    return compile(rules, Transaction.getClassSchema());
  }

  private static Minimizer compile(String rules, Schema schema) {
    MinimizationPolicy policy =
        MinimizationPolicy.parse((HEAD + rules).getBytes(StandardCharsets.UTF_8), "test.yaml");
    return Minimizer.compile(
        policy, schema, TestPrivacy.pseudonymizer(TestPrivacy.RECIPIENT, 1, 'k'));
  }

  private static GenericRecord only(Minimizer minimizer, Transaction record) {
    return minimizer.minimize("marketplace-alpha", List.of(record)).records().get(0);
  }

  private static GenericRecord child(GenericRecord record, String path) {
    GenericRecord current = record;
    for (String name : path.split("\\.")) {
      current = (GenericRecord) current.get(name);
    }
    return current;
  }

  private static List<String> fieldNames(Schema schema) {
    return schema.getFields().stream().map(Schema.Field::name).toList();
  }

  @Test
  void keepsValuesUnchanged() {
    Transaction record = record(1);
    GenericRecord out = only(customs, record);

    assertThat(child(out, "seller").get("name").toString()).isEqualTo(record.getSeller().getName());
    assertThat(child(out, "seller").get("type").toString())
        .isEqualTo(record.getSeller().getType().name());
    assertThat(child(out, "shipment").get("trackingNumber").toString())
        .isEqualTo(record.getShipment().getTrackingNumber());
    assertThat(child(out, "amounts").get("totalPaidMinor"))
        .isEqualTo(record.getAmounts().getTotalPaidMinor());
    assertThat(out.get("orderTime")).isEqualTo(ORDERED.toEpochMilli());
  }

  @Test
  void dropsFieldsFromTheSchemaAndTheRecord() {
    GenericRecord out = only(customs, record(1));
    Schema buyer = customs.outputSchema().getField("buyer").schema();

    assertThat(fieldNames(buyer)).containsExactly("buyerId", "address");
    assertThat(fieldNames(buyer.getField("address").schema()))
        .containsExactly("postalCode", "country");
    assertThat(fieldNames(customs.outputSchema().getField("payment").schema()))
        .doesNotContain("paymentId", "payerCountry");
    assertThat(child(out, "buyer").hasField("name")).isFalse();
    assertThat(child(out, "buyer").hasField("email")).isFalse();
  }

  @Test
  void pseudonymizesStablyPerMarketplaceAndRecipient() {
    Transaction record = record(1);
    String first = child(only(customs, record), "buyer").get("buyerId").toString();
    String again = child(only(customs, record(1)), "buyer").get("buyerId").toString();
    String elsewhere =
        child(customs.minimize("marketplace-beta", List.of(record)).records().get(0), "buyer")
            .get("buyerId")
            .toString();
    Minimizer otherRecipient =
        Minimizer.compile(
            TestPrivacy.customsDefault(),
            Transaction.getClassSchema(),
            TestPrivacy.pseudonymizer("customs-de", 1, 'z'));
    String otherRecipients = child(only(otherRecipient, record), "buyer").get("buyerId").toString();

    assertThat(first).matches("p1_[A-Za-z0-9_-]{43}").doesNotContain("buyer-1");
    assertThat(again).isEqualTo(first);
    assertThat(elsewhere).isNotEqualTo(first);
    assertThat(otherRecipients).isNotEqualTo(first);
  }

  @Test
  void generalizesAPostalCodeToItsPrefix() {
    assertThat(child(only(customs, record(1)), "buyer.address").get("postalCode")).isEqualTo("10");
    assertThat(Minimizer.postalPrefix("04-109", 3)).isEqualTo("041");
    assertThat(Minimizer.postalPrefix("9 0", 3)).isEqualTo("90");
  }

  @Test
  void generalizesATimeToItsMonth() {
    Minimizer minimizer =
        compile("  orderTime:\n    action: generalize\n    method: month\n    purpose: p\n");

    GenericRecord out = only(minimizer, record(1));

    assertThat(out.get("orderTime"))
        .isEqualTo(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());
    assertThat(minimizer.outputSchema().getField("orderTime").schema().getLogicalType().getName())
        .isEqualTo("timestamp-millis");
  }

  @Test
  void masksPersonalDataInFreeTextAndCountsIt() {
    Transaction record = record(1);
    record.getItems().get(0).setDescription("Mug; mail a.b@mail.example or call +31 6 1234 5678");

    Minimizer.Minimized result = customs.minimize("marketplace-alpha", List.of(record));

    GenericRecord item = (GenericRecord) ((List<?>) result.records().get(0).get("items")).get(0);
    assertThat(item.get("description")).isEqualTo("Mug; mail [email] or call [phone]");
    assertThat(result.freeText())
        .containsEntry(FreeTextScanner.Kind.EMAIL, 1)
        .containsEntry(FreeTextScanner.Kind.PHONE, 1);
  }

  @Test
  void masksAllButTheLastCharacters() {
    Minimizer minimizer =
        compile(
            "  buyer.phone:\n    action: mask\n    method: last-characters\n    length: 4\n"
                + "    purpose: p\n");
    Transaction record = record(1);
    record.getBuyer().setPhone("+31612345678");

    assertThat(child(only(minimizer, record), "buyer").get("phone")).isEqualTo("********5678");
    assertThat(Minimizer.lastCharacters("12345678", 4)).isEqualTo("********");
  }

  @Test
  void dropsEveryFieldThePolicyDoesNotName() {
    Minimizer minimizer = compile("  buyer.name:\n    action: drop\n");

    assertThat(fieldNames(minimizer.outputSchema())).containsExactly("transactionId");
    assertThat(minimizer.droppedByDefault())
        .contains("buyer.email", "seller.name", "items[].description")
        .doesNotContain("buyer.name", "transactionId");
  }

  @Test
  void dropsAFieldAddedToTheSchemaThatNoRuleNames() {
    Schema extended = withBuyerPassportNumber();
    GenericData.Record record = genericCopy(record(1), extended);
    ((GenericData.Record) record.get("buyer")).put("passportNumber", "X1234567");

    Minimizer minimizer =
        Minimizer.compile(
            TestPrivacy.customsDefault(),
            extended,
            TestPrivacy.pseudonymizer(TestPrivacy.RECIPIENT, 1, 'k'));
    Minimizer.Minimized result = minimizer.minimize("marketplace-alpha", List.of(record));

    assertThat(minimizer.droppedByDefault()).containsExactly("buyer.passportNumber");
    assertThat(fieldNames(minimizer.outputSchema().getField("buyer").schema()))
        .doesNotContain("passportNumber");
    assertThat(result.records().get(0).toString()).doesNotContain("X1234567");
    assertThat(result.fields())
        .contains(new Minimizer.FieldCount("buyer.passportNumber", PolicyAction.DROP, 1));
  }

  @Test
  void refusesAPolicyThatDoesNotFitTheSchema() {
    assertThatThrownBy(() -> compile("  buyer.passport:\n    action: drop\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("buyer.passport");
    assertThatThrownBy(
            () -> compile("  amounts.totalPaidMinor:\n    action: pseudonymize\n    purpose: p\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("amounts.totalPaidMinor is long");
    assertThatThrownBy(
            () ->
                compile(
                    "  seller.name:\n    action: generalize\n    method: month\n    purpose: p\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("seller.name is string");
    assertThatThrownBy(
            () ->
                compile(
                    "  shipment.packages:\n    action: generalize\n    method: postal-prefix\n"
                        + "    length: 2\n    purpose: p\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("shipment.packages");
    assertThatThrownBy(() -> compile("  items:\n    action: keep\n    purpose: p\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("items");
  }

  @Test
  void refusesAPolicyThatKeepsNothing() {
    MinimizationPolicy policy =
        MinimizationPolicy.parse(
            "policy: nothing\nversion: 1\nlegal-basis: b\nfields:\n  buyer.name:\n    action: drop\n"
                .getBytes(StandardCharsets.UTF_8),
            "nothing.yaml");

    assertThatThrownBy(
            () ->
                Minimizer.compile(
                    policy,
                    Transaction.getClassSchema(),
                    TestPrivacy.pseudonymizer(TestPrivacy.RECIPIENT, 1, 'k')))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("keeps no field");
  }

  @Test
  void countsTheValuesEachActionTouchedForEveryLeaf() {
    List<Transaction> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      records.add(record(i));
    }
    records.get(0).getBuyer().setTaxId("TAX-1");
    int items = records.stream().mapToInt(r -> r.getItems().size()).sum();

    Map<String, Minimizer.FieldCount> counts =
        customs.minimize("marketplace-alpha", records).fields().stream()
            .collect(Collectors.toMap(Minimizer.FieldCount::path, count -> count));

    assertThat(counts).hasSize(customs.effectiveRules().size());
    assertThat(counts.get("buyer.buyerId"))
        .isEqualTo(new Minimizer.FieldCount("buyer.buyerId", PolicyAction.PSEUDONYMIZE, 3));
    assertThat(counts.get("buyer.taxId").values()).isEqualTo(1);
    assertThat(counts.get("buyer.address.line2").values()).isZero();
    assertThat(counts.get("items[].description"))
        .isEqualTo(new Minimizer.FieldCount("items[].description", PolicyAction.MASK, items));
    assertThat(customs.effectiveRules().get(0).path()).isEqualTo("transactionId");
  }

  @Test
  void writesAContainerThatCarriesTheMinimizedSchema() throws Exception {
    Minimizer.Minimized result =
        customs.minimize("marketplace-alpha", List.of(record(1), record(2)));

    byte[] container = customs.container(result.records());

    try (DataFileStream<GenericRecord> stream =
        new DataFileStream<>(new ByteArrayInputStream(container), new GenericDatumReader<>())) {
      assertThat(stream.getSchema()).isEqualTo(customs.outputSchema());
      assertThat(stream.getSchema().getFullName())
          .isEqualTo("org.parcelgate.minimized.MinimizedTransaction");
      List<GenericRecord> read = new ArrayList<>();
      stream.forEach(read::add);
      assertThat(read).hasSize(2);
      assertThat(read.get(1).get("transactionId").toString())
          .isEqualTo(record(2).getTransactionId());
    }
  }

  /** The reader schema with one more buyer field, as a later schema version could add. */
  private static Schema withBuyerPassportNumber() {
    String json = Transaction.getClassSchema().toString();
    String marker = "{\"name\":\"taxId\"";
    String added = "{\"name\":\"passportNumber\",\"type\":[\"null\",\"string\"],\"default\":null},";
    return new Schema.Parser().parse(json.replace(marker, added + marker));
  }

  /** The record read as a generic record of {@code schema} (Avro schema resolution). */
  private static GenericData.Record genericCopy(Transaction record, Schema schema) {
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      org.apache.avro.io.BinaryEncoder encoder =
          org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(bytes, null);
      new org.apache.avro.specific.SpecificDatumWriter<>(Transaction.class).write(record, encoder);
      encoder.flush();
      return (GenericData.Record)
          new GenericDatumReader<GenericRecord>(Transaction.getClassSchema(), schema)
              .read(
                  null,
                  org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
