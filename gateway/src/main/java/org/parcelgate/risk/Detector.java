package org.parcelgate.risk;

import java.util.List;

/**
 * One kind of risk check on accepted records. A detector judges a record against what it learned
 * from the records before it, then learns from the record: the result for a record depends only on
 * the records assessed before it, in feed order, so a replay gives the same flags.
 */
public interface Detector {
  /**
   * The state {@link #assess} reads for this record, so a store can load it beforehand; the same
   * list is handed back to {@link #assess}, which then need not make the keys again.
   */
  List<StateKey> keys(RiskRecord record);

  /**
   * Adds what it finds in {@code record} to {@code findings}, then learns from the record.
   *
   * @param keys what {@link #keys} returned for this record
   */
  void assess(RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings);

  /** {@link #assess(RiskRecord, List, RiskState, List)} with the record's keys made now. */
  default void assess(RiskRecord record, RiskState state, List<Finding> findings) {
    assess(record, keys(record), state, findings);
  }
}
