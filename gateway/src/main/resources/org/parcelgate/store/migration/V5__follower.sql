-- The commit path holds only what the receipt proves (docs/storage.md, "The follower"): the batch, the minimized
-- copies, the log entries and the price rows with their feed positions. The look-ups and the seller feed are built
-- after the commit by the follower (store/FeedFollower), which applies committed price rows in feed order, in
-- batches of many commits, and keeps a durable cursor in the same transaction as its updates.
--
-- The price rows gain seller_fingerprint and seller_identity (the seller part of the minimized record, which the
-- follower copies into seller_record); a step in Java adds them after this file (Migrations, FollowerTables), since
-- ADD COLUMN has no IF NOT EXISTS. Rows stored before this migration do not need them: their sellers are applied.

-- Per recipient, the last price feed position the follower applied. The rows after it are committed but not yet in
-- the look-ups or the seller feed: the follower's lag.
CREATE TABLE IF NOT EXISTS follower_cursor (
  recipient VARCHAR(255) NOT NULL PRIMARY KEY,
  applied_seq BIGINT NOT NULL
);

-- The look-up by tracking number: one row per price row with a tracking number, written by the follower.
CREATE TABLE IF NOT EXISTS price_tracking (
  recipient VARCHAR(255) NOT NULL,
  tracking_number VARCHAR(255) NOT NULL,
  feed_seq BIGINT NOT NULL,
  PRIMARY KEY (recipient, tracking_number, feed_seq)
);

-- Per recipient, marketplace and transaction: the price row of the highest version the follower applied, so an
-- amendment finds the seller, currency and value it replaces.
CREATE TABLE IF NOT EXISTS price_transaction (
  recipient VARCHAR(255) NOT NULL,
  marketplace_id VARCHAR(255) NOT NULL,
  transaction_id VARCHAR(255) NOT NULL,
  version INTEGER NOT NULL,
  feed_seq BIGINT NOT NULL,
  PRIMARY KEY (recipient, marketplace_id, transaction_id)
);

-- The rows stored before this migration had their seller records written by their commits: they count as applied.
INSERT INTO price_tracking (recipient, tracking_number, feed_seq)
  SELECT recipient, tracking_number, feed_seq FROM price_record p
  WHERE tracking_number IS NOT NULL AND NOT EXISTS (SELECT 1 FROM price_tracking t
    WHERE t.recipient = p.recipient AND t.tracking_number = p.tracking_number AND t.feed_seq = p.feed_seq);
INSERT INTO price_transaction (recipient, marketplace_id, transaction_id, version, feed_seq)
  SELECT recipient, marketplace_id, transaction_id, version, feed_seq FROM price_record p
  WHERE NOT EXISTS (SELECT 1 FROM price_record q WHERE q.recipient = p.recipient
      AND q.marketplace_id = p.marketplace_id AND q.transaction_id = p.transaction_id AND q.version > p.version)
    AND NOT EXISTS (SELECT 1 FROM price_transaction t WHERE t.recipient = p.recipient
      AND t.marketplace_id = p.marketplace_id AND t.transaction_id = p.transaction_id);
INSERT INTO follower_cursor (recipient, applied_seq)
  SELECT recipient, MAX(feed_seq) FROM price_record p
  WHERE NOT EXISTS (SELECT 1 FROM follower_cursor c WHERE c.recipient = p.recipient)
  GROUP BY recipient;

-- The indexes the commit kept on random keys; the tables above replace them.
DROP INDEX IF EXISTS price_record_tracking;
DROP INDEX IF EXISTS price_record_transaction;
