package org.parcelgate.store;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.parcelgate.risk.Assessment;
import org.parcelgate.risk.MemoryRiskState;
import org.parcelgate.risk.StateKey;

/**
 * What one step of the risk assessor writes for a recipient, in one transaction: the assessments of
 * the flagged records and the cursor moved from {@code fromCursor} to {@code toCursor}, and, when
 * the step is a checkpoint, the risk state changed since the last checkpoint, which then follows
 * {@code toCursor} ({@code state_seq}).
 *
 * @param fromCursor the cursor the step read: the step is applied only if it still stands there
 * @param fromStateSeq the position the stored state followed when the step read it: the step is
 *     applied only if no checkpoint moved it since
 * @param toCursor the last position the step assessed
 * @param flagged per position, the assessment of each record with findings (records without are
 *     assessed too, and have no row)
 * @param state the values changed since the checkpoint at {@code fromStateSeq}; only in a
 *     checkpoint
 * @param checkpoint whether the step writes {@code state} and moves the stored state to {@code
 *     toCursor}
 */
public record RiskStep(
    String recipient,
    long fromCursor,
    long fromStateSeq,
    long toCursor,
    SortedMap<Long, Assessment> flagged,
    Map<StateKey, MemoryRiskState.Value> state,
    boolean checkpoint) {
  public RiskStep {
    if (toCursor < fromCursor) {
      throw new IllegalArgumentException("a step cannot move the risk cursor back");
    }
    if (fromStateSeq > fromCursor) {
      throw new IllegalArgumentException("the stored state cannot follow a position not assessed");
    }
    if (!checkpoint && !state.isEmpty()) {
      throw new IllegalArgumentException("only a checkpoint writes state");
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

  /**
   * A step that checkpoints, with the state changed since {@code fromStateSeq}; the common case of
   * tests and of a first step.
   */
  public static RiskStep checkpoint(
      String recipient,
      long fromCursor,
      long fromStateSeq,
      long toCursor,
      SortedMap<Long, Assessment> flagged,
      Map<StateKey, MemoryRiskState.Value> state) {
    return new RiskStep(recipient, fromCursor, fromStateSeq, toCursor, flagged, state, true);
  }
}
