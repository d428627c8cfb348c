package org.parcelgate.store;

import static org.parcelgate.store.JdbcGatewayStore.instant;
import static org.parcelgate.store.JdbcGatewayStore.micros;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.parcelgate.risk.Assessment;

/**
 * The SQL of the delivery tables (price records, seller records, push streams and dead letters), on
 * a connection the caller holds: {@link JdbcGatewayStore} runs it inside its transactions.
 *
 * <p>Price feed positions are the next after the largest stored for the recipient, taken inside the
 * committing transaction. The embedded engine takes one writer at a time, so positions become
 * visible in order and a reader paging by position never skips one that commits later. An adapter
 * for an engine with concurrent writers must serialize these commits per recipient (as it must
 * serialize log appends), or a reader could pass a position before it is committed.
 *
 * <p>Seller records and the look-up by tracking number are written after the commit, by the
 * follower ({@link FollowerTables}); their positions are taken in the follower's transaction, under
 * the same single writer.
 */
final class DeliveryTables {
  /**
   * The next position of a feed: after its largest row and after the largest the retention purged
   * ({@code feed_floor}), so a feed whose rows were all purged never reuses a position.
   */
  private static final String NEXT_PRICE_SEQ =
      "SELECT COALESCE(MAX(s), 0) + 1 FROM (SELECT MAX(feed_seq) AS s FROM price_record"
          + " WHERE recipient = ? UNION ALL SELECT purged_seq AS s FROM feed_floor"
          + " WHERE recipient = ? AND stream = 'price') f";

  static final String NEXT_SELLER_SEQ =
      "SELECT COALESCE(MAX(s), 0) + 1 FROM (SELECT MAX(feed_seq) AS s FROM seller_record"
          + " WHERE recipient = ? UNION ALL SELECT purged_seq AS s FROM feed_floor"
          + " WHERE recipient = ? AND stream = 'seller') f";
  private static final String SELLERS_AFTER =
      "SELECT COUNT(*) FROM seller_record WHERE recipient = ? AND feed_seq > ?";
  private static final String INSERT_PRICE =
      "INSERT INTO price_record (recipient, feed_seq, marketplace_id, transaction_id, version,"
          + " batch_id, accepted_position, copy_position, received_at_micros, log_index,"
          + " destination_country, tracking_number, seller_id, currency, goods_value_minor,"
          + " seller_fingerprint, seller_identity)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String PRICE_COLUMNS =
      "SELECT p.feed_seq, p.marketplace_id, p.transaction_id, p.version, p.batch_id,"
          + " p.accepted_position, p.received_at_micros, p.log_index, p.copy_position, a.findings"
          + " FROM price_record p";

  /** Every record, with its findings if it has any. */
  private static final String WITH_FINDINGS =
      " LEFT JOIN risk_assessment a ON a.recipient = p.recipient AND a.feed_seq = p.feed_seq";

  /** Flagged records only: the engine may walk the recipient's findings instead of its feed. */
  private static final String FLAGGED_ONLY =
      " JOIN risk_assessment a ON a.recipient = p.recipient AND a.feed_seq = p.feed_seq";

  private static final String SELLER_COLUMNS =
      "SELECT feed_seq, marketplace_id, seller_id, first_seen_micros, last_seen_micros,"
          + " transaction_count, identity_fingerprint, identity FROM seller_record";
  private static final String SELLER_VALUES =
      "SELECT currency, transaction_count, value_minor FROM seller_value WHERE recipient = ?"
          + " AND marketplace_id = ? AND seller_id = ? AND transaction_count > 0 ORDER BY currency";

