-- Split groups in a log of their own (docs/storage.md "The assessor", store/SplitLog): the split-consignment detector's
-- groups far outnumber every other kind of risk state, and almost every record starts or changes one. Updated in place
-- under random keys, each changed group cost a page read and a page written once the key index outgrew the cache, so a
-- record cost more the more groups were stored. Appended at the next positions of their recipient instead, the groups
-- of a checkpoint fill pages written once, in order; the gateway finds a group's latest value through an index in
-- memory built from this table's keys. A group changed again is appended again, and the purge deletes each value
-- once it has expired.
CREATE TABLE IF NOT EXISTS risk_split_log (
  recipient VARCHAR(255) NOT NULL,
  seq BIGINT NOT NULL,
  state_key VARCHAR(512) NOT NULL,
  state BLOB NOT NULL,
  expires_at_micros BIGINT,
  PRIMARY KEY (recipient, seq)
);

CREATE INDEX IF NOT EXISTS risk_split_log_expiry ON risk_split_log (recipient, expires_at_micros);

-- The highest position of the split log each recipient has taken, so that a purge of the latest values never lets a
-- position be taken twice.
ALTER TABLE risk_position ADD COLUMN split_seq BIGINT NOT NULL DEFAULT 0;

-- The groups stored until now, each at a position of its recipient.
INSERT INTO risk_split_log (recipient, seq, state_key, state, expires_at_micros)
  SELECT recipient, ROW_NUMBER() OVER (PARTITION BY recipient ORDER BY state_key), state_key, state, expires_at_micros
  FROM risk_state WHERE kind = 'split-group';

UPDATE risk_position SET split_seq =
  (SELECT COALESCE(MAX(seq), 0) FROM risk_split_log l WHERE l.recipient = risk_position.recipient);

DELETE FROM risk_state WHERE kind = 'split-group';

-- The other values keep their table, under a new name: a gateway of an earlier version still running on this
-- database (a rolling upgrade) would keep writing split groups where this version no longer reads them. Under the new
-- name, the earlier version's risk statements fail instead, until it is restarted at this version (as V8 did).
ALTER TABLE risk_state RENAME TO risk_value;
