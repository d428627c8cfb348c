-- The access log (docs/privacy.md, "The access log"): privacy officers' reads of the logs, kept apart from the
-- minimization log so that reading that log does not grow it. A log of its own: entry i is leaf i of its own RFC 9162
-- Merkle tree, with its own tree nodes and signed checkpoints, in tables shaped as the minimization log's (V2, V4).
-- Read entries written to the minimization log before this migration stay there: it is append-only.

-- marketplace_id and recipient are those the read was filtered by, if any. Never updated or deleted by the gateway.
CREATE TABLE IF NOT EXISTS access_log (
  log_index BIGINT NOT NULL PRIMARY KEY,
  kind VARCHAR(32) NOT NULL,
  time_micros BIGINT NOT NULL,
  marketplace_id VARCHAR(255),
  recipient VARCHAR(255),
  leaf_hash BLOB NOT NULL,
  entry CLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS access_log_time ON access_log (time_micros);

-- The access log's Merkle tree above its leaves, as log_node is the minimization log's.
CREATE TABLE IF NOT EXISTS access_log_node (
  node_level INTEGER NOT NULL,
  node_index BIGINT NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (node_level, node_index)
);

-- The access log's signed checkpoints, as log_checkpoint is the minimization log's.
CREATE TABLE IF NOT EXISTS access_log_checkpoint (
  tree_size BIGINT NOT NULL PRIMARY KEY,
  root_hash VARCHAR(255) NOT NULL,
  signed_at_micros BIGINT NOT NULL,
  checkpoint_jws CLOB NOT NULL
);