  private static final String STATE =
      "SELECT delivered_seq, in_flight_to_seq, attempts, last_error FROM delivery_stream"
          + " WHERE recipient = ? AND stream = ?";
  private static final String UPSERT_STATE =
      "INSERT INTO delivery_stream (recipient, stream, delivered_seq, in_flight_to_seq, attempts,"
          + " last_error) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (recipient, stream) DO UPDATE SET"
          + " delivered_seq = excluded.delivered_seq, in_flight_to_seq = excluded.in_flight_to_seq,"
          + " attempts = excluded.attempts, last_error = excluded.last_error";
  private static final String INSERT_DEAD =
      "INSERT INTO dead_letter (recipient, stream, feed_seq, status, reason, detail,"
          + " failed_at_micros, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (recipient, stream, feed_seq) DO UPDATE SET status = excluded.status,"
          + " reason = excluded.reason, detail = excluded.detail,"
          + " failed_at_micros = excluded.failed_at_micros,"
          + " attempts = dead_letter.attempts + excluded.attempts";
  private static final String DEAD_COLUMNS =
      "SELECT recipient, stream, feed_seq, status, reason, detail, failed_at_micros, attempts"
          + " FROM dead_letter";
  private static final String SET_DEAD_STATUS =
      "UPDATE dead_letter SET status = ? WHERE recipient = ? AND stream = ? AND feed_seq = ?"
          + " AND status = ?";

  private static final String INSERT_SCHEMA =
      "INSERT INTO record_schema (fingerprint, schema_json) VALUES (?, ?)"
          + " ON CONFLICT (fingerprint) DO NOTHING";
  private static final String SELECT_SCHEMA =
      "SELECT schema_json FROM record_schema WHERE fingerprint = ?";

  private DeliveryTables() {}

