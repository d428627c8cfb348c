-- The first schema of the store: standard SQL, written to be safe to run again (IF NOT EXISTS).
-- Instants are microseconds since the epoch (BIGINT). CLOB and BLOB hold values of unbounded length
-- (a PostgreSQL migration would say TEXT and BYTEA). No foreign keys: the store writes each batch in
-- one transaction itself, and a checked reference per index row would cost a look-up per record.

-- Replay protection: the first use of each (issuer, jti), kept until retain_until.
CREATE TABLE IF NOT EXISTS token_id (
  issuer VARCHAR(255) NOT NULL,
  jti VARCHAR(255) NOT NULL,
  retain_until_micros BIGINT NOT NULL,
  PRIMARY KEY (issuer, jti)
);
CREATE INDEX IF NOT EXISTS token_id_retain_until ON token_id (retain_until_micros);

-- One row per batch: what the marketplace was answered, for repeats and status queries.
CREATE TABLE IF NOT EXISTS batch (
  batch_id VARCHAR(255) NOT NULL PRIMARY KEY,
  marketplace_id VARCHAR(255) NOT NULL,
  body_sha256 VARCHAR(255) NOT NULL,
  request_jti VARCHAR(255) NOT NULL,
  received_at_micros BIGINT NOT NULL,
  writer_schema_fingerprint VARCHAR(255) NOT NULL,
  record_count INTEGER NOT NULL,
  accepted_count INTEGER NOT NULL,
  rejected_count INTEGER NOT NULL,
  receipt_jws CLOB NOT NULL,
  result_json CLOB NOT NULL,
  CONSTRAINT batch_body_unique UNIQUE (marketplace_id, body_sha256)
);

-- The accepted records of a batch, together, as the ingest encoded them (opaque to the store).
CREATE TABLE IF NOT EXISTS batch_records (
  batch_id VARCHAR(255) NOT NULL PRIMARY KEY,
  records BLOB NOT NULL
);

-- One narrow row per stored version of a transaction. The key decides uniqueness and answers
-- latest-version look-ups; accepted_position locates the record in its batch's records.
-- tracking_number and seller_id are kept for look-ups but not indexed on the commit path: an
-- index on a random key costs about four times the throughput (docs/storage.md).
CREATE TABLE IF NOT EXISTS transaction_index (
  marketplace_id VARCHAR(255) NOT NULL,
  transaction_id VARCHAR(255) NOT NULL,
  version INTEGER NOT NULL,
  batch_id VARCHAR(255) NOT NULL,
  accepted_position INTEGER NOT NULL,
  record_index INTEGER NOT NULL,
  record_sha256 VARCHAR(255) NOT NULL,
  tracking_number VARCHAR(255),
  seller_id VARCHAR(255),
  destination_country VARCHAR(255),
  PRIMARY KEY (marketplace_id, transaction_id, version)
);
