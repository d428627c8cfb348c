-- Delivery to customs (docs/delivery.md): per recipient, the price records and seller records it may read from its
-- feeds or receive by push, and the state of each push stream. Written in the batch's own transaction, so a record
-- is never accepted without being queued for its recipients.

-- One narrow row per accepted transaction version and recipient whose destinations include the transaction's.
-- feed_seq is the recipient's feed position: dense from 1, taken inside the committing transaction under the single
-- writer, so a reader never sees a position before the ones below it are committed. The record itself is not here:
-- it is record copy_position of the batch's minimized container for the recipient (minimized_records), so a record is
-- stored once and a batch's feed costs narrow rows only. The columns for filters and look-ups hold the values as the
-- recipient's policy left them (null where it drops them), so a look-up never finds what the record hides.
CREATE TABLE IF NOT EXISTS price_record (
  recipient VARCHAR(255) NOT NULL,
  feed_seq BIGINT NOT NULL,
  marketplace_id VARCHAR(255) NOT NULL,
  transaction_id VARCHAR(255) NOT NULL,
  version INTEGER NOT NULL,
  batch_id VARCHAR(255) NOT NULL,
  accepted_position INTEGER NOT NULL,
  copy_position INTEGER NOT NULL,
  received_at_micros BIGINT NOT NULL,
  log_index BIGINT NOT NULL,
  destination_country VARCHAR(255),
  tracking_number VARCHAR(255),
  seller_id VARCHAR(255),
  currency VARCHAR(255),
  goods_value_minor BIGINT,
  PRIMARY KEY (recipient, feed_seq)
);
CREATE INDEX IF NOT EXISTS price_record_tracking ON price_record (recipient, tracking_number);
CREATE INDEX IF NOT EXISTS price_record_transaction ON price_record (recipient, marketplace_id, transaction_id);

-- One row per recipient, marketplace and seller, kept current on ingest. feed_seq is taken anew at every change, so
-- the seller feed is a change feed: a reader past a position sees every seller changed after it, in its latest state.
-- identity is the seller part of the latest minimized record (Avro binary of identity_fingerprint's schema).
CREATE TABLE IF NOT EXISTS seller_record (
  recipient VARCHAR(255) NOT NULL,
  marketplace_id VARCHAR(255) NOT NULL,
  seller_id VARCHAR(255) NOT NULL,
  feed_seq BIGINT NOT NULL,
  first_seen_micros BIGINT NOT NULL,
  last_seen_micros BIGINT NOT NULL,
  transaction_count BIGINT NOT NULL,
  identity_fingerprint VARCHAR(255) NOT NULL,
  identity BLOB NOT NULL,
  PRIMARY KEY (recipient, marketplace_id, seller_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS seller_record_feed ON seller_record (recipient, feed_seq);

-- Per seller and currency: the transactions and the sum of their goods values (latest version of each).
CREATE TABLE IF NOT EXISTS seller_value (
  recipient VARCHAR(255) NOT NULL,
  marketplace_id VARCHAR(255) NOT NULL,
  seller_id VARCHAR(255) NOT NULL,
  currency VARCHAR(255) NOT NULL,
  transaction_count BIGINT NOT NULL,
  value_minor BIGINT NOT NULL,
  PRIMARY KEY (recipient, marketplace_id, seller_id, currency)
);

-- The push outbox of a recipient with an endpoint is its feed after delivered_seq. in_flight_to_seq, when set, is the
-- last position of the delivery being attempted: a retry after a restart sends the same positions under the same
-- idempotency key.
CREATE TABLE IF NOT EXISTS delivery_stream (
  recipient VARCHAR(255) NOT NULL,
  stream VARCHAR(32) NOT NULL,
  delivered_seq BIGINT NOT NULL,
  in_flight_to_seq BIGINT,
  attempts INTEGER NOT NULL,
  last_error VARCHAR(255),
  PRIMARY KEY (recipient, stream)
);

-- Records a push could not deliver: refused by the receiver (4xx) or older than the record time-to-live. status is
-- dead, or redrive once an operator asked to deliver it again, or redelivered.
CREATE TABLE IF NOT EXISTS dead_letter (
  recipient VARCHAR(255) NOT NULL,
  stream VARCHAR(32) NOT NULL,
  feed_seq BIGINT NOT NULL,
  status VARCHAR(32) NOT NULL,
  reason VARCHAR(32) NOT NULL,
  detail VARCHAR(255),
  failed_at_micros BIGINT NOT NULL,
  attempts INTEGER NOT NULL,
  PRIMARY KEY (recipient, stream, feed_seq)
);
CREATE INDEX IF NOT EXISTS dead_letter_status ON dead_letter (recipient, status);

-- The schemas of stored seller identities, by fingerprint: an identity minimized under an earlier policy version stays
-- readable after the policy changes. (Price records are read from containers, which carry their schema.)
CREATE TABLE IF NOT EXISTS record_schema (
  fingerprint VARCHAR(255) NOT NULL PRIMARY KEY,
  schema_json CLOB NOT NULL
);
