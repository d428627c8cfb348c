package org.parcelgate.store;

import java.time.Instant;
import org.parcelgate.risk.Assessment;

/**
 * A stored price record's row as its recipient's feed returns it; the record itself is in the
 * recipient's minimized copy of the batch.
 *
 * @param seq the record's position in the recipient's price feed
 * @param logIndex the index of the minimization log entry of the record's batch and recipient
 * @param copyPosition the record's position in the recipient's minimized copy of the batch
 * @param assessment the record's risk assessment ({@link Assessment#NONE} when nothing was found);
 *     null when risk assessment is off
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
    int copyPosition,
    Assessment assessment) {

  /** A record without an assessment (risk assessment off). */
  public StoredPrice(
      long seq,
      String marketplaceId,
      String transactionId,
      int version,
      String batchId,
      int acceptedPosition,
      Instant receivedAt,
      long logIndex,
      int copyPosition) {
    this(
        seq,
        marketplaceId,
        transactionId,
        version,
        batchId,
        acceptedPosition,
        receivedAt,
        logIndex,
        copyPosition,
        null);
  }
}
