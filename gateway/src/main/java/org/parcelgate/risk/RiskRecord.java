package org.parcelgate.risk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * What the detectors see of one accepted transaction version: the record <em>as its recipient's
 * policy left it</em>, read from the minimized record by field name. A field the policy drops is
 * null here, so no detector can use it; a detector that needs it finds nothing.
 *
 * @param receivedAt when the gateway received the batch
 * @param buyerPseudonym the recipient's pseudonym of {@code buyer.buyerId} (scoped to the
 *     marketplace), or null
 * @param paymentMethod the symbol of {@code payment.method}, or null
 */
public record RiskRecord(
    String marketplaceId,
    String transactionId,
    int version,
    Instant receivedAt,
    Instant orderTime,
    String consignmentIoss,
    String sellerId,
    String sellerIoss,
    String sellerCountry,
    String buyerPseudonym,
    String destinationCountry,
    String dispatchCountry,
    String currency,
    Long goodsValueMinor,
    Long shippingMinor,
    Long insuranceMinor,
    Long discountMinor,
    Long taxCollectedMinor,
    Long totalPaidMinor,
    Instant paymentTime,
    String paymentMethod,
    String payerCountry,
    List<Line> lines) {

  /**
   * One order line as the policy left it.
   *
   * @param hsCode the code as sent (6, 8 or 10 digits), or null
   */
  public record Line(
      int lineNumber,
      String hsCode,
      String originCountry,
      Long quantity,
      String unit,
      Long unitPriceMinor,
      Long lineTotalMinor,
      Long grossMassGrams) {

    /** The HS subheading (the code's first 6 digits), or null. */
    public String hs6() {
      return hsCode == null || hsCode.length() < 6 ? null : hsCode.substring(0, 6);
    }
  }

  public RiskRecord {
    Objects.requireNonNull(marketplaceId, "marketplaceId");
    Objects.requireNonNull(transactionId, "transactionId");
    Objects.requireNonNull(receivedAt, "receivedAt");
    lines = List.copyOf(lines);
  }

  /**
   * Reads a minimized transaction (a record of the recipient's minimized schema, with Avro's
   * generic representation: {@code CharSequence} text, {@code Instant} timestamps or epoch millis).
   */
  public static RiskRecord of(
      String marketplaceId,
      String transactionId,
      int version,
      Instant receivedAt,
      GenericRecord minimized) {
    Fields top = Fields.of(minimized);
    Fields seller = Fields.record(top, Field.SELLER);
    Fields buyer = Fields.record(top, Field.BUYER);
    Fields buyerAddress = Fields.record(buyer, Field.ADDRESS);
    Fields amounts = Fields.record(top, Field.AMOUNTS);
    Fields payment = Fields.record(top, Field.PAYMENT);
    Fields shipment = Fields.record(top, Field.SHIPMENT);
    List<Line> lines = new ArrayList<>();
    Object items = Fields.get(top, Field.ITEMS);
    if (items instanceof List<?> list) {
      Fields line = null;
      for (Object item : list) {
        line = Fields.of((GenericRecord) item, line);
        Long number = number(line, Field.LINE_NUMBER);
        lines.add(
            new Line(
                number == null ? lines.size() + 1 : number.intValue(),
                text(line, Field.HS_CODE),
                text(line, Field.ORIGIN_COUNTRY),
                number(line, Field.QUANTITY),
                text(line, Field.UNIT),
                number(line, Field.UNIT_PRICE_MINOR),
                number(line, Field.LINE_TOTAL_MINOR),
                number(line, Field.GROSS_MASS_GRAMS)));
      }
    }
    String destination = text(shipment, Field.DESTINATION_COUNTRY);
    return new RiskRecord(
        marketplaceId,
        transactionId,
        version,
        receivedAt,
        instant(top, Field.ORDER_TIME),
        text(top, Field.IOSS_NUMBER),
        text(seller, Field.SELLER_ID),
        text(seller, Field.IOSS_NUMBER),
        text(seller, Field.COUNTRY),
        text(buyer, Field.BUYER_ID),
        destination != null ? destination : text(buyerAddress, Field.COUNTRY),
        text(shipment, Field.DISPATCH_COUNTRY),
        text(amounts, Field.CURRENCY),
        number(amounts, Field.GOODS_VALUE_MINOR),
        number(amounts, Field.SHIPPING_MINOR),
        number(amounts, Field.INSURANCE_MINOR),
        number(amounts, Field.DISCOUNT_MINOR),
        number(amounts, Field.TAX_COLLECTED_MINOR),
        number(amounts, Field.TOTAL_PAID_MINOR),
        instant(payment, Field.TIME),
        text(payment, Field.METHOD),
        text(payment, Field.PAYER_COUNTRY),
        lines);
  }

  /**
   * The fields the detectors read, by name. A schema's positions of them are resolved once per
   * schema object ({@link #positions}), not looked up by name for every record.
   */
  private enum Field {
    SELLER("seller"),
    BUYER("buyer"),
    ADDRESS("address"),
    AMOUNTS("amounts"),
    PAYMENT("payment"),
    SHIPMENT("shipment"),
    ITEMS("items"),
    ORDER_TIME("orderTime"),
    IOSS_NUMBER("iossNumber"),
    SELLER_ID("sellerId"),
    COUNTRY("country"),
    BUYER_ID("buyerId"),
    DESTINATION_COUNTRY("destinationCountry"),
    DISPATCH_COUNTRY("dispatchCountry"),
    CURRENCY("currency"),
    GOODS_VALUE_MINOR("goodsValueMinor"),
    SHIPPING_MINOR("shippingMinor"),
    INSURANCE_MINOR("insuranceMinor"),
    DISCOUNT_MINOR("discountMinor"),
    TAX_COLLECTED_MINOR("taxCollectedMinor"),
    TOTAL_PAID_MINOR("totalPaidMinor"),
    TIME("time"),
    METHOD("method"),
    PAYER_COUNTRY("payerCountry"),
    LINE_NUMBER("lineNumber"),
    HS_CODE("hsCode"),
    ORIGIN_COUNTRY("originCountry"),
    QUANTITY("quantity"),
    UNIT("unit"),
    UNIT_PRICE_MINOR("unitPriceMinor"),
    LINE_TOTAL_MINOR("lineTotalMinor"),
    GROSS_MASS_GRAMS("grossMassGrams");

    private static final Field[] ALL = values();

    final String fieldName;

    Field(String fieldName) {
      this.fieldName = fieldName;
    }
  }

  /** Schemas whose positions are known; more than this and the memo starts again. */
  private static final int MAX_SCHEMAS = 256;

  /**
   * Per schema object, the position of each {@link Field} (-1: no such field). By identity: the
   * records of one decoded batch share their schema objects, so a batch resolves its schemas once,
   * and a schema equal to another but not the same object is resolved again rather than compared
   * field by field on every look-up.
   */
  private static final Map<Schema, int[]> POSITIONS = new IdentityHashMap<>();

  private static int[] positions(Schema schema) {
    synchronized (POSITIONS) {
      int[] known = POSITIONS.get(schema);
      if (known != null) {
        return known;
      }
      int[] positions = new int[Field.ALL.length];
      for (Field field : Field.ALL) {
        Schema.Field f = schema.getField(field.fieldName);
        positions[field.ordinal()] = f == null ? -1 : f.pos();
      }
      if (POSITIONS.size() >= MAX_SCHEMAS) {
        POSITIONS.clear();
      }
      POSITIONS.put(schema, positions);
      return positions;
    }
  }

  /**
   * A record and its schema's positions of the {@link Field}s, resolved once per record rather than
   * for every field read (each resolution takes the memo's lock).
   */
  private record Fields(GenericRecord record, int[] positions) {
    static Fields of(GenericRecord record) {
      return record == null ? null : new Fields(record, RiskRecord.positions(record.getSchema()));
    }

    /** As {@link #of(GenericRecord)}, with the positions of {@code previous} if same schema. */
    static Fields of(GenericRecord record, Fields previous) {
      return previous != null && record != null && record.getSchema() == previous.record.getSchema()
          ? new Fields(record, previous.positions)
          : of(record);
    }

    /** The field's value, or null when the record is null or its schema has no such field. */
    static Object get(Fields fields, Field field) {
      if (fields == null) {
        return null;
      }
      int position = fields.positions[field.ordinal()];
      return position < 0 ? null : fields.record.get(position);
    }

    static Fields record(Fields fields, Field field) {
      return get(fields, field) instanceof GenericRecord nested ? of(nested) : null;
    }
  }

  private static String text(Fields record, Field field) {
    Object value = Fields.get(record, field);
    return value == null ? null : value.toString();
  }

  private static Long number(Fields record, Field field) {
    return Fields.get(record, field) instanceof Number n ? n.longValue() : null;
  }

  private static Instant instant(Fields record, Field field) {
    Object value = Fields.get(record, field);
    if (value instanceof Instant instant) {
      return instant;
    }
    return value instanceof Long millis ? Instant.ofEpochMilli(millis) : null;
  }
}
