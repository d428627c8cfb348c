package org.parcelgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.parcelgate.risk.Assessment;
import org.parcelgate.risk.Figure;
import org.parcelgate.risk.Finding;
import org.parcelgate.risk.Flag;
import org.parcelgate.risk.SellerSummary;
import org.parcelgate.store.FeedKind;
import org.parcelgate.store.StoredPrice;
import org.parcelgate.store.StoredSeller;

/**
 * The risk part of the feed contract: a price record's assessment and a seller record's summary in
 * JSON and Avro, with findings, with none, and with risk off; and Avro schemas that readers of the
 * earlier contract and generic readers can read.
 */
class FeedFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant RECEIVED = Instant.parse("2026-11-28T20:15:03.123456Z");

  private static final Schema TRANSACTION =
      SchemaBuilder.record("Transaction")
          .namespace("org.parcelgate.minimized")
          .fields()
          .requiredString("transactionId")
          .endRecord();

  private static final Schema SELLER =
      SchemaBuilder.record("Seller")
          .namespace("org.parcelgate.minimized")
          .fields()
          .requiredString("sellerId")
          .endRecord();

  private static final Finding SPLIT =
      new Finding(
          Flag.SPLIT_CONSIGNMENT,
          80,
          "Three parcels of one buyer from one seller within 24 hours, each below EUR 150,"
              + " together EUR 240.00.",
          List.of(new Figure("parcels", "3"), new Figure("totalEur", "EUR 240.00")));

  private static final Finding LATE =
      new Finding(
          Flag.LATE_PAYMENT,
          30,
          "The payment was accepted 9 days after the order.",
          List.of(new Figure("delay", "9 days")));

  private static final FeedFormat.Page PRICE_PAGE =
      new FeedFormat.Page("customs-nl", FeedKind.PRICE, 7, false);
  private static final FeedFormat.Page SELLER_PAGE =
      new FeedFormat.Page("customs-nl", FeedKind.SELLER, 3, false);

  private static Feeds.PriceRecord price(long seq, Assessment assessment) {
    GenericRecord transaction = new GenericData.Record(TRANSACTION);
    transaction.put("transactionId", "ORD-" + seq);
    return new Feeds.PriceRecord(
        new StoredPrice(
            seq, "marketplace-alpha", "ORD-" + seq, 1, "batch-1", 0, RECEIVED, 4, 0, assessment),
        TRANSACTION,
        "f".repeat(64),
        transaction);
  }

  private static Feeds.SellerRecord seller(SellerSummary risk) {
    GenericRecord identity = new GenericData.Record(SELLER);
    identity.put("sellerId", "seller-7");
    return new Feeds.SellerRecord(
        new StoredSeller(
            3,
            "marketplace-alpha",
            "seller-7",
            RECEIVED,
            RECEIVED,
            12,
            List.of(new StoredSeller.CurrencyTotal("EUR", 12, 184200)),
            "e".repeat(64),
            new byte[0],
            risk),
        SELLER,
        identity);
  }

  private static JsonNode onlyRecord(byte[] page) throws IOException {
    JsonNode records = JSON.readTree(page).path("records");
    assertThat(records).hasSize(1);
    return records.get(0);
  }

  private static List<GenericRecord> read(byte[] container) throws IOException {
    // A generic reader: the container's own schema, nothing compiled from ours.
    try (DataFileStream<GenericRecord> stream =
        new DataFileStream<>(new ByteArrayInputStream(container), new GenericDatumReader<>())) {
      List<GenericRecord> records = new ArrayList<>();
      stream.forEach(records::add);
      return records;
    }
  }

  @Test
  void jsonPriceRecordCarriesItsFindingsStrongestFirstWithReasonsAndFigures() throws IOException {
    JsonNode risk =
        onlyRecord(
                FeedFormat.pricesJson(
                    PRICE_PAGE, List.of(price(1, new Assessment(List.of(LATE, SPLIT))))))
            .path("risk");

    assertThat(risk.path("score").intValue()).isEqualTo(80);
    assertThat(risk.path("flags"))
        .extracting(JsonNode::asText)
        .containsExactly("split_consignment", "late_payment");
    JsonNode first = risk.path("findings").get(0);
    assertThat(first.path("flag").asText()).isEqualTo("split_consignment");
    assertThat(first.path("category").asText()).isEqualTo("splitting");
    assertThat(first.path("score").intValue()).isEqualTo(80);
    assertThat(first.path("reason").asText()).isEqualTo(SPLIT.reason());
    assertThat(JSON.convertValue(first.path("figures"), Map.class))
        .containsExactly(Map.entry("parcels", "3"), Map.entry("totalEur", "EUR 240.00"));
    JsonNode second = risk.path("findings").get(1);
    assertThat(second.path("flag").asText()).isEqualTo("late_payment");
    assertThat(second.path("category").asText()).isEqualTo("three_way_match");
    assertThat(risk.path("findings")).hasSize(2);
  }

  @Test
  void jsonPriceRecordAssessedWithNothingFoundHasScoreZeroAndEmptyLists() throws IOException {
    JsonNode risk =
        onlyRecord(FeedFormat.pricesJson(PRICE_PAGE, List.of(price(1, Assessment.NONE))))
            .path("risk");

    assertThat(risk.isObject()).isTrue();
    assertThat(risk.path("score").isInt()).isTrue();
    assertThat(risk.path("score").intValue()).isZero();
    assertThat(risk.path("flags").isArray()).isTrue();
    assertThat(risk.path("flags")).isEmpty();
    assertThat(risk.path("findings").isArray()).isTrue();
    assertThat(risk.path("findings")).isEmpty();
  }

  @Test
  void jsonPriceRecordHasRiskNullWhenRiskIsOff() throws IOException {
    JsonNode record = onlyRecord(FeedFormat.pricesJson(PRICE_PAGE, List.of(price(1, null))));

    assertThat(record.has("risk")).isTrue();
    assertThat(record.path("risk").isNull()).isTrue();
  }

  @Test
  void jsonRiskComesRightAfterTheChecks() throws IOException {
    List<String> names = new ArrayList<>();
    onlyRecord(FeedFormat.pricesJson(PRICE_PAGE, List.of(price(1, Assessment.NONE))))
        .fieldNames()
        .forEachRemaining(names::add);

    assertThat(names.indexOf("risk")).isEqualTo(names.indexOf("checks") + 1);
  }

  @Test
  void avroPriceRecordsCarryTheirFindingsForAGenericReader() throws IOException {
    List<GenericRecord> records =
        read(
            FeedFormat.pricesAvro(
                TRANSACTION,
                List.of(
                    price(1, new Assessment(List.of(SPLIT, LATE))), price(2, Assessment.NONE))));

    GenericRecord risk = (GenericRecord) records.get(0).get("risk");
    assertThat(risk.get("score")).isEqualTo(80);
    assertThat(((List<?>) risk.get("flags")).stream().map(Object::toString))
        .containsExactly("split_consignment", "late_payment");
    GenericRecord finding = (GenericRecord) ((List<?>) risk.get("findings")).get(0);
    assertThat(finding.get("flag").toString()).isEqualTo("split_consignment");
    assertThat(finding.get("category").toString()).isEqualTo("splitting");
    assertThat(finding.get("score")).isEqualTo(80);
    assertThat(finding.get("reason").toString()).isEqualTo(SPLIT.reason());
    List<?> figures = (List<?>) finding.get("figures");
    assertThat(figures)
        .extracting(f -> ((GenericRecord) f).get("name") + "=" + ((GenericRecord) f).get("value"))
        .containsExactly("parcels=3", "totalEur=EUR 240.00");

    GenericRecord none = (GenericRecord) records.get(1).get("risk");
    assertThat(none.get("score")).isEqualTo(0);
    assertThat((List<?>) none.get("flags")).isEmpty();
    assertThat((List<?>) none.get("findings")).isEmpty();
  }

  @Test
  void avroPriceRecordsHaveRiskNullWhenRiskIsOff() throws IOException {
    GenericRecord record = read(FeedFormat.pricesAvro(TRANSACTION, List.of(price(1, null)))).get(0);

    assertThat(record.getSchema().getField("risk")).isNotNull();
    assertThat(record.get("risk")).isNull();
  }

  @Test
  void avroRiskIsAnOptionalFieldWithDocsAndFlagsAsStrings() {
    Schema.Field risk = FeedFormat.priceSchema(TRANSACTION).getField("risk");

    assertThat(risk.hasDefaultValue()).isTrue();
    assertThat(risk.defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
    assertThat(risk.doc()).isNotBlank();
    Schema assessment = risk.schema().getTypes().get(1);
    assertThat(risk.schema().getTypes().get(0).getType()).isEqualTo(Schema.Type.NULL);
    Schema finding = assessment.getField("findings").schema().getElementType();
    assertThat(finding.getField("flag").schema().getType()).isEqualTo(Schema.Type.STRING);
    // The doc names the whole vocabulary.
    for (Flag flag : Flag.values()) {
      assertThat(finding.getField("flag").doc()).contains(flag.wireName());
    }
    for (Schema record :
        List.of(
            assessment,
            finding,
            finding.getField("figures").schema().getElementType(),
            FeedFormat.sellerSchema(SELLER).getField("risk").schema().getTypes().get(1))) {
      assertThat(record.getFields())
          .as(record.getName())
          .allSatisfy(field -> assertThat(field.doc()).as(field.name()).isNotBlank());
    }
  }

  @Test
  void aReaderOfTheContractBeforeRiskStillReadsPriceRecords() throws IOException {
    Schema current = FeedFormat.priceSchema(TRANSACTION);
    Schema before = withoutRisk(current);
    byte[] page =
        FeedFormat.pricesAvro(TRANSACTION, List.of(price(5, new Assessment(List.of(SPLIT)))));

    try (DataFileStream<GenericRecord> stream =
        new DataFileStream<>(
            new ByteArrayInputStream(page), new GenericDatumReader<>(null, before))) {
      GenericRecord record = stream.next();
      assertThat(record.get("position")).isEqualTo(5L);
      assertThat(record.getSchema().getField("risk")).isNull();
    }
  }

  @Test
  void pagesWrittenBeforeRiskReadWithTheNewSchemaHaveRiskNull() throws IOException {
    Schema current = FeedFormat.priceSchema(TRANSACTION);
    Schema before = withoutRisk(current);
    GenericRecord old = new GenericData.Record(before);
    GenericRecord checks = new GenericData.Record(before.getField("checks").schema());
    checks.put("authentication", "passed");
    checks.put("schema", "passed");
    checks.put("rules", "passed");
    GenericRecord transaction = new GenericData.Record(TRANSACTION);
    transaction.put("transactionId", "ORD-1");
    old.put("position", 1L);
    old.put("marketplaceId", "marketplace-alpha");
    old.put("transactionId", "ORD-1");
    old.put("version", 1);
    old.put("batchId", "batch-1");
    old.put("receivedAt", 0L);
    old.put("minimizationLogIndex", 1L);
    old.put("checks", checks);
    old.put("transaction", transaction);
    byte[] container = org.parcelgate.avro.ContainerWriter.generic(before).write(List.of(old));

    try (DataFileStream<GenericRecord> stream =
        new DataFileStream<>(
            new ByteArrayInputStream(container), new GenericDatumReader<>(null, current))) {
      GenericRecord record = stream.next();
      assertThat(record.get("transactionId").toString()).isEqualTo("ORD-1");
      assertThat(record.get("risk")).isNull();
    }
  }

  private static Schema withoutRisk(Schema schema) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      if (!field.name().equals("risk")) {
        fields.add(new Schema.Field(field, field.schema()));
      }
    }
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  private static SellerSummary summary() {
    return SellerSummary.EMPTY
        .withAssessment(new Assessment(List.of(SPLIT, LATE)))
        .withAssessment(new Assessment(List.of(SPLIT)))
        .withAssessment(Assessment.NONE)
        .withRevenue("2026-11", "EUR", 2100, 300, 1000)
        .withRevenue("2026-10", "EUR", 500, 0, 500);
  }

  @Test
  void jsonSellerRecordCarriesFlagCountsAndRevenueGapsPerMonth() throws IOException {
    JsonNode risk =
        onlyRecord(FeedFormat.sellersJson(SELLER_PAGE, List.of(seller(summary())))).path("risk");

    assertThat(risk.path("assessed").longValue()).isEqualTo(3);
    assertThat(risk.path("flagged"))
        .extracting(c -> c.path("flag").asText() + "=" + c.path("records").longValue())
        .containsExactly("split_consignment=2", "late_payment=1");
    JsonNode november = risk.path("revenue").get(0);
    assertThat(november.path("period").asText()).isEqualTo("2026-11");
    assertThat(november.path("currency").asText()).isEqualTo("EUR");
    assertThat(november.path("parcels").longValue()).isEqualTo(1);
    assertThat(november.path("vatDueMinor").longValue()).isEqualTo(2100);
    assertThat(november.path("dutyDueMinor").longValue()).isEqualTo(300);
    assertThat(november.path("collectedMinor").longValue()).isEqualTo(1000);
    assertThat(november.path("gapMinor").longValue()).isEqualTo(1400);
    assertThat(risk.path("revenue").get(1).path("gapMinor").longValue()).isZero();
  }

  @Test
  void jsonSellerRecordOfAnUnassessedSellerHasAnEmptySummary() throws IOException {
    JsonNode risk =
        onlyRecord(FeedFormat.sellersJson(SELLER_PAGE, List.of(seller(SellerSummary.EMPTY))))
            .path("risk");

    assertThat(risk.path("assessed").longValue()).isZero();
    assertThat(risk.path("flagged").isArray()).isTrue();
    assertThat(risk.path("flagged")).isEmpty();
    assertThat(risk.path("revenue")).isEmpty();
  }

  @Test
  void jsonSellerRecordHasRiskNullWhenRiskIsOff() throws IOException {
    JsonNode record = onlyRecord(FeedFormat.sellersJson(SELLER_PAGE, List.of(seller(null))));

    assertThat(record.has("risk")).isTrue();
    assertThat(record.path("risk").isNull()).isTrue();
    assertThat(record.path("seller").path("sellerId").asText()).isEqualTo("seller-7");
  }

  @Test
  void avroSellerRecordsCarryTheSummaryOrNull() throws IOException {
    List<GenericRecord> records =
        read(FeedFormat.sellersAvro(SELLER, List.of(seller(summary()), seller(null))));

    GenericRecord risk = (GenericRecord) records.get(0).get("risk");
    assertThat(risk.get("assessed")).isEqualTo(3L);
    GenericRecord split = (GenericRecord) ((List<?>) risk.get("flagged")).get(0);
    assertThat(split.get("flag").toString()).isEqualTo("split_consignment");
    assertThat(split.get("records")).isEqualTo(2L);
    GenericRecord november = (GenericRecord) ((List<?>) risk.get("revenue")).get(0);
    assertThat(november.get("period").toString()).isEqualTo("2026-11");
    assertThat(november.get("gapMinor")).isEqualTo(1400L);
    assertThat(records.get(1).get("risk")).isNull();
  }
}
