package org.parcelgate.delivery;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.parcelgate.avro.ContainerWriter;
import org.parcelgate.store.FeedKind;
import org.parcelgate.store.StoredPrice;
import org.parcelgate.store.StoredSeller;

/**
 * The wire forms of feed pages and push deliveries: JSON (the default) and Avro object container
 * files. docs/protocol.md describes both; the JSON of a minimized record follows its schema (field
 * order, null for a missing optional value, timestamps as ISO-8601 text, enums as their symbol).
 *
 * <p>A price record carries, besides the minimized transaction, where it came from: marketplace,
 * transaction id and version, batch, the gateway's received time, the index of the batch's
 * minimization log entry for the recipient, the checks it passed (every stored record passed them
 * all: a record that fails one is refused, not stored), and what the risk checks found ({@link
 * RiskFormat}). A seller record carries the seller's risk summary.
 */
public final class FeedFormat {
  /** The media type of Avro object container files. */
  public static final String AVRO = "application/avro";

  private static final JsonFactory JSON = new JsonFactory();
  private static final String NAMESPACE = "org.parcelgate.delivery";
  private static final Map<Schema, Schema> PRICE_SCHEMAS = new ConcurrentHashMap<>();
  private static final Map<Schema, Schema> SELLER_SCHEMAS = new ConcurrentHashMap<>();

  /** A container writer per page schema; as few as the schemas above. */
  private static final Map<Schema, ContainerWriter<GenericRecord>> CONTAINERS =
      new ConcurrentHashMap<>();

  private FeedFormat() {}

  /** What a page or delivery holds besides its records. */
  public record Page(String recipient, FeedKind kind, long nextCursor, boolean more) {}

  /** A page of price records as JSON. */
  public static byte[] pricesJson(Page page, List<Feeds.PriceRecord> records) {
    return json(
        page,
        json -> {
          for (Feeds.PriceRecord record : records) {
            writePrice(json, record);
          }
        });
  }

  /** A page of seller records as JSON. */
  public static byte[] sellersJson(Page page, List<Feeds.SellerRecord> records) {
    return json(
        page,
        json -> {
          for (Feeds.SellerRecord record : records) {
            writeSeller(json, record);
          }
        });
  }

  /**
   * Price records as an Avro object container of {@code PriceRecord}s.
   *
   * @param transaction the schema of the records' transactions (an empty page still names one)
   * @throws IllegalArgumentException unless every record was written with that schema
   */
  public static byte[] pricesAvro(Schema transaction, List<Feeds.PriceRecord> records) {
    Schema schema = PRICE_SCHEMAS.computeIfAbsent(transaction, FeedFormat::priceSchema);
    return container(
        schema,
        records.stream()
            .map(
                record -> {
                  if (!record.schema().equals(transaction)) {
                    throw new IllegalArgumentException("an Avro page holds one schema");
                  }
                  StoredPrice stored = record.stored();
                  GenericRecord checks = new GenericData.Record(schema.getField("checks").schema());
                  checks.put("authentication", "passed");
                  checks.put("schema", "passed");
                  checks.put("rules", "passed");
                  GenericRecord out = new GenericData.Record(schema);
                  out.put("position", stored.seq());
                  out.put("marketplaceId", stored.marketplaceId());
                  out.put("transactionId", stored.transactionId());
                  out.put("version", stored.version());
                  out.put("batchId", stored.batchId());
                  out.put("receivedAt", micros(stored.receivedAt()));
                  out.put("minimizationLogIndex", stored.logIndex());
                  out.put("checks", checks);
                  out.put("risk", RiskFormat.avro(stored.assessment()));
                  out.put("transaction", record.transaction());
                  return out;
                })
            .toList());
  }

