package org.parcelgate.store;

import java.time.Instant;

/**
 * A stored price record's row as its recipient's feed returns it; the record itself is in the
 * recipient's minimized copy of the batch.
 *
 * @param seq the record's position in the recipient's price feed
 * @param logIndex the index of the minimization log entry of the record's batch and recipient
 * @param copyPosition the record's position in the recipient's minimized copy of the batch
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
    int copyPosition) {}
