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
   * This record under a price row's identity: itself if it has that identity already. The risk
   * assessor reads the records the ingest handed over this way, made once on the ingest's thread
   * with the batch's identity, and judges each under its price row's (the receipt time as stored,
   * which may be less precise than the ingest's).
   */
  public RiskRecord as(
      String marketplaceId, String transactionId, int version, Instant receivedAt) {
    if (this.version == version
        && this.transactionId.equals(transactionId)
        && this.marketplaceId.equals(marketplaceId)
        && this.receivedAt.equals(receivedAt)) {
      return this;
    }
    return new RiskRecord(
        marketplaceId,
        transactionId,
        version,
        receivedAt,
        orderTime,
        consignmentIoss,
        sellerId,
        sellerIoss,
        sellerCountry,
        buyerPseudonym,
        destinationCountry,
        dispatchCountry,
        currency,
        goodsValueMinor,
        shippingMinor,
        insuranceMinor,
        discountMinor,
        taxCollectedMinor,
        totalPaidMinor,
        paymentTime,
        paymentMethod,
        payerCountry,
        lines);
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
      for (Object item : list) {
        Fields line = Fields.nested(top, Field.ITEMS, item);
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

  /** Top-level schemas whose layouts are known; more than this and the memo starts again. */
  private static final int MAX_SCHEMAS = 256;

  /**
   * Per top-level schema object, its {@link Layout}. By identity: the records of one decoded batch,
   * and every minimized record of one policy, share their schema objects, so a schema is resolved
   * once, and a schema equal to another but not the same object is resolved again rather than
   * compared field by field on every look-up.
   */
  private static final Map<Schema, Layout> LAYOUTS = new IdentityHashMap<>();

  /** The layout found last: a step's records are of one recipient, so mostly of one schema. */
  private static volatile Layout lastLayout;

  /**
   * A record schema's positions of the {@link Field}s (-1: no such field), and the layouts of the
   * records nested in it. A record's layout is found once, by its top-level schema; its nested
   * records' (seller, buyer, amounts, items...) come from that layout, not from the memo and its
   * lock, which a profile of the assessor showed at 4% of its time when each nested record was
   * looked up there.
   */
  private static final class Layout {
    final Schema schema;
    final int[] positions;

    /**
     * Per field, the layout of the record last found nested there, for its schema object; replaced
     * when a record of another one comes. Written without a lock: a layout's other fields are
     * final, so a layout seen through a race is whole, and a write lost costs one resolution.
     */
    private final Layout[] nested = new Layout[Field.ALL.length];

    Layout(Schema schema) {
      this.schema = schema;
      this.positions = new int[Field.ALL.length];
      for (Field field : Field.ALL) {
        Schema.Field f = schema.getField(field.fieldName);
        positions[field.ordinal()] = f == null ? -1 : f.pos();
      }
    }

    /** The layout of a record of {@code schema} found in this record's {@code field}. */
    Layout nested(Field field, Schema schema) {
      Layout known = nested[field.ordinal()];
      if (known == null || known.schema != schema) {
        known = new Layout(schema);
        nested[field.ordinal()] = known;
      }
      return known;
    }
  }

  private static Layout layout(Schema schema) {
    Layout last = lastLayout;
    if (last != null && last.schema == schema) {
      return last;
    }
    Layout layout;
    synchronized (LAYOUTS) {
      layout = LAYOUTS.get(schema);
      if (layout == null) {
        if (LAYOUTS.size() >= MAX_SCHEMAS) {
          LAYOUTS.clear();
        }
        layout = new Layout(schema);
        LAYOUTS.put(schema, layout);
      }
    }
    lastLayout = layout;
    return layout;
  }

  /** A record and its schema's {@link Layout}. */
  private record Fields(GenericRecord record, Layout layout) {
    /** A top-level record's fields. */
    static Fields of(GenericRecord record) {
      return record == null ? null : new Fields(record, RiskRecord.layout(record.getSchema()));
    }

    /** The field's value, or null when the record is null or its schema has no such field. */
    static Object get(Fields fields, Field field) {
      if (fields == null) {
        return null;
      }
      int position = fields.layout.positions[field.ordinal()];
      return position < 0 ? null : fields.record.get(position);
    }

    /** The record in a field ({@code items}: an element of it), or null when it holds none. */
    static Fields nested(Fields fields, Field field, Object value) {
      return fields != null && value instanceof GenericRecord nested
          ? new Fields(nested, fields.layout.nested(field, nested.getSchema()))
          : null;
    }

    static Fields record(Fields fields, Field field) {
      return nested(fields, field, get(fields, field));
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