  /**
   * Seller records as an Avro object container of {@code SellerRecord}s.
   *
   * @param seller the schema of the records' seller identities (an empty page still names one)
   * @throws IllegalArgumentException unless every record was written with that schema
   */
  public static byte[] sellersAvro(Schema seller, List<Feeds.SellerRecord> records) {
    Schema schema = SELLER_SCHEMAS.computeIfAbsent(seller, FeedFormat::sellerSchema);
    Schema value = schema.getField("values").schema().getElementType();
    return container(
        schema,
        records.stream()
            .map(
                record -> {
                  if (!record.schema().equals(seller)) {
                    throw new IllegalArgumentException("an Avro page holds one schema");
                  }
                  StoredSeller stored = record.stored();
                  GenericRecord out = new GenericData.Record(schema);
                  out.put("position", stored.seq());
                  out.put("marketplaceId", stored.marketplaceId());
                  out.put("sellerId", stored.sellerId());
                  out.put("firstSeen", micros(stored.firstSeen()));
                  out.put("lastSeen", micros(stored.lastSeen()));
                  out.put("transactions", stored.transactions());
                  out.put(
                      "values",
                      stored.values().stream()
                          .map(
                              total -> {
                                GenericRecord v = new GenericData.Record(value);
                                v.put("currency", total.currency());
                                v.put("transactions", total.transactions());
                                v.put("valueMinor", total.valueMinor());
                                return (Object) v;
                              })
                          .toList());
                  out.put("risk", RiskFormat.avro(stored.risk()));
                  out.put("seller", record.seller());
                  return out;
                })
            .toList());
  }

  /** The schema of the price records of an Avro page whose transactions have this schema. */
  public static Schema priceSchema(Schema transaction) {
    Schema micros = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
    return SchemaBuilder.record("PriceRecord")
        .namespace(NAMESPACE)
        .fields()
        .requiredLong("position")
        .requiredString("marketplaceId")
        .requiredString("transactionId")
        .requiredInt("version")
        .requiredString("batchId")
        .name("receivedAt")
        .type(micros)
        .noDefault()
        .requiredLong("minimizationLogIndex")
        .name("checks")
        .type(
            SchemaBuilder.record("Checks")
                .namespace(NAMESPACE)
                .fields()
                .requiredString("authentication")
                .requiredString("schema")
                .requiredString("rules")
                .endRecord())
        .noDefault()
        .name("risk")
        .doc(
            "What the risk checks found in the record; null when the gateway does not assess risk.")
        .type(RiskFormat.optional(RiskFormat.ASSESSMENT))
        .withDefault(null)
        .name("transaction")
        .type(transaction)
        .noDefault()
        .endRecord();
  }

  /** The schema of the seller records of an Avro page whose identities have this schema. */
  public static Schema sellerSchema(Schema seller) {
    Schema micros = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
    return SchemaBuilder.record("SellerRecord")
        .namespace(NAMESPACE)
        .fields()
        .requiredLong("position")
        .requiredString("marketplaceId")
        .requiredString("sellerId")
        .name("firstSeen")
        .type(micros)
        .noDefault()
        .name("lastSeen")
        .type(micros)
        .noDefault()
        .requiredLong("transactions")
        .name("values")
        .type()
        .array()
        .items(
            SchemaBuilder.record("CurrencyValue")
                .namespace(NAMESPACE)
                .fields()
                .requiredString("currency")
                .requiredLong("transactions")
                .requiredLong("valueMinor")
                .endRecord())
        .noDefault()
        .name("risk")
        .doc(
            "What the risk assessments of the seller's records say; null when the gateway does not"
                + " assess risk.")
        .type(RiskFormat.optional(RiskFormat.SELLER))
        .withDefault(null)
        .name("seller")
        .type(seller)
        .noDefault()
        .endRecord();
  }

  private static byte[] container(Schema schema, List<GenericRecord> records) {
    return CONTAINERS.computeIfAbsent(schema, ContainerWriter::generic).write(records);
  }

  @FunctionalInterface
  private interface Records {
    void write(JsonGenerator json) throws IOException;
  }

