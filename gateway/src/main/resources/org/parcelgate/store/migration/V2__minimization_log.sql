-- Data minimization by policy (docs/privacy.md): each recipient's minimized copy of a batch's
-- records, and the tamper-evident minimization log with its signed checkpoints.

-- One row per batch and recipient: the accepted records minimized by the recipient's policy, as an
-- Avro object container of the policy's minimized schema. The only copy of records the store keeps.
CREATE TABLE IF NOT EXISTS minimized_records (
  batch_id VARCHAR(255) NOT NULL,
  recipient VARCHAR(255) NOT NULL,
  policy_id VARCHAR(255) NOT NULL,
  policy_version INTEGER NOT NULL,
  policy_sha256 VARCHAR(255) NOT NULL,
  key_version INTEGER NOT NULL,
  schema_fingerprint VARCHAR(255) NOT NULL,
  record_count INTEGER NOT NULL,
  records BLOB NOT NULL,
  PRIMARY KEY (batch_id, recipient)
);

-- The copies written before the policy existed (buyer reduced to its country) go: no recipient
-- was named for them, so nothing may deliver them.
DROP TABLE IF EXISTS batch_records;

-- The minimization log: entry i is leaf i of an RFC 9162 Merkle tree. entry holds the exact
-- canonical JSON whose UTF-8 bytes are the leaf; leaf_hash is SHA-256(0x00 || those bytes).
-- Never updated or deleted by the gateway.
CREATE TABLE IF NOT EXISTS minimization_log (
  log_index BIGINT NOT NULL PRIMARY KEY,
  kind VARCHAR(32) NOT NULL,
  time_micros BIGINT NOT NULL,
  marketplace_id VARCHAR(255),
  recipient VARCHAR(255),
  leaf_hash BLOB NOT NULL,
  entry CLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS minimization_log_time ON minimization_log (time_micros);

-- Per entry, field path and action: how many values were touched (only counts above zero), for
-- aggregates over time without parsing entries.
CREATE TABLE IF NOT EXISTS minimization_count (
  log_index BIGINT NOT NULL,
  path VARCHAR(255) NOT NULL,
  action VARCHAR(32) NOT NULL,
  value_count BIGINT NOT NULL,
  PRIMARY KEY (log_index, path)
);

-- Checkpoints the gateway signed: the tree size and root hash at that moment.
CREATE TABLE IF NOT EXISTS log_checkpoint (
  tree_size BIGINT NOT NULL PRIMARY KEY,
  root_hash VARCHAR(255) NOT NULL,
  signed_at_micros BIGINT NOT NULL,
  checkpoint_jws CLOB NOT NULL
);
