package org.parcelgate.store;

import static org.parcelgate.store.JdbcGatewayStore.instant;
import static org.parcelgate.store.JdbcGatewayStore.micros;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.parcelgate.risk.MemoryRiskState;
import org.parcelgate.risk.SellerSummary;
import org.parcelgate.risk.SplitConsignmentDetector;
import org.parcelgate.risk.StateKey;

/**
 * The SQL of the risk assessor (migrations V7, V8, V14): per recipient, the cursor of the last
 * price position assessed and the position the stored state follows ({@code risk_position}), the
 * findings of flagged records ({@code risk_assessment}) and the detectors' state: split groups in
 * the {@link SplitLog split log}, every other value under its key ({@code risk_value}).
 *
 * <p>A step reads the rows after the cursor on a reader and the state they need, assesses them
 * outside the database, and {@link #apply applies} the result on the writer: the cursor moves by
 * compare-and-set, from the position the step read to the last it assessed, and only if both the
 * cursor and the state's position still stand where the step read them, the findings (and, in a
 * checkpoint, the state changed since the last one and its new position) are written, in the same
 * transaction. Of two instances that assessed the same rows from the same cursor, the one whose
 * step commits second changes nothing (on PostgreSQL the second update waits for the first's row
 * lock and then finds the cursor moved). The stored state is exactly the state after the records up
 * to its position: an assessor that did not make it loads it and judges the records after it again,
 * up to the cursor, before a step; a checkpoint between its reads makes its step refused.
 */
final class RiskTables {
  static final String CURSOR =
      "SELECT COALESCE(MAX(assessed_seq), 0) FROM risk_position WHERE recipient = ?";
  private static final String CURSOR_AND_STATE =
      "SELECT assessed_seq, state_seq FROM risk_position WHERE recipient = ?";
  private static final String HEAD =
      "SELECT COALESCE(MAX(feed_seq), 0) FROM price_record WHERE recipient = ?";
  private static final String ROWS =
      "SELECT feed_seq, marketplace_id, transaction_id, version, batch_id, copy_position,"
          + " received_at_micros FROM price_record WHERE recipient = ? AND feed_seq > ?"
          + " AND feed_seq <= ? ORDER BY feed_seq LIMIT ?";
  private static final String MOVE_CURSOR =
      "UPDATE risk_position SET assessed_seq = ?, state_seq = ? WHERE recipient = ?"
          + " AND assessed_seq = ? AND state_seq = ?";
  private static final String FIRST_CURSOR =
      "INSERT INTO risk_position (recipient, assessed_seq, state_seq) VALUES (?, ?, ?)"
          + " ON CONFLICT (recipient) DO NOTHING";
  private static final String INSERT_ASSESSMENT =
      "INSERT INTO risk_assessment (recipient, feed_seq, score, flags, findings)"
          + " VALUES (?, ?, ?, ?, ?)";
  private static final String UPSERT_STATE =
      "INSERT INTO risk_value (recipient, kind, state_key, state, expires_at_micros)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (recipient, kind, state_key) DO UPDATE SET"
          + " state = excluded.state, expires_at_micros = excluded.expires_at_micros";
  private static final String PURGE_STATE =
      "DELETE FROM risk_value WHERE expires_at_micros IS NOT NULL AND expires_at_micros <= ?"
          + " AND recipient NOT IN (SELECT recipient FROM risk_position)";
  private static final String STATE_SEQS = "SELECT recipient, state_seq FROM risk_position";
  private static final String EARLIEST_AFTER =
      "SELECT MIN(received_at_micros), MAX(feed_seq) FROM price_record"
          + " WHERE recipient = ? AND feed_seq > ?";
  private static final String PURGE_RECIPIENT_STATE =
      "DELETE FROM risk_value WHERE recipient = ? AND expires_at_micros IS NOT NULL"
          + " AND expires_at_micros <= ?";
  private static final String ONE_STATE =
      "SELECT state, expires_at_micros FROM risk_value WHERE recipient = ? AND kind = ?"
          + " AND state_key = ?";

  private static final String STATES_OF_KIND =
      "SELECT state_key, state FROM risk_value WHERE recipient = ? AND kind = ? AND state_key > ?"
          + " AND (expires_at_micros IS NULL OR expires_at_micros > ?) ORDER BY state_key LIMIT ?";

  /** Keys per {@code IN (...)} list when loading state. */
  static final int IN_LIST_SIZE = 500;

  private RiskTables() {}

