package org.parcelgate.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SQL of the follower ({@link FeedFollower}): what is derived from committed price rows after
 * their commit. One {@link #apply} step reads, per recipient, the price rows after its cursor in
 * feed order and writes, in the caller's transaction:
 *
 * <ul>
 *   <li>the look-up by tracking number ({@code price_tracking});
 *   <li>per transaction, the row of its highest version ({@code price_transaction}), so an
 *       amendment finds the seller, currency and value it replaces;
 *   <li>the seller records ({@code seller_record}) with their new seller feed positions and the
 *       totals per currency ({@code seller_value});
 *   <li>the recipient's cursor ({@code follower_cursor}): the last price position applied.
 * </ul>
 *
 * <p>The cursor moves in the same transaction as the rows it covers, so a crash never applies a
 * price row twice or skips one. The writes of a step are sorted by key, so rows on random keys
 * (tracking numbers, sellers) of many commits share their pages.
 *
 * <p>A seller changed by a step takes one new position (the next after the recipient's largest), in
 * the order the step first touched the sellers: positions stay gap-free as assigned and ordered,
 * and a reader past a position still sees every seller changed since, in its latest state. The
 * totals are the same as if each batch had been applied in its own commit.
 */
final class FollowerTables {
  private static final String RECIPIENTS =
      "WITH RECURSIVE r (recipient) AS ("
          + " SELECT MIN(recipient) FROM price_record"
          + " UNION ALL"
          + " SELECT (SELECT MIN(recipient) FROM price_record WHERE recipient > r.recipient)"
          + " FROM r WHERE r.recipient IS NOT NULL)"
          + " SELECT recipient FROM r WHERE recipient IS NOT NULL";
  private static final String HEAD =
      "SELECT COALESCE(MAX(feed_seq), 0) FROM price_record WHERE recipient = ?";
  private static final String CURSOR =
      "SELECT COALESCE(MAX(applied_seq), 0) FROM follower_cursor WHERE recipient = ?";
  private static final String SAVE_CURSOR =
      "INSERT INTO follower_cursor (recipient, applied_seq) VALUES (?, ?)"
          + " ON CONFLICT (recipient) DO UPDATE SET applied_seq = excluded.applied_seq";
  private static final String ROWS =
      "SELECT feed_seq, marketplace_id, transaction_id, version, received_at_micros,"
          + " tracking_number, seller_id, currency, goods_value_minor, seller_fingerprint,"
          + " seller_identity FROM price_record WHERE recipient = ? AND feed_seq > ?"
          + " ORDER BY feed_seq LIMIT ?";
  private static final String PREVIOUS =
      "SELECT t.version, t.feed_seq, p.seller_id, p.currency, p.goods_value_minor"
          + " FROM price_transaction t JOIN price_record p"
          + " ON p.recipient = t.recipient AND p.feed_seq = t.feed_seq"
          + " WHERE t.recipient = ? AND t.marketplace_id = ? AND t.transaction_id = ?";
  private static final String INSERT_TRACKING =
      "INSERT INTO price_tracking (recipient, tracking_number, feed_seq) VALUES (?, ?, ?)";
  private static final String UPSERT_TRANSACTION =
      "INSERT INTO price_transaction (recipient, marketplace_id, transaction_id, version,"
          + " feed_seq) VALUES (?, ?, ?, ?, ?) ON CONFLICT (recipient, marketplace_id,"
          + " transaction_id) DO UPDATE SET version = excluded.version,"
          + " feed_seq = excluded.feed_seq";
  private static final String SELLER_EXISTS =
      "SELECT 1 FROM seller_record WHERE recipient = ? AND marketplace_id = ? AND seller_id = ?";
  private static final String UPSERT_SELLER =
      "INSERT INTO seller_record (recipient, marketplace_id, seller_id, feed_seq,"
          + " first_seen_micros, last_seen_micros, transaction_count, identity_fingerprint,"
          + " identity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (recipient, marketplace_id, seller_id) DO UPDATE SET"
          + " feed_seq = excluded.feed_seq,"
          + " last_seen_micros = CASE WHEN excluded.last_seen_micros > seller_record.last_seen_micros"
          + " THEN excluded.last_seen_micros ELSE seller_record.last_seen_micros END,"
          + " transaction_count = seller_record.transaction_count + excluded.transaction_count,"
          + " identity_fingerprint = excluded.identity_fingerprint,"
          + " identity = excluded.identity";
  private static final String MOVE_SELLER =
      "UPDATE seller_record SET feed_seq = ?, transaction_count = transaction_count + ?,"
          + " last_seen_micros = CASE WHEN ? > last_seen_micros THEN ? ELSE last_seen_micros END"
          + " WHERE recipient = ? AND marketplace_id = ? AND seller_id = ?";
  private static final String UPSERT_VALUE =
      "INSERT INTO seller_value (recipient, marketplace_id, seller_id, currency,"
          + " transaction_count, value_minor) VALUES (?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (recipient, marketplace_id, seller_id, currency) DO UPDATE SET"
          + " transaction_count = seller_value.transaction_count + excluded.transaction_count,"
          + " value_minor = seller_value.value_minor + excluded.value_minor";

  /** What one step did: rows applied, and whether committed rows are still waiting. */
  record Step(int applied, boolean more) {}

  /** A committed price row, as the follower reads it. */
  private record Row(
      long seq,
      String marketplaceId,
      String transactionId,
      int version,
      long received,
      String trackingNumber,
      String sellerId,
      String currency,
      long value,
      String fingerprint,
      byte[] identity) {}

  private record TransactionKey(String marketplaceId, String transactionId) {}

  /** The applied row of a transaction's highest version. */
  private record Latest(int version, long seq, String sellerId, String currency, long value) {}

  private record SellerKey(String marketplaceId, String sellerId) {}

  /** A seller's change within one step. */
  private static final class SellerChange {
    long transactions;
    boolean seen;
    long firstSeen;
    long lastSeen = Long.MIN_VALUE;
    String fingerprint;
    byte[] identity;
    long seq;
    final Map<String, long[]> values = new LinkedHashMap<>();

    void touched(long received) {
      lastSeen = Math.max(lastSeen, received);
    }

    void add(String currency, long transactions, long value) {
      if (currency != null) {
        long[] total = values.computeIfAbsent(currency, c -> new long[2]);
        total[0] += transactions;
        total[1] += value;
      }
    }
  }

  private FollowerTables() {}

  /**
   * Applies up to {@code maxRows} committed price rows (shared fairly among the recipients that
   * have any waiting), advancing each recipient's cursor with them.
   */
  static Step apply(Connection connection, int maxRows) throws SQLException {
    Map<String, long[]> waiting = new LinkedHashMap<>();
    for (String recipient : recipients(connection)) {
      long cursor = DeliveryTables.single(connection, CURSOR, recipient);
      long head = DeliveryTables.single(connection, HEAD, recipient);
      if (head > cursor) {
        waiting.put(recipient, new long[] {cursor, head});
      }
    }
    if (waiting.isEmpty()) {
      return new Step(0, false);
    }
    int share = Math.max(1, maxRows / waiting.size());
    int applied = 0;
    boolean more = false;
    for (Map.Entry<String, long[]> entry : waiting.entrySet()) {
      long cursor = entry.getValue()[0];
      long head = entry.getValue()[1];
      List<Row> rows = rows(connection, entry.getKey(), cursor, share);
      applyRows(connection, entry.getKey(), rows);
      applied += rows.size();
      long last = rows.isEmpty() ? cursor : rows.get(rows.size() - 1).seq();
      more |= last < head;
    }
    return new Step(applied, more);
  }

  /** Price rows committed but not applied yet, over every recipient. */
  static long lag(Connection connection) throws SQLException {
    long lag = 0;
    for (String recipient : recipients(connection)) {
      lag +=
          Math.max(
              0,
              DeliveryTables.single(connection, HEAD, recipient)
                  - DeliveryTables.single(connection, CURSOR, recipient));
    }
    return lag;
  }

  /**
   * The recipients with price rows, by skipping along the primary key: one index probe per
   * recipient, whatever the number of rows.
   */
  private static List<String> recipients(Connection connection) throws SQLException {
    List<String> recipients = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(RECIPIENTS);
        ResultSet row = select.executeQuery()) {
      while (row.next()) {
        recipients.add(row.getString(1));
      }
    }
    return recipients;
  }

  private static List<Row> rows(Connection connection, String recipient, long after, int limit)
      throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(ROWS)) {
      select.setString(1, recipient);
      select.setLong(2, after);
      select.setInt(3, limit);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          rows.add(
              new Row(
                  row.getLong(1),
                  row.getString(2),
                  row.getString(3),
                  row.getInt(4),
                  row.getLong(5),
                  row.getString(6),
                  row.getString(7),
                  row.getString(8),
                  row.getLong(9),
                  row.getString(10),
                  row.getBytes(11)));
        }
      }
    }
    return rows;
  }

  /** Applies one recipient's rows, in feed order, and moves its cursor past them. */
  private static void applyRows(Connection connection, String recipient, List<Row> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    Map<TransactionKey, Latest> latest = new HashMap<>();
    Map<TransactionKey, Latest> changed = new HashMap<>();
    Map<SellerKey, SellerChange> sellers = new LinkedHashMap<>();
    for (Row row : rows) {
      TransactionKey key = new TransactionKey(row.marketplaceId(), row.transactionId());
      // A first version has nothing before it to look up (the primary key of transaction_index
      // keeps each version once), unless this step applied one.
      Latest previous =
          latest.containsKey(key) || row.version() == 1
              ? latest.get(key)
              : previous(connection, recipient, key);
      if (row.version() > 1 && previous != null && previous.sellerId() != null) {
        SellerChange change = change(sellers, row.marketplaceId(), previous.sellerId());
        change.transactions--;
        change.add(previous.currency(), -1, -previous.value());
        change.touched(row.received());
      }
      if (row.sellerId() != null && row.identity() != null) {
        SellerChange change = change(sellers, row.marketplaceId(), row.sellerId());
        change.transactions++;
        if (!change.seen) {
          change.firstSeen = row.received();
        }
        change.seen = true;
        change.fingerprint = row.fingerprint();
        change.identity = row.identity();
        change.add(row.currency(), 1, row.value());
        change.touched(row.received());
      }
      if (previous == null || row.version() > previous.version()) {
        Latest now =
            new Latest(row.version(), row.seq(), row.sellerId(), row.currency(), row.value());
        latest.put(key, now);
        changed.put(key, now);
      } else {
        latest.put(key, previous);
      }
    }
    writeTracking(connection, recipient, rows);
    writeTransactions(connection, recipient, changed);
    writeSellers(connection, recipient, sellers);
    try (PreparedStatement save = connection.prepareStatement(SAVE_CURSOR)) {
      save.setString(1, recipient);
      save.setLong(2, rows.get(rows.size() - 1).seq());
      save.executeUpdate();
    }
  }

  private static SellerChange change(
      Map<SellerKey, SellerChange> sellers, String marketplaceId, String sellerId) {
    return sellers.computeIfAbsent(new SellerKey(marketplaceId, sellerId), k -> new SellerChange());
  }

  private static Latest previous(Connection connection, String recipient, TransactionKey key)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(PREVIOUS)) {
      select.setString(1, recipient);
      select.setString(2, key.marketplaceId());
      select.setString(3, key.transactionId());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return null;
        }
        return new Latest(
            row.getInt(1), row.getLong(2), row.getString(3), row.getString(4), row.getLong(5));
      }
    }
  }

  private static void writeTracking(Connection connection, String recipient, List<Row> rows)
      throws SQLException {
    List<Row> tracked =
        rows.stream()
            .filter(row -> row.trackingNumber() != null)
            .sorted(Comparator.comparing(Row::trackingNumber).thenComparingLong(Row::seq))
            .toList();
    if (tracked.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_TRACKING)) {
      for (Row row : tracked) {
        insert.setString(1, recipient);
        insert.setString(2, row.trackingNumber());
        insert.setLong(3, row.seq());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static void writeTransactions(
      Connection connection, String recipient, Map<TransactionKey, Latest> changed)
      throws SQLException {
    if (changed.isEmpty()) {
      return;
    }
    List<Map.Entry<TransactionKey, Latest>> sorted =
        changed.entrySet().stream()
            .sorted(
                Comparator.comparing(
                        (Map.Entry<TransactionKey, Latest> e) -> e.getKey().marketplaceId())
                    .thenComparing(e -> e.getKey().transactionId()))
            .toList();
    try (PreparedStatement upsert = connection.prepareStatement(UPSERT_TRANSACTION)) {
      for (Map.Entry<TransactionKey, Latest> entry : sorted) {
        upsert.setString(1, recipient);
        upsert.setString(2, entry.getKey().marketplaceId());
        upsert.setString(3, entry.getKey().transactionId());
        upsert.setInt(4, entry.getValue().version());
        upsert.setLong(5, entry.getValue().seq());
        upsert.addBatch();
      }
      upsert.executeBatch();
    }
  }

  private static void writeSellers(
      Connection connection, String recipient, Map<SellerKey, SellerChange> sellers)
      throws SQLException {
    if (sellers.isEmpty()) {
      return;
    }
    // Positions in the order the step first touched the sellers; a seller that only lost a
    // transaction and has no record (its rows kept no seller identity) takes none.
    long next = DeliveryTables.single(connection, DeliveryTables.NEXT_SELLER_SEQ, recipient);
    try (PreparedStatement exists = connection.prepareStatement(SELLER_EXISTS)) {
      for (Map.Entry<SellerKey, SellerChange> entry : sellers.entrySet()) {
        SellerChange change = entry.getValue();
        if (change.seen || exists(exists, recipient, entry.getKey())) {
          change.seq = next++;
        }
      }
    }
    List<Map.Entry<SellerKey, SellerChange>> sorted =
        sellers.entrySet().stream()
            .sorted(
                Comparator.comparing(
                        (Map.Entry<SellerKey, SellerChange> e) -> e.getKey().marketplaceId())
                    .thenComparing(e -> e.getKey().sellerId()))
            .toList();
    try (PreparedStatement upsert = connection.prepareStatement(UPSERT_SELLER);
        PreparedStatement move = connection.prepareStatement(MOVE_SELLER);
        PreparedStatement values = connection.prepareStatement(UPSERT_VALUE)) {
      boolean upserted = false;
      boolean moved = false;
      boolean valued = false;
      for (Map.Entry<SellerKey, SellerChange> entry : sorted) {
        SellerKey key = entry.getKey();
        SellerChange change = entry.getValue();
        if (change.seen) {
          upsert.setString(1, recipient);
          upsert.setString(2, key.marketplaceId());
          upsert.setString(3, key.sellerId());
          upsert.setLong(4, change.seq);
          upsert.setLong(5, change.firstSeen);
          upsert.setLong(6, change.lastSeen);
          upsert.setLong(7, change.transactions);
          upsert.setString(8, change.fingerprint);
          upsert.setBytes(9, change.identity);
          upsert.addBatch();
          upserted = true;
        } else if (change.seq > 0) {
          move.setLong(1, change.seq);
          move.setLong(2, change.transactions);
          move.setLong(3, change.lastSeen);
          move.setLong(4, change.lastSeen);
          move.setString(5, recipient);
          move.setString(6, key.marketplaceId());
          move.setString(7, key.sellerId());
          move.addBatch();
          moved = true;
        }
        for (Map.Entry<String, long[]> value : change.values.entrySet()) {
          values.setString(1, recipient);
          values.setString(2, key.marketplaceId());
          values.setString(3, key.sellerId());
          values.setString(4, value.getKey());
          values.setLong(5, value.getValue()[0]);
          values.setLong(6, value.getValue()[1]);
          values.addBatch();
          valued = true;
        }
      }
      if (upserted) {
        upsert.executeBatch();
      }
      if (moved) {
        move.executeBatch();
      }
      if (valued) {
        values.executeBatch();
      }
    }
  }

  private static boolean exists(PreparedStatement exists, String recipient, SellerKey key)
      throws SQLException {
    exists.setString(1, recipient);
    exists.setString(2, key.marketplaceId());
    exists.setString(3, key.sellerId());
    try (ResultSet row = exists.executeQuery()) {
      return row.next();
    }
  }

  /**
   * The step in Java of migration V5: the price row's seller columns, added only if missing, so the
   * step can run again like the file's statements.
   */
  static void addSellerColumns(Connection connection, Dialect dialect) throws SQLException {
    addColumn(connection, "price_record", "seller_fingerprint", "VARCHAR(255)");
    addColumn(connection, "price_record", "seller_identity", dialect.translate("BLOB"));
  }

  private static void addColumn(Connection connection, String table, String column, String type)
      throws SQLException {
    DatabaseMetaData metadata = connection.getMetaData();
    for (String name : List.of(column, column.toUpperCase(Locale.ROOT))) {
      try (ResultSet found = metadata.getColumns(null, null, table, name)) {
        if (found.next()) {
          return;
        }
      }
    }
    try (Statement alter = connection.createStatement()) {
      alter.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
    }
  }
}
