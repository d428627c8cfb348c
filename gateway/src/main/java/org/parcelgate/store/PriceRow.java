package org.parcelgate.store;

import java.util.Objects;

/**
 * One accepted transaction version minimized for one recipient: a price record to store with its
 * batch. The store adds the recipient's feed position, the batch's received time and the index of
 * the batch's minimization log entry for the recipient, and keeps the seller record current from
 * it.
 *
 * <p>Every text column holds the value as the recipient's policy left it, null where the policy
 * drops it: a filter or look-up can never find a record by a value the record does not show.
 *
 * @param acceptedPosition the record's position among the batch's accepted records
 * @param goodsValueMinor the goods value in minor units of {@code currency}, or null
 * @param record the minimized record, Avro binary of the schema named by {@code schemaFingerprint}
 * @param sellerIdentity the seller part of the minimized record, Avro binary of the schema named by
 *     {@code sellerFingerprint}; null when the policy keeps no seller field
 */
public record PriceRow(
    String recipient,
    String transactionId,
    int version,
    int acceptedPosition,
    String destinationCountry,
    String trackingNumber,
    String sellerId,
    String currency,
    Long goodsValueMinor,
    String schemaFingerprint,
    byte[] record,
    String sellerFingerprint,
    byte[] sellerIdentity) {
  public PriceRow {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(transactionId, "transactionId");
    Objects.requireNonNull(schemaFingerprint, "schemaFingerprint");
    Objects.requireNonNull(record, "record");
    if ((sellerIdentity == null) != (sellerFingerprint == null)) {
      throw new IllegalArgumentException("a seller identity needs its schema fingerprint");
    }
  }
}
