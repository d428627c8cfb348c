package org.parcelgate.store;

import java.util.Objects;

/**
 * One accepted transaction version minimized for one recipient: the narrow row of a price record,
 * stored with its batch, pointing at the record in the recipient's minimized copy of the batch. The
 * store adds the recipient's feed position, the batch's received time and the index of the batch's
 * minimization log entry for the recipient, and keeps the seller record current from it.
 *
 * <p>Every text column holds the value as the recipient's policy left it, null where the policy
 * drops it: a filter or look-up can never find a record by a value the record does not show.
 *
 * @param acceptedPosition the record's position among the batch's accepted records
 * @param copyPosition the record's position in the recipient's minimized copy of the batch ({@link
 *     MinimizedBatch}), where the record itself is stored
 * @param goodsValueMinor the goods value in minor units of {@code currency}, or null
 * @param sellerIdentity the seller part of the minimized record, Avro binary of the schema named by
 *     {@code sellerFingerprint}; null when the policy keeps no seller field
 */
public record PriceRow(
    String recipient,
    String transactionId,
    int version,
    int acceptedPosition,
    int copyPosition,
    String destinationCountry,
    String trackingNumber,
    String sellerId,
    String currency,
    Long goodsValueMinor,
    String sellerFingerprint,
    byte[] sellerIdentity) {
  public PriceRow {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(transactionId, "transactionId");
    if ((sellerIdentity == null) != (sellerFingerprint == null)) {
      throw new IllegalArgumentException("a seller identity needs its schema fingerprint");
    }
  }
}
