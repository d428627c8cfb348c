-- Risk state checkpoints (docs/storage.md "The assessor"): the assessor commits its findings and cursor every step, but
-- writes the detectors' state only every few seconds, with the feed position that state follows (state_seq). After a
-- restart, or when another instance moved the cursor, an assessor loads the stored state and judges the records after
-- state_seq up to the cursor again, without writing their findings (already stored), to rebuild the state at the
-- cursor. Until this migration the state was written with every step, so it follows the cursor.
ALTER TABLE risk_cursor ADD COLUMN state_seq BIGINT NOT NULL DEFAULT 0;

UPDATE risk_cursor SET state_seq = assessed_seq;
