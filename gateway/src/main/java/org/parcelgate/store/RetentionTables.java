package org.parcelgate.store;

import static org.parcelgate.store.JdbcGatewayStore.instant;
import static org.parcelgate.store.JdbcGatewayStore.micros;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of storage limitation (migration V12, docs/privacy.md "Storage limitation"): finding the
 * copies and sellers a recipient's retention has made due, and purging one copy, or a chunk of
 * sellers, in one transaction with its minimization-log entry.
 *
 * <p>A copy is due when its batch was received before the cut-off and every position of it is one
 * the follower applied, the assessor assessed and kept in its state, and, for a recipient that is
 * pushed to, the push stream delivered (or dead-lettered): the due positions are a prefix of the
 * feed, found from its start along the primary key. A copy with a dead letter an operator asked to
 * re-drive waits for the re-drive; dead letters of a purged copy move to {@code purged}.
 */
final class RetentionTables {
  private static final String PRICE = FeedKind.PRICE.wireName();
  private static final String SELLER = FeedKind.SELLER.wireName();

  private static final String APPLIED =
      "SELECT COALESCE(MAX(applied_seq), 0) FROM follower_cursor WHERE recipient = ?";
  private static final String ASSESSED =
      "SELECT assessed_seq, state_seq FROM risk_position WHERE recipient = ?";
  private static final String DELIVERED =
      "SELECT delivered_seq FROM delivery_stream WHERE recipient = ? AND stream = ?";
  private static final String OLDEST_PRICES =
      "SELECT feed_seq, batch_id, marketplace_id, received_at_micros, log_index"
          + " FROM price_record WHERE recipient = ? AND feed_seq <= ? ORDER BY feed_seq LIMIT ?";
  private static final String COPY_SIZE =
      "SELECT record_count FROM minimized_records WHERE batch_id = ? AND recipient = ?";
  private static final String COPY_ROWS =
      "SELECT feed_seq, marketplace_id, transaction_id, tracking_number"
          + " FROM price_record WHERE recipient = ? AND feed_seq >= ? AND feed_seq <= ?"
          + " AND batch_id = ?";
  private static final String REDRIVES =
      "SELECT COUNT(*) FROM dead_letter WHERE recipient = ? AND stream = ? AND feed_seq >= ?"
          + " AND feed_seq <= ? AND status = 'redrive'";
  private static final String PURGE_DEAD_LETTERS =
      "UPDATE dead_letter SET status = 'purged' WHERE recipient = ? AND stream = ?"
          + " AND feed_seq >= ? AND feed_seq <= ? AND status = 'dead'";
  private static final String DELETE_TRACKING =
      "DELETE FROM price_tracking WHERE recipient = ? AND tracking_number = ? AND feed_seq = ?";
  private static final String DELETE_TRANSACTION =
      "DELETE FROM price_transaction WHERE recipient = ? AND marketplace_id = ?"
          + " AND transaction_id = ? AND feed_seq = ?";
  private static final String DELETE_ASSESSMENTS =
      "DELETE FROM risk_assessment WHERE recipient = ? AND feed_seq >= ? AND feed_seq <= ?";
  private static final String DELETE_PRICES =
      "DELETE FROM price_record WHERE recipient = ? AND feed_seq >= ? AND feed_seq <= ?"
          + " AND batch_id = ?";
  private static final String DELETE_COPY =
      "DELETE FROM minimized_records WHERE batch_id = ? AND recipient = ?";
  private static final String RAISE_FLOOR =
      "INSERT INTO feed_floor (recipient, stream, purged_seq) VALUES (?, ?, ?)"
          + " ON CONFLICT (recipient, stream) DO UPDATE SET purged_seq = CASE"
          + " WHEN excluded.purged_seq > feed_floor.purged_seq THEN excluded.purged_seq"
          + " ELSE feed_floor.purged_seq END";
  private static final String INSERT_PURGE =
      "INSERT INTO retention_purge (batch_id, recipient, purged_at_micros, log_index,"
          + " record_count, undelivered_count) VALUES (?, ?, ?, ?, ?, ?)";
  private static final String PURGES =
      "SELECT recipient, purged_at_micros, log_index, record_count, undelivered_count"
          + " FROM retention_purge WHERE batch_id = ? ORDER BY recipient";

  /** Sellers due, but not one whose dead letter is being re-driven: it waits, the others go. */
  private static final String DUE_SELLERS =
      "SELECT marketplace_id, seller_id, feed_seq FROM seller_record s WHERE recipient = ?"
          + " AND feed_seq <= ? AND last_seen_micros < ? AND NOT EXISTS (SELECT 1 FROM dead_letter d"
          + " WHERE d.recipient = s.recipient AND d.stream = 'seller' AND d.feed_seq = s.feed_seq"
          + " AND d.status = 'redrive') ORDER BY feed_seq LIMIT ?";

