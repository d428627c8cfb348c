package org.parcelgate.risk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    GenericRecord seller = record(minimized, "seller");
    GenericRecord buyer = record(minimized, "buyer");
    GenericRecord buyerAddress = record(buyer, "address");
    GenericRecord amounts = record(minimized, "amounts");
    GenericRecord payment = record(minimized, "payment");
    GenericRecord shipment = record(minimized, "shipment");
    List<Line> lines = new ArrayList<>();
    Object items = get(minimized, "items");
    if (items instanceof List<?> list) {
      for (Object item : list) {
        GenericRecord line = (GenericRecord) item;
        Long number = number(line, "lineNumber");
        lines.add(
            new Line(
                number == null ? lines.size() + 1 : number.intValue(),
                text(line, "hsCode"),
                text(line, "originCountry"),
                number(line, "quantity"),
                text(line, "unit"),
                number(line, "unitPriceMinor"),
                number(line, "lineTotalMinor"),
                number(line, "grossMassGrams")));
      }
    }
    String destination = text(shipment, "destinationCountry");
    return new RiskRecord(
        marketplaceId,
        transactionId,
        version,
        receivedAt,
        instant(minimized, "orderTime"),
        text(minimized, "iossNumber"),
        text(seller, "sellerId"),
        text(seller, "iossNumber"),
        text(seller, "country"),
        text(buyer, "buyerId"),
        destination != null ? destination : text(buyerAddress, "country"),
        text(shipment, "dispatchCountry"),
        text(amounts, "currency"),
        number(amounts, "goodsValueMinor"),
        number(amounts, "shippingMinor"),
        number(amounts, "insuranceMinor"),
        number(amounts, "discountMinor"),
        number(amounts, "taxCollectedMinor"),
        number(amounts, "totalPaidMinor"),
        instant(payment, "time"),
        text(payment, "method"),
        text(payment, "payerCountry"),
        lines);
  }

  /** The field's value, or null when the record is null or its schema has no such field. */
  private static Object get(GenericRecord record, String field) {
    if (record == null) {
      return null;
    }
    Schema.Field f = record.getSchema().getField(field);
    return f == null ? null : record.get(f.pos());
  }

  private static GenericRecord record(GenericRecord record, String field) {
    return get(record, field) instanceof GenericRecord nested ? nested : null;
  }

  private static String text(GenericRecord record, String field) {
    Object value = get(record, field);
    return value == null ? null : value.toString();
  }

  private static Long number(GenericRecord record, String field) {
    return get(record, field) instanceof Number n ? n.longValue() : null;
  }

  private static Instant instant(GenericRecord record, String field) {
    Object value = get(record, field);
    if (value instanceof Instant instant) {
      return instant;
    }
    return value instanceof Long millis ? Instant.ofEpochMilli(millis) : null;
  }
}
