package org.parcelgate.store;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.parcelgate.risk.Assessment;
import org.parcelgate.risk.MemoryRiskState;
import org.parcelgate.risk.StateKey;

/**
 * What one step of the risk assessor writes for a recipient, in one transaction: the assessments of
 * the flagged records, the risk state the step changed, and the cursor moved from {@code
 * fromCursor} to {@code toCursor}.
 *
 * @param fromCursor the cursor the step read: the step is applied only if it still stands there
 * @param toCursor the last position the step assessed
 * @param flagged per position, the assessment of each record with findings (records without are
 *     assessed too, and have no row)
 */
public record RiskStep(
    String recipient,
    long fromCursor,
    long toCursor,
    SortedMap<Long, Assessment> flagged,
    Map<StateKey, MemoryRiskState.Value> state) {
  public RiskStep {
    if (toCursor < fromCursor) {
      throw new IllegalArgumentException("a step cannot move the risk cursor back");
    }
    flagged = new TreeMap<>(flagged);
    for (Map.Entry<Long, Assessment> entry : flagged.entrySet()) {
      if (entry.getKey() <= fromCursor || entry.getKey() > toCursor) {
        throw new IllegalArgumentException("a flagged record lies outside the step");
      }
      if (!entry.getValue().flagged()) {
        throw new IllegalArgumentException("only records with findings are stored");
      }
    }
    state = Map.copyOf(state);
  }
}
