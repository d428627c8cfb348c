package org.parcelgate.risk;

import java.util.List;

/**
 * One kind of risk check on accepted records. A detector judges a record against what it learned
 * from the records before it, then learns from the record: the result for a record depends only on
 * the records assessed before it, in feed order, so a replay gives the same flags.
 */
public interface Detector {
  /** The state {@link #assess} reads for this record, so a store can load it beforehand. */
  List<StateKey> keys(RiskRecord record);

  /** Adds what it finds in {@code record} to {@code findings}, then learns from the record. */
  void assess(RiskRecord record, RiskState state, List<Finding> findings);
}
