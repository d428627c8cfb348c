package org.parcelgate.ingest;

/**
 * The per-record refusals that come from comparing a valid record with what is already stored for
 * its transaction id. They sit beside the validation codes in a batch's answer.
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

  private AmendmentRules() {}
}
