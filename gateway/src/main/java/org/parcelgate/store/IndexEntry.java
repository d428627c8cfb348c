package org.parcelgate.store;

import java.util.Objects;

/**
 * One accepted record's narrow index row: what recognizes a resent or amended record, not the
 * record itself. It holds no value a recipient's policy could drop (no tracking number, no seller):
 * those are only in the recipients' minimized copies and price rows, as each policy left them.
 *
 * @param version 1 for the first version of the transaction, one more for each amendment
 * @param recordIndex the record's position in the submitted batch (0-based)
 * @param recordSha256 the digest of the whole record (for idempotency and amendment checks)
 * @param destinationCountry ISO 3166-1 alpha-2, or {@code null}
 */
public record IndexEntry(
    String transactionId,
    int version,
    int recordIndex,
    String recordSha256,
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
