-- Split groups packed sixteen to a row (docs/storage.md "The assessor", store/SplitPage): a row per group cost the
-- store's one writer a row and two index entries per group, some 4 to 6 microseconds each at about 0.8 groups per
-- record assessed, most of what risk added to the writer. A page holds the groups at the positions from its own
-- (seq) to seq + group_count - 1, and starts only at a multiple of 16 plus one, so the gateway finds a group's page
-- from the group's position alone. Its expiry is the latest of its groups' (null if one is kept): the purge deletes a
-- page once every value in it has expired.
CREATE TABLE IF NOT EXISTS risk_split_page (
  recipient VARCHAR(255) NOT NULL,
  seq BIGINT NOT NULL,
  group_count INTEGER NOT NULL,
  page BLOB NOT NULL,
  expires_at_micros BIGINT,
  PRIMARY KEY (recipient, seq)
);

CREATE INDEX IF NOT EXISTS risk_split_page_expiry ON risk_split_page (recipient, expires_at_micros);

-- The step in Java that follows (SplitLog.pack) copies the groups of risk_split_log into pages, each recipient's from
-- position 1 on, sets risk_position.split_seq to the last position it took, and drops risk_split_log: a gateway of an
-- earlier version still running on this database then fails its risk statements until restarted at this version,
-- instead of writing groups this version never reads.
