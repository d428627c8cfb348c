-- The minimization log's Merkle tree as it grows (docs/storage.md): node (node_level, node_index)
-- is the head of the perfect subtree over leaves [node_index * 2^node_level, (node_index + 1) *
-- 2^node_level), SHA-256(0x01 || left || right) of its two children. Level 0, the leaves, is
-- minimization_log.leaf_hash and is not repeated here. Written by the append that completes the
-- subtree, in the same transaction as its entries; never updated or deleted by the gateway. Tree
-- heads and proofs of any size read O(log n) of these rows instead of every leaf.
--
-- The nodes of entries stored before this migration are written by a step in Java that runs after
-- this file, in the same transaction (Migrations, LogTables.rebuildNodes).
CREATE TABLE IF NOT EXISTS log_node (
  node_level INTEGER NOT NULL,
  node_index BIGINT NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (node_level, node_index)
);
