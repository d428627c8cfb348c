package org.parcelgate.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** Small batches for the store's tests. */
final class Batches {
  static final Instant RECEIVED = Instant.parse("2026-03-01T10:15:30.123456Z");
  static final String RECIPIENT = "customs-nl";

  private Batches() {}

  static IndexEntry entry(String transactionId, int version) {
    return new IndexEntry(transactionId, version, 0, digest(transactionId + "/" + version), "FR");
  }

  /** Every record's seller: {@code seller-1}. */
  static final Function<IndexEntry, String> ONE_SELLER = entry -> "seller-1";

  static NewBatch batch(
      String batchId, String marketplaceId, String bodySha256, List<IndexEntry> entries) {
    return batch(batchId, marketplaceId, bodySha256, RECEIVED, entries, ONE_SELLER);
  }

  /**
   * A batch of these records for {@link #RECIPIENT}, each sold by the seller {@code sellers} names,
   * with the tracking number {@link #tracking} gives its transaction.
   */
  static NewBatch batch(
      String batchId,
      String marketplaceId,
      String bodySha256,
      Instant receivedAt,
      List<IndexEntry> entries,
      Function<IndexEntry, String> sellers) {
    return new NewBatch(
        batchId,
        marketplaceId,
        bodySha256,
        "jti-" + batchId,
        receivedAt,
        "fingerprint-v2",
        entries.size() + 1,
        entries.size(),
        1,
        "receipt-of-" + batchId,
        "{\"batchId\":\"" + batchId + "\"}",
        entries,
        entries.isEmpty()
            ? List.of()
            : List.of(
                new MinimizedBatch(
                    RECIPIENT,
                    "customs-default",
                    1,
                    "policy-sha256",
                    1,
                    "minimized-fingerprint",
                    entries.size(),
                    ("records of " + batchId).getBytes(StandardCharsets.UTF_8))),
        entries.isEmpty() ? List.of() : List.of(logEntry(batchId, marketplaceId)),
        priceRows(entries, sellers));
  }

  /** A price record per entry for the recipient, as the ingest makes them (opaque bytes here). */
  static List<PriceRow> priceRows(List<IndexEntry> entries, Function<IndexEntry, String> sellers) {
    List<PriceRow> rows = new java.util.ArrayList<>();
    for (int position = 0; position < entries.size(); position++) {
      IndexEntry entry = entries.get(position);
      String seller = sellers.apply(entry);
      rows.add(
          new PriceRow(
              RECIPIENT,
              entry.transactionId(),
              entry.version(),
              position,
              position,
              entry.destinationCountry(),
              tracking(entry.transactionId()),
              seller,
              "EUR",
              1000L * entry.version(),
              seller == null ? null : "seller-fingerprint",
              seller == null ? null : ("seller " + seller).getBytes(StandardCharsets.UTF_8)));
    }
    return rows;
  }

  /** A log entry as the ingest writes one per batch and recipient; its text is not parsed. */
  static LogAppend logEntry(String batchId, String marketplaceId) {
    String text = "{\"kind\":\"minimization\",\"batchId\":\"" + batchId + "\"}";
    return new LogAppend(
        "minimization",
        RECEIVED,
        marketplaceId,
        RECIPIENT,
        text,
        digest(text).getBytes(StandardCharsets.UTF_8),
        List.of(
            new LogAppend.Count("buyer.buyerId", "pseudonymize", 2),
            new LogAppend.Count("buyer.name", "drop", 2),
            new LogAppend.Count("buyer.email", "drop", 0)));
  }

  static NewBatch batch(String batchId, String marketplaceId, IndexEntry... entries) {
    return batch(batchId, marketplaceId, digest("body of " + batchId), List.of(entries));
  }

  /** The tracking number of a transaction's shipment in these batches. */
  static String tracking(String transactionId) {
    return "LX" + Math.abs(transactionId.hashCode()) + "CN";
  }

  static String digest(String text) {
    return String.format("%064x", text.hashCode() & 0xffffffffL);
  }
}
