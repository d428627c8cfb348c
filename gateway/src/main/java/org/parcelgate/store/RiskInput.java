package org.parcelgate.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one step of the risk assessor reads of a recipient: its cursor, the position its stored
 * state follows, the head of its price feed, the next price rows after the cursor in feed order,
 * and the recipient's minimized copy of each batch they belong to (each read once), where the
 * records themselves are. A replay's input ({@link RiskStore#riskReplay}) has the rows after a
 * position up to a bound instead: its {@code cursor} is that position and its {@code head} the
 * bound.
 *
 * @param cursor the last position assessed (0 before any)
 * @param stateSeq the last position the stored state follows (at most {@code cursor})
 * @param head the last position of the price feed when read
 * @param copies per batch id, the recipient's minimized copy of the batch
 */
public record RiskInput(
    String recipient,
    long cursor,
    long stateSeq,
    long head,
    List<Row> rows,
    Map<String, MinimizedBatch> copies) {

  /**
   * A price row to assess.
   *
   * @param copyPosition the record's position in its batch's minimized copy
   */
  public record Row(
      long seq,
      String marketplaceId,
      String transactionId,
      int version,
      String batchId,
      int copyPosition,
      Instant receivedAt) {}

  public RiskInput {
    rows = List.copyOf(rows);
    copies = Map.copyOf(copies);
  }

  /** Whether rows are left after these. */
  public boolean more() {
    long last = rows.isEmpty() ? cursor : rows.get(rows.size() - 1).seq();
    return last < head;
  }
}