  /**
   * A recipient's next price rows after its risk cursor, at most {@code maxRows}, with their
   * batches' minimized copies; called inside one read transaction, so cursor, state position, head
   * and rows are of one snapshot; without the copies of the batches {@code held} answers true for.
   */
  static RiskInput input(
      Connection connection, String recipient, int maxRows, Predicate<String> held)
      throws SQLException {
    long cursor = 0;
    long stateSeq = 0;
    try (PreparedStatement select = connection.prepareStatement(CURSOR_AND_STATE)) {
      select.setString(1, recipient);
      try (ResultSet row = select.executeQuery()) {
        if (row.next()) {
          cursor = row.getLong(1);
          stateSeq = row.getLong(2);
        }
      }
    }
    long head = DeliveryTables.single(connection, HEAD, recipient);
    return rows(connection, recipient, cursor, stateSeq, head, maxRows, held);
  }

  /**
   * The price rows of a recipient after {@code after} up to {@code upTo}, at most {@code maxRows},
   * with their batches' minimized copies (those {@code held} answers false for): what a replay of
   * records already assessed reads. The input's cursor is {@code after} and its head {@code upTo}.
   */
  static RiskInput replay(
      Connection connection,
      String recipient,
      long after,
      long upTo,
      int maxRows,
      Predicate<String> held)
      throws SQLException {
    return rows(connection, recipient, after, after, upTo, maxRows, held);
  }

