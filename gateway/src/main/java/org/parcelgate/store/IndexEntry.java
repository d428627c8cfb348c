package org.parcelgate.store;

import java.util.Objects;

/**
 * One accepted record's narrow index row: what is looked up, not the record itself.
 *
 * @param version 1 for the first version of the transaction, one more for each amendment
 * @param recordIndex the record's position in the submitted batch (0-based)
 * @param recordSha256 the digest of the whole record (for idempotency and amendment checks)
 * @param trackingNumber the shipment's tracking number, or {@code null}
 * @param sellerId the marketplace's seller id, or {@code null}
 * @param destinationCountry ISO 3166-1 alpha-2, or {@code null}
 */
public record IndexEntry(
    String transactionId,
    int version,
    int recordIndex,
    String recordSha256,
    String trackingNumber,
    String sellerId,
    String destinationCountry) {
  public IndexEntry {
    Objects.requireNonNull(transactionId, "transactionId");
    Objects.requireNonNull(recordSha256, "recordSha256");
    if (version < 1) {
      throw new IllegalArgumentException("version must be at least 1");
    }
    if (recordIndex < 0) {
      throw new IllegalArgumentException("recordIndex must not be negative");
    }
  }
}
