-- Risk state checkpoints (docs/storage.md "The assessor"): the assessor commits its findings and cursor every step, but
-- writes the detectors' state only every few seconds, with the feed position that state follows (state_seq). After a
-- restart, or when another instance moved the cursor, an assessor loads the stored state and judges the records after
-- state_seq up to the cursor again, without writing their findings (already stored), to rebuild the state at the
-- cursor.
--
-- The table is renamed, not only given a column: a gateway of an earlier version still running on this database (a
-- rolling upgrade) would move the cursor and write the state with every step, leaving state_seq behind, and an
-- instance of this version would then judge those records twice into the state. Under the new name, the earlier
-- version's risk statements fail instead, until it is restarted at this version.
ALTER TABLE risk_cursor RENAME TO risk_position;

ALTER TABLE risk_position ADD COLUMN state_seq BIGINT NOT NULL DEFAULT 0;

-- Until now the state was written with every step, so it follows the cursor.
UPDATE risk_position SET state_seq = assessed_seq;