  private static final String DELETE_SELLER =
      "DELETE FROM seller_record WHERE recipient = ? AND marketplace_id = ? AND seller_id = ?"
          + " AND feed_seq = ?";
  private static final String DELETE_SELLER_VALUES =
      "DELETE FROM seller_value WHERE recipient = ? AND marketplace_id = ? AND seller_id = ?";

  private RetentionTables() {}

  /**
   * The last price position of a recipient that retention may purge: applied by the follower and,
   * when asked, kept by the assessor's state and delivered by the push stream.
   */
  static long purgeablePrices(
      Connection connection, String recipient, boolean assessed, boolean pushed)
      throws SQLException {
    long through = DeliveryTables.single(connection, APPLIED, recipient);
    if (assessed) {
      long kept = 0;
      try (PreparedStatement select = connection.prepareStatement(ASSESSED)) {
        select.setString(1, recipient);
        try (ResultSet row = select.executeQuery()) {
          if (row.next()) {
            kept = Math.min(row.getLong(1), row.getLong(2));
          }
        }
      }
      through = Math.min(through, kept);
    }
    if (pushed) {
      through = Math.min(through, delivered(connection, recipient, PRICE));
    }
    return through;
  }

  private static long delivered(Connection connection, String recipient, String stream)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(DELIVERED)) {
      select.setString(1, recipient);
      select.setString(2, stream);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getLong(1) : 0;
      }
    }
  }

  /**
   * A recipient's oldest copies that are due: received before {@code receivedBefore}, every
   * position at or before {@code through}; at most {@code limit}, oldest first.
   */
  static List<RetentionCopy> dueCopies(
      Connection connection, String recipient, Instant receivedBefore, long through, int limit)
      throws SQLException {
    // Rows of whole copies: enough for `limit` copies of the usual size; the last copy read is only
    // taken if it is complete, and a first copy larger than the window is read again whole.
    int window = Math.max(1_000, limit * 1_000);
    while (true) {
      Window read =
          dueCopies(connection, recipient, micros(receivedBefore), through, limit, window);
      if (!read.copies().isEmpty() || read.firstCopySize() <= window) {
        return read.copies();
      }
      window = read.firstCopySize();
    }
  }

  /** The copies a window of rows held, and the size of the copy it started with (0 if none). */
  private record Window(List<RetentionCopy> copies, int firstCopySize) {}

  private static Window dueCopies(
      Connection connection, String recipient, long before, long through, int limit, int window)
      throws SQLException {
    List<RetentionCopy> copies = new ArrayList<>();
    String first = null;
    try (PreparedStatement select = connection.prepareStatement(OLDEST_PRICES);
        PreparedStatement size = connection.prepareStatement(COPY_SIZE)) {
      select.setString(1, recipient);
      select.setLong(2, through);
      select.setInt(3, window);
      try (ResultSet row = select.executeQuery()) {
        Run run = null;
        while (row.next() && copies.size() < limit) {
          long seq = row.getLong(1);
          String batchId = row.getString(2);
          long received = row.getLong(4);
          if (run != null && !run.batchId.equals(batchId)) {
            run.complete(connection, size, recipient).ifPresent(copies::add);
            run = null;
          }
          if (received >= before) {
            return new Window(copies, 0);
          }
          if (run == null) {
            run = new Run(batchId, row.getString(3), received, seq, row.getLong(5));
            first = first == null ? batchId : first;
          }
          run.last = seq;
          run.count++;
        }
        if (run != null && copies.size() < limit) {
          run.complete(connection, size, recipient).ifPresent(copies::add);
        }
      }
      if (!copies.isEmpty() || first == null) {
        return new Window(copies, 0);
      }
      size.setString(1, first);
      size.setString(2, recipient);
      try (ResultSet row = size.executeQuery()) {
        return new Window(copies, row.next() ? row.getInt(1) : 0);
      }
    }
  }

  /** Consecutive price rows of one batch, while reading the feed from its start. */
  private static final class Run {
    final String batchId;
    final String marketplaceId;
    final long received;
    final long first;
    final long logIndex;
    long last;
    int count;

    Run(String batchId, String marketplaceId, long received, long first, long logIndex) {
      this.batchId = batchId;
      this.marketplaceId = marketplaceId;
      this.received = received;
      this.first = first;
      this.logIndex = logIndex;
    }

    /**
     * The copy, if these rows are all of it and none of its dead letters is being re-driven (that
     * copy waits; the ones after it are still found).
     */
    Optional<RetentionCopy> complete(
        Connection connection, PreparedStatement size, String recipient) throws SQLException {
      size.setString(1, batchId);
      size.setString(2, recipient);
      try (ResultSet row = size.executeQuery()) {
        if (!row.next() || row.getInt(1) != count) {
          return Optional.empty();
        }
      }
      if (count(connection, REDRIVES, recipient, PRICE, first, last) > 0) {
        return Optional.empty();
      }
      return Optional.of(
          new RetentionCopy(
              recipient, batchId, marketplaceId, instant(received), first, last, count, logIndex));
    }
  }

  /**
   * Purges one copy and appends its entry to the minimization log, in the caller's transaction.
   *
   * @return empty, changing nothing, when the copy is gone (purged already) or waits for a re-drive
   */
  static Optional<RetentionPurge> purge(
      Connection connection, RetentionCopy copy, Instant now, RetentionCopy.Entry entry)
      throws SQLException {
    String recipient = copy.recipient();
    if (count(connection, REDRIVES, recipient, PRICE, copy.firstSeq(), copy.lastSeq()) > 0) {
      return Optional.empty();
    }
    // The copy goes first: of two instances purging it at once (one after the other: a write in
    // order takes the cluster's write lock), the second deletes nothing and stops here.
    try (PreparedStatement delete = connection.prepareStatement(DELETE_COPY)) {
      delete.setString(1, copy.batchId());
      delete.setString(2, recipient);
      if (delete.executeUpdate() == 0) {
        return Optional.empty();
      }
    }
    int undelivered =
        update(connection, PURGE_DEAD_LETTERS, recipient, PRICE, copy.firstSeq(), copy.lastSeq());
    deleteLookUps(connection, copy);
    try (PreparedStatement delete = connection.prepareStatement(DELETE_ASSESSMENTS)) {
      delete.setString(1, recipient);
      delete.setLong(2, copy.firstSeq());
      delete.setLong(3, copy.lastSeq());
      delete.executeUpdate();
    }
    int deleted;
    try (PreparedStatement delete = connection.prepareStatement(DELETE_PRICES)) {
      delete.setString(1, recipient);
      delete.setLong(2, copy.firstSeq());
      delete.setLong(3, copy.lastSeq());
      delete.setString(4, copy.batchId());
      deleted = delete.executeUpdate();
    }
    if (deleted != copy.records()) {
      // The copy changed since it was found: the caller's savepoint undoes this purge.
      throw new StoreException(
          "the price rows of a copy to purge are not the ones found: "
              + deleted
              + " of "
              + copy.records());
    }
    raiseFloor(connection, recipient, PRICE, copy.lastSeq());
    long logIndex =
        LogTables.append(connection, LogName.MINIMIZATION, List.of(entry.of(copy, undelivered)));
    try (PreparedStatement insert = connection.prepareStatement(INSERT_PURGE)) {
      insert.setString(1, copy.batchId());
      insert.setString(2, recipient);
      insert.setLong(3, micros(now));
      insert.setLong(4, logIndex);
      insert.setInt(5, copy.records());
      insert.setInt(6, undelivered);
      insert.executeUpdate();
    }
    return Optional.of(new RetentionPurge(recipient, now, logIndex, copy.records(), undelivered));
  }

  /** A seller record the retention made due, at its seller feed position. */
  private record DueSeller(String marketplaceId, String sellerId, long seq) {}

  /** A price row's look-up keys, to delete them in key order. */
  private record LookUps(long seq, String marketplaceId, String transactionId, String tracking) {}

  /**
   * Deletes the copy's look-ups by tracking number and transaction, each sorted by its key, so the
   * deletes of neighbouring keys share their pages (as the follower's inserts do).
   */
  private static void deleteLookUps(Connection connection, RetentionCopy copy) throws SQLException {
    String recipient = copy.recipient();
    List<LookUps> rows = new ArrayList<>(copy.records());
    try (PreparedStatement select = connection.prepareStatement(COPY_ROWS)) {
      select.setString(1, recipient);
      select.setLong(2, copy.firstSeq());
      select.setLong(3, copy.lastSeq());
      select.setString(4, copy.batchId());
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          rows.add(
              new LookUps(row.getLong(1), row.getString(2), row.getString(3), row.getString(4)));
        }
      }
    }
    rows.sort(
        Comparator.comparing(LookUps::marketplaceId)
            .thenComparing(LookUps::transactionId)
            .thenComparingLong(LookUps::seq));
    try (PreparedStatement transaction = connection.prepareStatement(DELETE_TRANSACTION)) {
      for (LookUps row : rows) {
        transaction.setString(1, recipient);
        transaction.setString(2, row.marketplaceId());
        transaction.setString(3, row.transactionId());
        transaction.setLong(4, row.seq());
        transaction.addBatch();
      }
      transaction.executeBatch();
    }
    rows.removeIf(row -> row.tracking() == null);
    rows.sort(Comparator.comparing(LookUps::tracking).thenComparingLong(LookUps::seq));
    try (PreparedStatement tracking = connection.prepareStatement(DELETE_TRACKING)) {
      for (LookUps row : rows) {
        tracking.setString(1, recipient);
        tracking.setString(2, row.tracking());
        tracking.setLong(3, row.seq());
        tracking.addBatch();
      }
      tracking.executeBatch();
    }
  }

  /** The purges of a batch's copies, by recipient. */
  static List<RetentionPurge> purges(Connection connection, String batchId) throws SQLException {
    List<RetentionPurge> purges = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(PURGES)) {
      select.setString(1, batchId);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          purges.add(
              new RetentionPurge(
                  row.getString(1),
                  instant(row.getLong(2)),
                  row.getLong(3),
                  row.getInt(4),
                  row.getInt(5)));
        }
      }
    }
    return purges;
  }

  /**
   * Deletes up to {@code limit} of a recipient's sellers last seen before {@code lastSeenBefore}
   * (and, for a recipient pushed to, delivered), with one minimization-log entry for them all, in
   * the caller's transaction. A seller with a dead letter being re-driven waits.
   *
   * @return the purge, or empty when no seller was due
   */
  static Optional<RetentionPurge> purgeSellers(
      Connection connection,
      String recipient,
      Instant lastSeenBefore,
      boolean pushed,
      int limit,
      Instant now,
      RetentionCopy.SellerEntry entry)
      throws SQLException {
    long through = pushed ? delivered(connection, recipient, SELLER) : Long.MAX_VALUE;
    List<DueSeller> due = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(DUE_SELLERS)) {
      select.setString(1, recipient);
      select.setLong(2, through);
      select.setLong(3, micros(lastSeenBefore));
      select.setInt(4, limit);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          due.add(new DueSeller(row.getString(1), row.getString(2), row.getLong(3)));
        }
      }
    }
    int sellers = 0;
    int undelivered = 0;
    long last = 0;
    try (PreparedStatement delete = connection.prepareStatement(DELETE_SELLER);
        PreparedStatement values = connection.prepareStatement(DELETE_SELLER_VALUES)) {
      // DUE_SELLERS left out the sellers being re-driven, in this same transaction.
      for (DueSeller seller : due) {
        long seq = seller.seq();
        delete.setString(1, recipient);
        delete.setString(2, seller.marketplaceId());
        delete.setString(3, seller.sellerId());
        delete.setLong(4, seq);
        if (delete.executeUpdate() == 0) {
          continue;
        }
        undelivered += update(connection, PURGE_DEAD_LETTERS, recipient, SELLER, seq, seq);
        values.setString(1, recipient);
        values.setString(2, seller.marketplaceId());
        values.setString(3, seller.sellerId());
        values.executeUpdate();
        sellers++;
        last = Math.max(last, seq);
      }
    }
    if (sellers == 0) {
      return Optional.empty();
    }
    raiseFloor(connection, recipient, SELLER, last);
    long logIndex =
        LogTables.append(
            connection, LogName.MINIMIZATION, List.of(entry.of(recipient, sellers, undelivered)));
    return Optional.of(new RetentionPurge(recipient, now, logIndex, sellers, undelivered));
  }

  private static void raiseFloor(Connection connection, String recipient, String stream, long seq)
      throws SQLException {
    try (PreparedStatement raise = connection.prepareStatement(RAISE_FLOOR)) {
      raise.setString(1, recipient);
      raise.setString(2, stream);
      raise.setLong(3, seq);
      raise.executeUpdate();
    }
  }

  private static long count(
      Connection connection, String sql, String recipient, String stream, long from, long to)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      bindRange(select, recipient, stream, from, to);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private static int update(
      Connection connection, String sql, String recipient, String stream, long from, long to)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      bindRange(update, recipient, stream, from, to);
      return update.executeUpdate();
    }
  }

  private static void bindRange(
      PreparedStatement statement, String recipient, String stream, long from, long to)
      throws SQLException {
    statement.setString(1, recipient);
    statement.setString(2, stream);
    statement.setLong(3, from);
    statement.setLong(4, to);
  }
}
