package org.parcelgate.store;

import java.time.Instant;

/**
 * A stored price record as its recipient's feed returns it.
 *
 * @param seq the record's position in the recipient's price feed
 * @param logIndex the index of the minimization log entry of the record's batch and recipient
 * @param record the minimized record, Avro binary of the schema named by {@code schemaFingerprint}
 */
public record StoredPrice(
    long seq,
    String marketplaceId,
    String transactionId,
    int version,
    String batchId,
    int acceptedPosition,
    Instant receivedAt,
    long logIndex,
    String schemaFingerprint,
    byte[] record) {}
