-- Risk assessment (docs/risk.md, docs/storage.md "The assessor"): the assessor reads each recipient's committed price
-- rows in feed order after its cursor, judges the minimized records with the risk detectors, and writes, in one
-- transaction with its cursor, the assessments of the flagged records and the detectors' state. A price record is
-- in its recipient's feed once the cursor has passed it.

-- Per recipient, the last price feed position assessed.
CREATE TABLE IF NOT EXISTS risk_cursor (
  recipient VARCHAR(255) NOT NULL PRIMARY KEY,
  assessed_seq BIGINT NOT NULL
);

-- The findings of a flagged price record (a record assessed with nothing found has no row). flags lists the flags'
-- wire names between commas (",split_consignment,undervalued,") so a feed can ask for one flag; score is the
-- strongest finding's; findings is the encoded list (store/AssessmentCodec).
CREATE TABLE IF NOT EXISTS risk_assessment (
  recipient VARCHAR(255) NOT NULL,
  feed_seq BIGINT NOT NULL,
  score INTEGER NOT NULL,
  flags VARCHAR(1024) NOT NULL,
  findings BLOB NOT NULL,
  PRIMARY KEY (recipient, feed_seq)
);

-- The detectors' state per recipient (risk/RiskState): unit-value bands, split groups, IOSS owners, seller summaries.
-- A value whose expires_at_micros has passed may be deleted; the detectors treat it as absent.
CREATE TABLE IF NOT EXISTS risk_state (
  recipient VARCHAR(255) NOT NULL,
  kind VARCHAR(32) NOT NULL,
  state_key VARCHAR(512) NOT NULL,
  state BLOB NOT NULL,
  expires_at_micros BIGINT,
  PRIMARY KEY (recipient, kind, state_key)
);

CREATE INDEX IF NOT EXISTS risk_state_expiry ON risk_state (expires_at_micros);

-- Records stored before this migration were delivered without assessment: they count as assessed.
INSERT INTO risk_cursor (recipient, assessed_seq)
  SELECT recipient, MAX(feed_seq) FROM price_record p
  WHERE NOT EXISTS (SELECT 1 FROM risk_cursor c WHERE c.recipient = p.recipient)
  GROUP BY recipient;
