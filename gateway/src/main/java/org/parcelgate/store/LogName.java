package org.parcelgate.store;

/**
 * The gateway's append-only, tamper-evident logs: each is an RFC 9162 Merkle tree of its own, with
 * its own entries, tree nodes and signed checkpoints, in tables of its own (docs/storage.md).
 *
 * <ul>
 *   <li>{@link #MINIMIZATION}: what the gateway did with the data, one entry per batch and
 *       recipient (docs/privacy.md, "The minimization log").
 *   <li>{@link #ACCESS}: who read the logs, one entry per privacy officer's distinct read. Kept
 *       apart so that reading the minimization log does not grow it.
 * </ul>
 */
public enum LogName {
  MINIMIZATION("minimization", "minimization_log", "log_node", "log_checkpoint"),
  ACCESS("access", "access_log", "access_log_node", "access_log_checkpoint");

  private final String wireName;
  final String entries;
  final String nodes;
  final String checkpoints;

  LogName(String wireName, String entries, String nodes, String checkpoints) {
    this.wireName = wireName;
    this.entries = entries;
    this.nodes = nodes;
    this.checkpoints = checkpoints;
  }

  /** The name in the API's paths and in the {@code log} claim of the log's signed checkpoints. */
  public String wireName() {
    return wireName;
  }
}
