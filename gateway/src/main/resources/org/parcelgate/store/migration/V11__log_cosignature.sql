-- Witnesses' cosignatures of the logs' checkpoints (docs/privacy.md, "Witnesses"): per log, checkpoint size and
-- witness, the cosignature line the witness answered (a C2SP tlog-cosignature, verified before it is stored). The
-- largest size a witness cosigned is where the gateway's next submission to it starts.
CREATE TABLE IF NOT EXISTS log_cosignature (
  log_name VARCHAR(32) NOT NULL,
  tree_size BIGINT NOT NULL,
  witness VARCHAR(255) NOT NULL,
  cosignature CLOB NOT NULL,
  PRIMARY KEY (log_name, tree_size, witness)
);
CREATE INDEX IF NOT EXISTS log_cosignature_witness ON log_cosignature (log_name, witness, tree_size);
