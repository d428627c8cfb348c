package org.parcelgate.ingest;

import org.parcelgate.store.TransactionVersion;

/**
 * The rules for a valid record whose transaction id may already be stored: a new id is stored as
 * version 1, the same content again is unchanged, different content needs {@code amendment=true}
 * and becomes the next version, and an amendment of nothing is refused. Pure: the caller looks up
 * the latest stored version.
 */
final class AmendmentRules {
  /** A different record under a stored transaction id, not marked as an amendment. */
  static final BatchOutcome.FieldError CONFLICT =
      new BatchOutcome.FieldError(
          "transactionId",
          "transaction_id_conflict",
          "a different record is already stored under this transaction id; send it with amendment=true to"
              + " store a new version");

  /** An amendment of a transaction id that was never stored. */
  static final BatchOutcome.FieldError AMENDS_NOTHING =
      new BatchOutcome.FieldError(
          "amendment",
          "amendment_of_unknown_transaction",
          "the record is marked as an amendment but no version of its transaction id is stored");

  /** What becomes of one valid record. */
  sealed interface Decision permits Store, Unchanged, Refuse {}

  /** Store it as this version. */
  record Store(int version) implements Decision {}

  /** Identical to the latest stored version: store nothing. */
  record Unchanged() implements Decision {}

  /** Refuse it with this error. */
  record Refuse(BatchOutcome.FieldError error) implements Decision {}

  private AmendmentRules() {}

  /**
   * @param amendment the record's {@code amendment} flag
   * @param latest the latest stored version of its transaction id, or null if none is stored
   * @param digest the digest of the record's canonical encoding
   */
  static Decision decide(boolean amendment, TransactionVersion latest, String digest) {
    if (latest == null) {
      return amendment ? new Refuse(AMENDS_NOTHING) : new Store(1);
    }
    if (latest.recordSha256().equals(digest)) {
      return new Unchanged();
    }
    return amendment ? new Store(latest.version() + 1) : new Refuse(CONFLICT);
  }
}