  static void registerSchema(Connection connection, String fingerprint, String json)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT_SCHEMA)) {
      insert.setString(1, Limits.check(fingerprint, "fingerprint"));
      insert.setString(2, json);
      insert.executeUpdate();
    }
  }

  static Optional<String> schema(Connection connection, String fingerprint) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_SCHEMA)) {
      select.setString(1, fingerprint);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    }
  }

  /**
   * Stores a batch's price records at the next feed positions of their recipients. The look-ups and
   * the seller feed are not written here: {@link FeedFollower} builds them from these rows after
   * the commit ({@link FollowerTables}).
   *
   * @param logIndexes per recipient, the index of the batch's minimization log entry
   */
  static void insert(
      Connection connection,
      String batchId,
      String marketplaceId,
      Instant receivedAt,
      List<PriceRow> rows,
      Map<String, Long> logIndexes)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    Map<String, Long> nextSeq = new HashMap<>();
    long received = micros(receivedAt);
    try (PreparedStatement insert = connection.prepareStatement(INSERT_PRICE)) {
      for (PriceRow row : rows) {
        Long logIndex = logIndexes.get(row.recipient());
        if (logIndex == null) {
          throw new IllegalArgumentException("a price record needs its recipient's log entry");
        }
        Long seq = nextSeq.get(row.recipient());
        if (seq == null) {
          seq = single(connection, NEXT_PRICE_SEQ, row.recipient());
        }
        nextSeq.put(row.recipient(), seq + 1);
        insert.setString(1, row.recipient());
        insert.setLong(2, seq);
        insert.setString(3, marketplaceId);
        insert.setString(4, row.transactionId());
        insert.setInt(5, row.version());
        insert.setString(6, batchId);
        insert.setInt(7, row.acceptedPosition());
        insert.setInt(8, row.copyPosition());
        insert.setLong(9, received);
        insert.setLong(10, logIndex);
        Sql.setNullable(insert, 11, row.destinationCountry());
        Sql.setNullable(insert, 12, row.trackingNumber());
        Sql.setNullable(insert, 13, row.sellerId());
        Sql.setNullable(insert, 14, row.currency());
        if (row.goodsValueMinor() == null) {
          insert.setNull(15, Types.BIGINT);
        } else {
          insert.setLong(15, row.goodsValueMinor());
        }
        Sql.setNullable(insert, 16, row.sellerFingerprint());
        if (row.sellerIdentity() == null) {
          insert.setNull(17, Types.VARBINARY);
        } else {
          insert.setBytes(17, row.sellerIdentity());
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** A query's one number, with {@code recipient} bound to each of its parameters. */
  static long single(Connection connection, String sql, String recipient) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 1, n = parameters(sql); i <= n; i++) {
        select.setString(i, recipient);
      }
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private static int parameters(String sql) {
    int count = 0;
    for (int i = 0; i < sql.length(); i++) {
      if (sql.charAt(i) == '?') {
        count++;
      }
    }
    return count;
  }

  /**
   * A page of a recipient's price feed. A record at or before the recipient's risk cursor carries
   * its assessment ({@link Assessment#NONE} when it has no findings); one after it, none (null).
   * Call it inside a read transaction, so the cursor and the page are of one snapshot.
   */
  static List<StoredPrice> prices(Connection connection, FeedQuery query) throws SQLException {
    long assessed = single(connection, RiskTables.CURSOR, query.recipient());
    List<Object> parameters = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(priceSql(query, parameters))) {
      Sql.bind(select, parameters);
      List<StoredPrice> found = new ArrayList<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          long seq = row.getLong(1);
          byte[] findings = row.getBytes(10);
          Assessment assessment =
              findings != null
                  ? AssessmentCodec.decode(findings)
                  : seq <= assessed ? Assessment.NONE : null;
          found.add(
              new StoredPrice(
                  seq,
                  row.getString(2),
                  row.getString(3),
                  row.getInt(4),
                  row.getString(5),
                  row.getInt(6),
                  instant(row.getLong(7)),
                  row.getLong(8),
                  row.getInt(9),
                  assessment));
        }
      }
      return found;
    }
  }

  /** The statement of a price feed page, its parameters added to {@code parameters}. */
  static String priceSql(FeedQuery query, List<Object> parameters) {
    boolean flagged = query.flaggedOnly() || query.flag() != null;
    String keys = flagged ? "a." : "p.";
    String where = where(query, parameters, "p.received_at_micros", true, keys);
    if (query.flag() != null) {
      where += " AND a.flags LIKE ? ESCAPE '!'";
      parameters.add(AssessmentCodec.pattern(query.flag()));
    }
    return PRICE_COLUMNS
        + (flagged ? FLAGGED_ONLY : WITH_FINDINGS)
        + where
        + " ORDER BY "
        + keys
        + "feed_seq LIMIT "
        + query.limit();
  }

  /** A page of a recipient's seller feed. */
  static List<StoredSeller> sellers(Connection connection, FeedQuery query) throws SQLException {
    List<Object> parameters = new ArrayList<>();
    String where = where(query, parameters, "last_seen_micros", false);
    List<StoredSeller> found = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            SELLER_COLUMNS + where + " ORDER BY feed_seq LIMIT " + query.limit())) {
      Sql.bind(select, parameters);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          found.add(
              new StoredSeller(
                  row.getLong(1),
                  row.getString(2),
                  row.getString(3),
                  instant(row.getLong(4)),
                  instant(row.getLong(5)),
                  row.getLong(6),
                  List.of(),
                  row.getString(7),
                  row.getBytes(8)));
        }
      }
    }
    List<StoredSeller> withValues = new ArrayList<>(found.size());
    try (PreparedStatement values = connection.prepareStatement(SELLER_VALUES);
        PreparedStatement risk = connection.prepareStatement(RiskTables.oneStateSql())) {
      for (StoredSeller seller : found) {
        values.setString(1, query.recipient());
        values.setString(2, seller.marketplaceId());
        values.setString(3, seller.sellerId());
        List<StoredSeller.CurrencyTotal> totals = new ArrayList<>();
        try (ResultSet row = values.executeQuery()) {
          while (row.next()) {
            totals.add(
                new StoredSeller.CurrencyTotal(row.getString(1), row.getLong(2), row.getLong(3)));
          }
        }
        withValues.add(
            new StoredSeller(
                seller.seq(),
                seller.marketplaceId(),
                seller.sellerId(),
                seller.firstSeen(),
                seller.lastSeen(),
                seller.transactions(),
                totals,
                seller.identityFingerprint(),
                seller.identity(),
                RiskTables.sellerSummary(
                    risk, query.recipient(), seller.marketplaceId(), seller.sellerId())));
      }
    }
    return withValues;
  }

  private static String where(
      FeedQuery query, List<Object> parameters, String timeColumn, boolean priceFeed) {
    return where(query, parameters, timeColumn, priceFeed, priceFeed ? "p." : "");
  }

  /**
   * @param keys the qualifier of the recipient and position columns the range is on: the price
   *     feed's ({@code p.}), or its findings' ({@code a.}) for flagged records only, so the engine
   *     walks the findings' primary key and skips the records without findings
   */
  private static String where(
      FeedQuery query, List<Object> parameters, String timeColumn, boolean priceFeed, String keys) {
    // The price feed's columns are qualified: its query joins the risk findings.
    String p = priceFeed ? "p." : "";
    // A look-up by tracking number goes through the follower's table to the rows' keys; the unary
    // plus keeps the engine from scanning the feed's range instead (SQLite would choose the range).
    String seq = priceFeed && query.trackingNumber() != null ? "+p.feed_seq" : keys + "feed_seq";
    StringBuilder where = new StringBuilder(" WHERE " + keys + "recipient = ? AND " + seq + " > ?");
    parameters.add(query.recipient());
    parameters.add(query.afterSeq());
    if (query.upToSeq() != null) {
      where.append(" AND ").append(seq).append(" <= ?");
      parameters.add(query.upToSeq());
    }
    if (query.marketplaceId() != null) {
      where.append(" AND ").append(p).append("marketplace_id = ?");
      parameters.add(query.marketplaceId());
    }
    if (query.sellerId() != null) {
      where.append(" AND ").append(p).append("seller_id = ?");
      parameters.add(query.sellerId());
    }
    if (query.from() != null) {
      where.append(" AND ").append(timeColumn).append(" >= ?");
      parameters.add(micros(query.from()));
    }
    if (query.to() != null) {
      where.append(" AND ").append(timeColumn).append(" < ?");
      parameters.add(micros(query.to()));
    }
    if (priceFeed && query.destinationCountry() != null) {
      where.append(" AND p.destination_country = ?");
      parameters.add(query.destinationCountry());
    }
    if (priceFeed && query.trackingNumber() != null) {
      // The follower's look-up: it lags the commits by the follower's lag (FeedFollower).
      where.append(
          " AND p.feed_seq IN (SELECT t.feed_seq FROM price_tracking t WHERE t.recipient = ?"
              + " AND t.tracking_number = ?)");
      parameters.add(query.recipient());
      parameters.add(query.trackingNumber());
    }
    if (!priceFeed
        && (query.destinationCountry() != null
            || query.trackingNumber() != null
            || query.flaggedOnly()
            || query.flag() != null)) {
      throw new IllegalArgumentException(
          "the seller feed has no destination, tracking number or risk flag");
    }
    return where.toString();
  }

  /** The last position of a recipient's feed, 0 when it is empty. */
  static long lastSeq(Connection connection, String recipient, FeedKind kind) throws SQLException {
    return single(connection, kind == FeedKind.PRICE ? NEXT_PRICE_SEQ : NEXT_SELLER_SEQ, recipient)
        - 1;
  }

  /**
   * Records after a position: for prices the positions, one record each (the last position less the
   * given one); for sellers a count of the seller rows after it, along the (recipient, feed_seq)
   * index.
   */
  static long recordsAfter(Connection connection, String recipient, FeedKind kind, long afterSeq)
      throws SQLException {
    if (kind == FeedKind.PRICE) {
      return Math.max(0, lastSeq(connection, recipient, kind) - afterSeq);
    }
    try (PreparedStatement select = connection.prepareStatement(SELLERS_AFTER)) {
      select.setString(1, recipient);
      select.setLong(2, afterSeq);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  static DeliveryState state(Connection connection, String recipient, FeedKind kind)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(STATE)) {
      select.setString(1, recipient);
      select.setString(2, kind.wireName());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return DeliveryState.initial(recipient, kind);
        }
        long inFlight = row.getLong(2);
        Long inFlightTo = row.wasNull() ? null : inFlight;
        return new DeliveryState(
            recipient, kind, row.getLong(1), inFlightTo, row.getInt(3), row.getString(4));
      }
    }
  }

  static void saveState(Connection connection, DeliveryState state) throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement(UPSERT_STATE)) {
      upsert.setString(1, state.recipient());
      upsert.setString(2, state.kind().wireName());
      upsert.setLong(3, state.deliveredSeq());
      if (state.inFlightToSeq() == null) {
        upsert.setNull(4, Types.BIGINT);
      } else {
        upsert.setLong(4, state.inFlightToSeq());
      }
      upsert.setInt(5, state.attempts());
      Sql.setNullable(upsert, 6, Limits.check(state.lastError(), "lastError"));
      upsert.executeUpdate();
    }
  }

  static void insertDead(Connection connection, List<DeadLetter> letters) throws SQLException {
    if (letters.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_DEAD)) {
      for (DeadLetter letter : letters) {
        insert.setString(1, letter.recipient());
        insert.setString(2, letter.kind().wireName());
        insert.setLong(3, letter.seq());
        insert.setString(4, letter.status().wireName());
        insert.setString(5, Limits.check(letter.reason(), "reason"));
        Sql.setNullable(insert, 6, Limits.check(letter.detail(), "detail"));
        insert.setLong(7, micros(letter.failedAt()));
        insert.setInt(8, letter.attempts());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  static List<DeadLetter> dead(
      Connection connection,
      String recipient,
      FeedKind kind,
      DeadLetter.Status status,
      long afterSeq,
      int limit)
      throws SQLException {
    StringBuilder sql = new StringBuilder(DEAD_COLUMNS).append(" WHERE recipient = ?");
    List<Object> parameters = new ArrayList<>(List.of(recipient));
    if (kind != null) {
      sql.append(" AND stream = ?");
      parameters.add(kind.wireName());
    }
    if (status != null) {
      sql.append(" AND status = ?");
      parameters.add(status.wireName());
    }
    sql.append(" AND feed_seq > ? ORDER BY stream, feed_seq LIMIT ").append(limit);
    parameters.add(afterSeq);
    try (PreparedStatement select = connection.prepareStatement(sql.toString())) {
      Sql.bind(select, parameters);
      List<DeadLetter> found = new ArrayList<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          found.add(
              new DeadLetter(
                  row.getString(1),
                  FeedKind.fromWireName(row.getString(2)),
                  row.getLong(3),
                  DeadLetter.Status.fromWireName(row.getString(4)),
                  row.getString(5),
                  row.getString(6),
                  instant(row.getLong(7)),
                  row.getInt(8)));
        }
      }
      return found;
    }
  }

  /** Moves dead letters from one status to another; returns how many moved. */
  static int setStatus(
      Connection connection,
      String recipient,
      FeedKind kind,
      List<Long> seqs,
      DeadLetter.Status from,
      DeadLetter.Status to)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(SET_DEAD_STATUS)) {
      for (long seq : seqs) {
        update.setString(1, to.wireName());
        update.setString(2, recipient);
        update.setString(3, kind.wireName());
        update.setLong(4, seq);
        update.setString(5, from.wireName());
        update.addBatch();
      }
      int moved = 0;
      for (int count : update.executeBatch()) {
        moved += Math.max(count, 0);
      }
      return moved;
    }
  }

  static int setAllStatus(
      Connection connection,
      String recipient,
      FeedKind kind,
      DeadLetter.Status from,
      DeadLetter.Status to)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE dead_letter SET status = ? WHERE recipient = ? AND stream = ? AND status = ?")) {
      update.setString(1, to.wireName());
      update.setString(2, recipient);
      update.setString(3, kind.wireName());
      update.setString(4, from.wireName());
      return update.executeUpdate();
    }
  }

  /** Dead letters per recipient, stream and status. */
  static Map<String, Long> deadCounts(Connection connection) throws SQLException {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT recipient, stream, status, COUNT(*) FROM dead_letter"
                    + " GROUP BY recipient, stream, status ORDER BY recipient, stream, status");
        ResultSet row = select.executeQuery()) {
      while (row.next()) {
        counts.put(
            row.getString(1) + "/" + row.getString(2) + "/" + row.getString(3), row.getLong(4));
      }
    }
    return counts;
  }
}
