package org.parcelgate.store;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.function.Predicate;
import org.parcelgate.risk.MemoryRiskState;
import org.parcelgate.risk.StateKey;

/**
 * What the store keeps for the risk assessor (docs/storage.md, "The assessor"): per recipient, a
 * durable cursor of the last price position assessed, the findings of flagged records, and the
 * detectors' state with the position it follows. The assessor reads a step's rows and state,
 * assesses them, and commits the result with the cursor in one transaction (and, at a checkpoint,
 * the state); a step read at a cursor or state position that has moved since is not applied, so
 * instances sharing a database never both apply one.
 *
 * <p>Blocking, like the rest of the store: call it from worker threads.
 */
public interface RiskStore {

  /**
   * A recipient's next price rows after its risk cursor, at most {@code maxRows}, in feed order,
   * with the minimized copy of each batch they belong to; one snapshot.
   */
  default RiskInput riskInput(String recipient, int maxRows) {
    return riskInput(recipient, maxRows, batchId -> false);
  }

  /**
   * As {@link #riskInput(String, int)}, without reading the copies of the batches the caller
   * already holds: {@code held} is asked once per batch the rows belong to (on the store's thread),
   * and the input has no copy of a batch it answered true for.
   */
  RiskInput riskInput(String recipient, int maxRows, Predicate<String> held);

  /**
   * The price rows of a recipient after {@code after} up to {@code upTo} (positions already
   * assessed), at most {@code maxRows}, in feed order, with the minimized copies of their batches
   * that {@code held} answers false for: what an assessor judges again to rebuild the state from
   * the stored state's position up to the cursor. The input's cursor is {@code after} and its head
   * {@code upTo}.
   */
  RiskInput riskReplay(
      String recipient, long after, long upTo, int maxRows, Predicate<String> held);

  /** The stored risk state of these keys, without the values expired at {@code now}. */
  Map<StateKey, MemoryRiskState.Value> riskState(
      String recipient, Collection<StateKey> keys, Instant now);

  /**
   * Applies a step in one transaction on the store's writer, if the recipient's cursor still stands
   * at {@code step.fromCursor()} and its stored state at {@code step.fromStateSeq()}: the findings,
   * the cursor and, in a checkpoint, the state and its position. Durable once it returns.
   *
   * @return whether the step was applied; false when another step moved the cursor first, and
   *     nothing was written
   */
  boolean commitRisk(RiskStep step);

  /** The last price position of a recipient assessed; 0 before any. */
  long riskCursor(String recipient);

  /**
   * A recipient's live risk state of one kind, for inspection and export: the values whose keys
   * sort after {@code afterKey} ("" for the first), in key order, at most {@code limit}.
   */
  Map<String, byte[]> riskStates(
      String recipient, String kind, String afterKey, int limit, Instant now);

  /**
   * The split groups this gateway indexes in memory, over every recipient it assessed since it
   * started (the split log's index: about 27 to 53 bytes each). No store read.
   */
  long riskSplitGroupsIndexed();

  /** Price records not yet assessed, over these recipients. One index probe per recipient. */
  long riskLag(Collection<String> recipients);

  /**
   * Deletes the risk state expired at {@code now}.
   *
   * @return how many values were deleted
   */
  int purgeExpiredRiskState(Instant now);
}
