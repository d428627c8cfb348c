-- Storage limitation (docs/privacy.md, "Storage limitation"): a recipient's copy of a batch is purged once its policy's
-- retention period has passed and it is delivered. The batch row (its receipt and answer) and the log entries stay.

-- One row per purged copy: when, how many records, how many of them were never delivered (dead letters), and the
-- index of the purge entry in the minimization log. GET /v1/batches/{id} reads it to say the records were purged.
CREATE TABLE IF NOT EXISTS retention_purge (
  batch_id VARCHAR(255) NOT NULL,
  recipient VARCHAR(255) NOT NULL,
  purged_at_micros BIGINT NOT NULL,
  log_index BIGINT NOT NULL,
  record_count INTEGER NOT NULL,
  undelivered_count INTEGER NOT NULL,
  PRIMARY KEY (batch_id, recipient)
);

-- Per recipient and feed (price, seller): the largest position the purge deleted. The next position of a feed is
-- taken after both its largest stored row and this, so a feed whose rows were all purged never reuses a position a
-- reader or a push stream has already passed.
CREATE TABLE IF NOT EXISTS feed_floor (
  recipient VARCHAR(255) NOT NULL,
  stream VARCHAR(32) NOT NULL,
  purged_seq BIGINT NOT NULL,
  PRIMARY KEY (recipient, stream)
);

-- The transaction index held each record's raw tracking number and seller id, whatever the recipients' policies did
-- with them, and nothing read them: it keeps what recognizes a resent or amended record (transaction id, version,
-- record digest) and no longer a value a policy could drop. The rows stored before this migration lose them here
-- (one pass over the table, at the upgrade).
UPDATE transaction_index SET tracking_number = NULL, seller_id = NULL
  WHERE tracking_number IS NOT NULL OR seller_id IS NOT NULL;
