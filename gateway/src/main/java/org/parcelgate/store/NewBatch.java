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
 * @param entries one index row per accepted record
 * @param minimized per recipient, the accepted records minimized by its policy: the only copy of
 *     the records the store keeps, so raw personal data never reaches it
 * @param log the batch's entries of the minimization log, appended in this order
 * @param priceRecords per recipient, its price records in feed order; each recipient with price
 *     records has a minimization entry in {@code log}
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
    List<IndexEntry> entries,
    List<MinimizedBatch> minimized,
    List<LogAppend> log,
    List<PriceRow> priceRecords) {
  public NewBatch {
    Objects.requireNonNull(batchId, "batchId");
    Objects.requireNonNull(marketplaceId, "marketplaceId");
    Objects.requireNonNull(bodySha256, "bodySha256");
    Objects.requireNonNull(requestJti, "requestJti");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(writerSchemaFingerprint, "writerSchemaFingerprint");
    Objects.requireNonNull(receiptJws, "receiptJws");
    Objects.requireNonNull(resultJson, "resultJson");
    entries = List.copyOf(entries);
    minimized = List.copyOf(minimized);
    log = List.copyOf(log);
    priceRecords = List.copyOf(priceRecords);
    if (recordCount < 0 || acceptedCount < 0 || rejectedCount < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }
}
