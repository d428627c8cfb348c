package org.parcelgate.store;

import java.util.Objects;

/**
 * One recipient's minimized copy of a batch's accepted records, stored with the batch.
 *
 * @param schemaFingerprint the fingerprint of the minimized schema the container was written with
 * @param records an Avro object container of minimized records, in the order of the batch's index
 *     entries: opaque bytes to the store, which neither parses nor copies them
 */
public record MinimizedBatch(
    String recipient,
    String policyId,
    int policyVersion,
    String policySha256,
    int keyVersion,
    String schemaFingerprint,
    int recordCount,
    byte[] records) {
  public MinimizedBatch {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(policyId, "policyId");
    Objects.requireNonNull(policySha256, "policySha256");
    Objects.requireNonNull(schemaFingerprint, "schemaFingerprint");
    Objects.requireNonNull(records, "records");
  }
}
