-- Privacy officers find the minimization log's entries of a batch (docs/privacy.md, "Finding entries"), or of the
-- batches that hold a transaction (through transaction_index): one row per minimization entry and its batch, written
-- with the entry. The entries stored before this migration get theirs from a step in Java that runs after this file,
-- in the same transaction (Migrations, LogTables.indexBatches), reading each entry's batchId.
CREATE TABLE IF NOT EXISTS minimization_batch (
  batch_id VARCHAR(255) NOT NULL,
  log_index BIGINT NOT NULL,
  PRIMARY KEY (batch_id, log_index)
);
