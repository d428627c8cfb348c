package org.parcelgate.store;

import java.util.Objects;

/**
 * A stored version of a transaction.
 *
 * @param version 1 for the first, one more for each amendment
 * @param recordSha256 the digest of the whole record as the ingest computed it (hex)
 */
public record TransactionVersion(String transactionId, int version, String recordSha256) {
  public TransactionVersion {
    Objects.requireNonNull(transactionId, "transactionId");
    Objects.requireNonNull(recordSha256, "recordSha256");
  }
}
