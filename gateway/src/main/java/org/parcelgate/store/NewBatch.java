package org.parcelgate.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything one batch changes, committed together by {@link GatewayStore#commit(NewBatch)}.
 *
 * @param bodySha256 the digest of the request body, unique per marketplace (idempotency key)
 * @param requestJti the {@code jti} of the request token that carried the batch
 * @param receivedAt stored with microsecond precision
 * @param writerSchemaFingerprint the registered writer schema the batch was written with
 * @param receiptJws the signed receipt, as sent to the marketplace
 * @param resultJson the answer sent to the marketplace, replayed for repeats and status queries
 * @param acceptedRecords the accepted records as Avro binary: opaque bytes to the store, kept
 *     together in one row. The store neither parses nor copies them; the caller makes sure they
 *     hold no raw personal data and does not change the array afterwards. May be empty.
 * @param entries one index row per accepted record
 */
public record NewBatch(
    String batchId,
    String marketplaceId,
    String bodySha256,
    String requestJti,
    Instant receivedAt,
    String writerSchemaFingerprint,
    int recordCount,
    int acceptedCount,
    int rejectedCount,
    String receiptJws,
    String resultJson,
    byte[] acceptedRecords,
    List<IndexEntry> entries) {
  public NewBatch {
    Objects.requireNonNull(batchId, "batchId");
    Objects.requireNonNull(marketplaceId, "marketplaceId");
    Objects.requireNonNull(bodySha256, "bodySha256");
    Objects.requireNonNull(requestJti, "requestJti");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(writerSchemaFingerprint, "writerSchemaFingerprint");
    Objects.requireNonNull(receiptJws, "receiptJws");
    Objects.requireNonNull(resultJson, "resultJson");
    Objects.requireNonNull(acceptedRecords, "acceptedRecords");
    entries = List.copyOf(entries);
    if (recordCount < 0 || acceptedCount < 0 || rejectedCount < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }
}