  private static byte[] json(Page page, Records records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("recipient", page.recipient());
      json.writeStringField("feed", page.kind().wireName());
      json.writeArrayFieldStart("records");
      records.write(json);
      json.writeEndArray();
      json.writeStringField("nextCursor", Long.toString(page.nextCursor()));
      json.writeBooleanField("more", page.more());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writePrice(JsonGenerator json, Feeds.PriceRecord record) throws IOException {
    StoredPrice stored = record.stored();
    json.writeStartObject();
    json.writeNumberField("position", stored.seq());
    json.writeStringField("marketplaceId", stored.marketplaceId());
    json.writeStringField("transactionId", stored.transactionId());
    json.writeNumberField("version", stored.version());
    json.writeStringField("batchId", stored.batchId());
    json.writeStringField("receivedAt", stored.receivedAt().toString());
    json.writeNumberField("minimizationLogIndex", stored.logIndex());
    json.writeObjectFieldStart("checks");
    json.writeStringField("authentication", "passed");
    json.writeStringField("schema", "passed");
    json.writeStringField("rules", "passed");
    json.writeEndObject();
    json.writeFieldName("risk");
    RiskFormat.json(json, stored.assessment());
    json.writeStringField("schemaFingerprint", record.fingerprint());
    json.writeFieldName("transaction");
    value(json, record.schema(), record.transaction());
    json.writeEndObject();
  }

  private static void writeSeller(JsonGenerator json, Feeds.SellerRecord record)
      throws IOException {
    StoredSeller stored = record.stored();
    json.writeStartObject();
    json.writeNumberField("position", stored.seq());
    json.writeStringField("marketplaceId", stored.marketplaceId());
    json.writeStringField("sellerId", stored.sellerId());
    json.writeStringField("firstSeen", stored.firstSeen().toString());
    json.writeStringField("lastSeen", stored.lastSeen().toString());
    json.writeNumberField("transactions", stored.transactions());
    json.writeArrayFieldStart("values");
    for (StoredSeller.CurrencyTotal total : stored.values()) {
      json.writeStartObject();
      json.writeStringField("currency", total.currency());
      json.writeNumberField("transactions", total.transactions());
      json.writeNumberField("valueMinor", total.valueMinor());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeFieldName("risk");
    RiskFormat.json(json, stored.risk());
    json.writeFieldName("seller");
    value(json, record.schema(), record.seller());
    json.writeEndObject();
  }

  /** Writes an Avro value as JSON, by its schema. */
  static void value(JsonGenerator json, Schema schema, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
      return;
    }
    switch (schema.getType()) {
      case UNION ->
          value(json, schema.getTypes().get(GenericData.get().resolveUnion(schema, value)), value);
      case RECORD -> {
        GenericRecord record = (GenericRecord) value;
        json.writeStartObject();
        for (Schema.Field field : schema.getFields()) {
          json.writeFieldName(field.name());
          value(json, field.schema(), record.get(field.pos()));
        }
        json.writeEndObject();
      }
      case ARRAY -> {
        json.writeStartArray();
        for (Object item : (List<?>) value) {
          value(json, schema.getElementType(), item);
        }
        json.writeEndArray();
      }
      case MAP -> {
        json.writeStartObject();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
          json.writeFieldName(entry.getKey().toString());
          value(json, schema.getValueType(), entry.getValue());
        }
        json.writeEndObject();
      }
      case INT, LONG -> number(json, schema.getLogicalType(), ((Number) value).longValue());
      case FLOAT, DOUBLE -> json.writeNumber(((Number) value).doubleValue());
      case BOOLEAN -> json.writeBoolean((Boolean) value);
      case BYTES -> json.writeString(base64(((ByteBuffer) value).duplicate()));
      case FIXED ->
          json.writeString(
              Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(((GenericData.Fixed) value).bytes()));
      default -> json.writeString(value.toString());
    }
  }

  private static void number(JsonGenerator json, LogicalType logical, long value)
      throws IOException {
    if (logical instanceof LogicalTypes.TimestampMicros) {
      json.writeString(Instant.EPOCH.plus(value, ChronoUnit.MICROS).toString());
    } else if (logical instanceof LogicalTypes.TimestampMillis) {
      json.writeString(Instant.ofEpochMilli(value).toString());
    } else if (logical instanceof LogicalTypes.Date) {
      json.writeString(LocalDate.ofEpochDay(value).toString());
    } else {
      json.writeNumber(value);
    }
  }

  private static String base64(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }
}
