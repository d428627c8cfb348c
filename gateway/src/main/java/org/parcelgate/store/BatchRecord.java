package org.parcelgate.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored batch as read back: everything needed to answer a repeat or a status query, without the
 * accepted records themselves.
 *
 * @param receivedAt as committed, truncated to microseconds
 */
public record BatchRecord(
    String batchId,
    String marketplaceId,
    String bodySha256,
    Instant receivedAt,
    int recordCount,
    int acceptedCount,
    int rejectedCount,
    String receiptJws,
    String resultJson) {
  public BatchRecord {
    Objects.requireNonNull(batchId, "batchId");
    Objects.requireNonNull(marketplaceId, "marketplaceId");
    Objects.requireNonNull(bodySha256, "bodySha256");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(receiptJws, "receiptJws");
    Objects.requireNonNull(resultJson, "resultJson");
  }
}