  private static RiskInput rows(
      Connection connection,
      String recipient,
      long cursor,
      long stateSeq,
      long head,
      int maxRows,
      Predicate<String> held)
      throws SQLException {
    List<RiskInput.Row> rows = new ArrayList<>();
    if (head > cursor) {
      try (PreparedStatement select = connection.prepareStatement(ROWS)) {
        select.setString(1, recipient);
        select.setLong(2, cursor);
        select.setLong(3, head);
        select.setInt(4, maxRows);
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            rows.add(
                new RiskInput.Row(
                    row.getLong(1),
                    row.getString(2),
                    row.getString(3),
                    row.getInt(4),
                    row.getString(5),
                    row.getInt(6),
                    instant(row.getLong(7))));
          }
        }
      }
    }
    Map<String, MinimizedBatch> copies = new LinkedHashMap<>();
    Set<String> asked = new HashSet<>();
    for (RiskInput.Row row : rows) {
      if (asked.add(row.batchId()) && !held.test(row.batchId())) {
        copies.put(
            row.batchId(),
            LogTables.minimized(connection, row.batchId(), recipient)
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "a price record's batch has no minimized copy for its recipient")));
      }
    }
    return new RiskInput(recipient, cursor, stateSeq, head, rows, copies);
  }

  /**
   * The stored values of these keys that have not expired at {@code now}: split groups from the
   * split log, the others by chunks of {@link #IN_LIST_SIZE} keys per kind.
   */
  static Map<StateKey, MemoryRiskState.Value> state(
      Connection connection,
      SplitLog splitLog,
      String recipient,
      Collection<StateKey> keys,
      Instant now)
      throws SQLException {
    Map<String, List<String>> byKind = new LinkedHashMap<>();
    List<StateKey> groups = new ArrayList<>();
    for (StateKey key : new LinkedHashSet<>(keys)) {
      if (SplitLog.holds(key)) {
        groups.add(key);
      } else {
        byKind.computeIfAbsent(key.kind(), k -> new ArrayList<>()).add(key.key());
      }
    }
    long at = micros(now);
    Map<StateKey, MemoryRiskState.Value> found = new HashMap<>();
    if (!groups.isEmpty()) {
      found.putAll(splitLog.find(connection, recipient, groups, at));
    }
    for (Map.Entry<String, List<String>> kind : byKind.entrySet()) {
      List<String> names = kind.getValue();
      for (int from = 0; from < names.size(); from += IN_LIST_SIZE) {
        List<String> chunk = names.subList(from, Math.min(names.size(), from + IN_LIST_SIZE));
        String sql =
            "SELECT state_key, state, expires_at_micros FROM risk_value"
                + " WHERE recipient = ? AND kind = ? AND state_key IN ("
                + "?, ".repeat(chunk.size() - 1)
                + "?)";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
          select.setString(1, recipient);
          select.setString(2, kind.getKey());
          for (int i = 0; i < chunk.size(); i++) {
            select.setString(i + 3, chunk.get(i));
          }
          try (ResultSet row = select.executeQuery()) {
            while (row.next()) {
              long expires = row.getLong(3);
              boolean kept = row.wasNull();
              if (!kept && expires <= at) {
                continue;
              }
              found.put(
                  new StateKey(kind.getKey(), row.getString(1)),
                  new MemoryRiskState.Value(row.getBytes(2), kept ? null : instant(expires)));
            }
          }
        }
      }
    }
    return found;
  }

  /**
   * Applies a step, as its prepared rows, if the recipient's cursor and the position its stored
   * state follows still stand where the step read them: moves the cursor, stores the flagged
   * records' findings and, in a checkpoint, the changed state and its position. Returns what it
   * appended to the split log (for the index, once committed), or empty if it did not apply the
   * step; then nothing is written.
   */
  static Optional<SplitLog.Appended> apply(Connection connection, RiskRows rows)
      throws SQLException {
    RiskStep step = rows.step();
    if (!moveCursor(connection, step)) {
      return Optional.empty();
    }
    if (!rows.flagged().isEmpty()) {
      try (PreparedStatement insert = connection.prepareStatement(INSERT_ASSESSMENT)) {
        for (RiskRows.Flagged flagged : rows.flagged()) {
          insert.setString(1, step.recipient());
          insert.setLong(2, flagged.seq());
          insert.setInt(3, flagged.score());
          insert.setString(4, flagged.flags());
          insert.setBytes(5, flagged.findings());
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
    if (!rows.values().isEmpty()) {
      try (PreparedStatement upsert = connection.prepareStatement(UPSERT_STATE)) {
        for (RiskRows.Value value : rows.values()) {
          upsert.setString(1, step.recipient());
          upsert.setString(2, value.key().kind());
          upsert.setString(3, value.key().key());
          upsert.setBytes(4, value.value());
          Sql.setNullable(upsert, 5, value.expiresMicros());
          upsert.addBatch();
        }
        upsert.executeBatch();
      }
    }
    return Optional.of(SplitLog.append(connection, step.recipient(), rows.groups()));
  }

  private static final String SPLIT_GROUPS_AFTER =
      "SELECT recipient, state_key FROM risk_state WHERE kind = ? AND (recipient > ?"
          + " OR (recipient = ? AND state_key > ?)) ORDER BY recipient, state_key LIMIT ?";
  private static final String REKEY =
      "UPDATE risk_state SET state_key = ? WHERE recipient = ? AND kind = ? AND state_key = ?";

  /**
   * Migration V13: stores each split group under its short key ({@link
   * SplitConsignmentDetector#storedKey}) instead of its fields joined by newlines. A key without a
   * newline is short already (a re-run, or a key just rewritten that the next page reads again).
   */
  static void rekeySplitGroups(Connection connection) throws SQLException {
    String kind = SplitConsignmentDetector.STATE_KIND;
    String recipient = "";
    String after = "";
    while (true) {
      List<String[]> page = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(SPLIT_GROUPS_AFTER)) {
        select.setString(1, kind);
        select.setString(2, recipient);
        select.setString(3, recipient);
        select.setString(4, after);
        select.setInt(5, IN_LIST_SIZE);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            page.add(new String[] {rows.getString(1), rows.getString(2)});
          }
        }
      }
      if (page.isEmpty()) {
        return;
      }
      try (PreparedStatement update = connection.prepareStatement(REKEY)) {
        for (String[] row : page) {
          if (row[1].indexOf('\n') >= 0) {
            update.setString(1, SplitConsignmentDetector.storedKey(row[1]));
            update.setString(2, row[0]);
            update.setString(3, kind);
            update.setString(4, row[1]);
            update.addBatch();
          }
        }
        update.executeBatch();
      }
      String[] last = page.get(page.size() - 1);
      recipient = last[0];
      after = last[1];
    }
  }

  private static boolean moveCursor(Connection connection, RiskStep step) throws SQLException {
    long stateSeq = step.checkpoint() ? step.toCursor() : step.fromStateSeq();
    try (PreparedStatement update = connection.prepareStatement(MOVE_CURSOR)) {
      update.setLong(1, step.toCursor());
      update.setLong(2, stateSeq);
      update.setString(3, step.recipient());
      update.setLong(4, step.fromCursor());
      update.setLong(5, step.fromStateSeq());
      if (update.executeUpdate() == 1) {
        return true;
      }
    }
    if (step.fromCursor() != 0) {
      return false;
    }
    // A recipient's first step: its cursor has no row yet (0), unless another step made one.
    try (PreparedStatement insert = connection.prepareStatement(FIRST_CURSOR)) {
      insert.setString(1, step.recipient());
      insert.setLong(2, step.toCursor());
      insert.setLong(3, stateSeq);
      return insert.executeUpdate() == 1;
    }
  }

  /**
   * What a purge found among a recipient's price rows after the position its stored state follows:
   * the earliest receipt (null: no row) up to {@code scannedTo}. While {@code stateSeq} stays, a
   * later purge reads only the rows after {@code scannedTo}: rows are stored in feed order, and one
   * deleted since (by retention) leaves an earliest receipt that is too early, which only keeps
   * more state.
   */
  record ReceiptsAfter(long stateSeq, long scannedTo, Long earliestMicros) {}

  /**
   * Deletes state that has expired for good: per recipient, expired before both {@code now} and the
   * earliest receipt of its records after the position its stored state follows, since the assessor
   * judges expiry by the records' own time (a backlog, or a replay after a restart, must find the
   * state an uninterrupted run would have found). Puts each recipient's cutoff in {@code
   * splitCutoffs}, for the split log's index once the purge is committed.
   *
   * @param receipts per recipient, what earlier purges found after its position, read and updated:
   *     reading every row after a position that does not move (risk off on a store that was
   *     assessed, or an assessor far behind) grew with everything stored since, on the writer
   */
  static int purge(
      Connection connection,
      Instant now,
      Map<String, Long> splitCutoffs,
      Map<String, ReceiptsAfter> receipts)
      throws SQLException {
    int purged = 0;
    List<String[]> cursors = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(STATE_SEQS);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        cursors.add(new String[] {rows.getString(1), Long.toString(rows.getLong(2))});
      }
    }
    try (PreparedStatement earliestAfter = connection.prepareStatement(EARLIEST_AFTER);
        PreparedStatement purge = connection.prepareStatement(PURGE_RECIPIENT_STATE)) {
      for (String[] cursor : cursors) {
        ReceiptsAfter found =
            receiptsAfter(earliestAfter, cursor[0], Long.parseLong(cursor[1]), receipts);
        receipts.put(cursor[0], found);
        long before = micros(now);
        if (found.earliestMicros() != null) {
          before = Math.min(before, found.earliestMicros());
        }
        purge.setString(1, cursor[0]);
        purge.setLong(2, before);
        purged += purge.executeUpdate();
        purged += SplitLog.purge(connection, cursor[0], before);
        splitCutoffs.put(cursor[0], before);
      }
    }
    Set<String> positioned = new HashSet<>();
    cursors.forEach(cursor -> positioned.add(cursor[0]));
    purged += SplitLog.purgeUnassessed(connection, micros(now), positioned);
    try (PreparedStatement purge = connection.prepareStatement(PURGE_STATE)) {
      purge.setLong(1, micros(now));
      return purged + purge.executeUpdate();
    }
  }

  /** The earliest receipt after {@code stateSeq}, reading only rows no earlier purge read. */
  private static ReceiptsAfter receiptsAfter(
      PreparedStatement earliestAfter,
      String recipient,
      long stateSeq,
      Map<String, ReceiptsAfter> receipts)
      throws SQLException {
    ReceiptsAfter known = receipts.get(recipient);
    if (known == null || known.stateSeq() != stateSeq) {
      known = new ReceiptsAfter(stateSeq, stateSeq, null);
    }
    earliestAfter.setString(1, recipient);
    earliestAfter.setLong(2, known.scannedTo());
    try (ResultSet row = earliestAfter.executeQuery()) {
      if (!row.next()) {
        return known;
      }
      long earliest = row.getLong(1);
      if (row.wasNull()) {
        return known; // no row after the last one read
      }
      // Receipt times are not in feed order: the earliest of all, not the first row's.
      long scannedTo = row.getLong(2);
      return new ReceiptsAfter(
          stateSeq,
          scannedTo,
          known.earliestMicros() == null ? earliest : Math.min(known.earliestMicros(), earliest));
    }
  }

  /**
   * A recipient's live values of one kind after {@code afterKey}, in key order, at most {@code
   * limit}.
   */
  static Map<String, byte[]> states(
      Connection connection, String recipient, String kind, String afterKey, int limit, Instant now)
      throws SQLException {
    Map<String, byte[]> found = new LinkedHashMap<>();
    try (PreparedStatement select = connection.prepareStatement(STATES_OF_KIND)) {
      select.setString(1, recipient);
      select.setString(2, kind);
      select.setString(3, afterKey);
      select.setLong(4, micros(now));
      select.setInt(5, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.put(rows.getString(1), rows.getBytes(2));
        }
      }
    }
    return found;
  }

  /** Price records not yet assessed, over the recipients given. */
  static long lag(Connection connection, Collection<String> recipients) throws SQLException {
    long lag = 0;
    for (String recipient : recipients) {
      lag +=
          Math.max(
              0,
              DeliveryTables.single(connection, HEAD, recipient)
                  - DeliveryTables.single(connection, CURSOR, recipient));
    }
    return lag;
  }

  /** A seller's summary as the assessments left it; {@link SellerSummary#EMPTY} before any. */
  static SellerSummary sellerSummary(
      PreparedStatement select, String recipient, String marketplaceId, String sellerId)
      throws SQLException {
    StateKey key = SellerSummary.key(marketplaceId, sellerId);
    select.setString(1, recipient);
    select.setString(2, key.kind());
    select.setString(3, key.key());
    try (ResultSet row = select.executeQuery()) {
      return row.next() ? SellerSummary.decode(row.getBytes(1)) : SellerSummary.EMPTY;
    }
  }

  static String oneStateSql() {
    return ONE_STATE;
  }
}
