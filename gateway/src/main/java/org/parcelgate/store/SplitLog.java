package org.parcelgate.store;

import static org.parcelgate.store.JdbcGatewayStore.instant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.parcelgate.risk.MemoryRiskState;
import org.parcelgate.risk.SplitConsignmentDetector;
import org.parcelgate.risk.StateKey;

/**
 * The split-consignment detector's groups (migration V14): an append-only log per recipient, read
 * through an index in memory ({@link SplitGroupIndex}), instead of rows updated in place under
 * their keys.
 *
 * <p>Why: almost every record starts or changes a group, and groups live for the detector's window
 * and a week more, so the groups far outnumber every other kind of state. Under random keys in a
 * B-tree each changed group cost a page read and a page written once the index outgrew the cache,
 * so the cost of a record grew with the table. In the log a checkpoint appends its changed groups
 * at the next positions ({@code seq}), so its pages are written once, full; a look-up of a group
 * the index does not hold (most: a buyer's first order from a seller) reads nothing; one it holds
 * reads one row by position. A group changed again is appended again; its earlier values stay until
 * they expire, and the purge deletes them by expiry, which grows with the position too.
 *
 * <p>The positions of a recipient never go back: {@code risk_position.split_seq} keeps the highest
 * ever taken, so a purge that deleted the latest rows does not hand their positions out again. They
 * are taken in the transaction that moved the recipient's cursor by compare-and-set, so two
 * instances never take the same ones. An index takes in what this instance appended once its commit
 * returns ({@link #appended}); before each look-up it reads whatever the log holds after the last
 * position it has (another instance's appends, or its own that it did not take in), so it is never
 * behind the log. Built on the first look-up of a recipient, by reading the log's keys.
 *
 * <p>Thread-safe: each recipient's index is used under its own lock.
 */
final class SplitLog {
  private static final String KIND = SplitConsignmentDetector.STATE_KIND;

  /** Rows read per query when an index catches up with the log. */
  static final int CATCH_UP_PAGE = 10_000;

  private static final String AFTER =
      "SELECT seq, state_key, expires_at_micros FROM risk_split_log WHERE recipient = ?"
          + " AND seq > ? ORDER BY seq LIMIT ?";
  private static final String HIGHEST_TAKEN =
      "SELECT split_seq FROM risk_position WHERE recipient = ?";
  private static final String HIGHEST_STORED =
      "SELECT COALESCE(MAX(seq), 0) FROM risk_split_log WHERE recipient = ?";
  private static final String TAKE = "UPDATE risk_position SET split_seq = ? WHERE recipient = ?";
  private static final String APPEND =
      "INSERT INTO risk_split_log (recipient, seq, state_key, state, expires_at_micros)"
          + " VALUES (?, ?, ?, ?, ?)";
  private static final String PURGE =
      "DELETE FROM risk_split_log WHERE recipient = ? AND expires_at_micros <= ?";
  private static final String NEXT_RECIPIENT =
      "SELECT MIN(recipient) FROM risk_split_log WHERE recipient > ?";

  private final Map<String, SplitGroupIndex> indexes = new ConcurrentHashMap<>();

  /** Whether values of this key live in the log rather than in {@code risk_value}. */
  static boolean holds(StateKey key) {
    return KIND.equals(key.kind());
  }

  /**
   * What a checkpoint appended for a recipient: the positions from {@code firstSeq} on, with each
   * value's key hash and expiry minute in order.
   */
  record Appended(String recipient, long firstSeq, long[] hashes, int[] expiryMinutes) {
    static Appended none(String recipient) {
      return new Appended(recipient, 0, new long[0], new int[0]);
    }
  }

  /**
   * The stored values of these split-group keys that have not expired at {@code atMicros}: the
   * index says where each key's latest value is, and only those rows are read.
   */
  Map<StateKey, MemoryRiskState.Value> find(
      Connection connection, String recipient, Collection<StateKey> keys, long atMicros)
      throws SQLException {
    Map<Long, StateKey> bySeq = new HashMap<>();
    SplitGroupIndex index = indexes.computeIfAbsent(recipient, r -> new SplitGroupIndex());
    synchronized (index) {
      catchUp(connection, recipient, index);
      for (StateKey key : keys) {
        long seq = index.seq(hash(key.key()));
        if (seq > 0) {
          bySeq.put(seq, key);
        }
      }
    }
    Map<StateKey, MemoryRiskState.Value> found = new HashMap<>();
    List<Long> seqs = new ArrayList<>(bySeq.keySet());
    for (int from = 0; from < seqs.size(); from += RiskTables.IN_LIST_SIZE) {
      List<Long> chunk = seqs.subList(from, Math.min(seqs.size(), from + RiskTables.IN_LIST_SIZE));
      String sql =
          "SELECT seq, state_key, state, expires_at_micros FROM risk_split_log"
              + " WHERE recipient = ? AND seq IN ("
              + "?, ".repeat(chunk.size() - 1)
              + "?)";
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        select.setString(1, recipient);
        for (int i = 0; i < chunk.size(); i++) {
          select.setLong(i + 2, chunk.get(i));
        }
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            StateKey key = bySeq.get(row.getLong(1));
            long expires = row.getLong(4);
            boolean kept = row.wasNull();
            // Another group under the same hash, or expired: absent.
            if (!key.key().equals(row.getString(2)) || (!kept && expires <= atMicros)) {
              continue;
            }
            found.put(
                key, new MemoryRiskState.Value(row.getBytes(3), kept ? null : instant(expires)));
          }
        }
      }
    }
    return found;
  }

  /** Reads into the index what the log holds after the index's last position. */
  private static void catchUp(Connection connection, String recipient, SplitGroupIndex index)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(AFTER)) {
      while (true) {
        select.setString(1, recipient);
        select.setLong(2, index.lastSeq());
        select.setInt(3, CATCH_UP_PAGE);
        int rows = 0;
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            rows++;
            long expires = row.getLong(3);
            index.put(
                hash(row.getString(2)),
                row.getLong(1),
                SplitGroupIndex.minute(row.wasNull() ? null : expires));
          }
        }
        if (rows < CATCH_UP_PAGE) {
          return;
        }
      }
    }
  }

  /**
   * Appends a checkpoint's changed groups at the recipient's next positions; called in the
   * transaction that moved the recipient's cursor, after it did. {@link #appended} takes them into
   * the index once that transaction commits.
   */
  static Appended append(Connection connection, String recipient, RiskRows.Groups groups)
      throws SQLException {
    List<RiskRows.Value> values = groups.values();
    if (values.isEmpty()) {
      return Appended.none(recipient);
    }
    long highest =
        Math.max(
            DeliveryTables.single(connection, HIGHEST_TAKEN, recipient),
            DeliveryTables.single(connection, HIGHEST_STORED, recipient));
    long first = highest + 1;
    try (PreparedStatement insert = connection.prepareStatement(APPEND)) {
      for (int i = 0; i < values.size(); i++) {
        RiskRows.Value group = values.get(i);
        insert.setString(1, recipient);
        insert.setLong(2, first + i);
        insert.setString(3, group.key().key());
        insert.setBytes(4, group.value());
        Sql.setNullable(insert, 5, group.expiresMicros());
        insert.addBatch();
      }
      insert.executeBatch();
    }
    try (PreparedStatement take = connection.prepareStatement(TAKE)) {
      take.setLong(1, first + values.size() - 1);
      take.setString(2, recipient);
      if (take.executeUpdate() != 1) {
        throw new IllegalStateException("a split log append without the recipient's position");
      }
    }
    return new Appended(recipient, first, groups.hashes(), groups.expiryMinutes());
  }

  /**
   * Takes a committed append into the recipient's index, if the index stands right before it;
   * otherwise the next look-up reads it from the log.
   */
  void appended(Appended appended) {
    if (appended.hashes().length == 0) {
      return;
    }
    SplitGroupIndex index = indexes.get(appended.recipient());
    if (index == null) {
      return;
    }
    synchronized (index) {
      if (index.lastSeq() != appended.firstSeq() - 1) {
        return;
      }
      for (int i = 0; i < appended.hashes().length; i++) {
        index.put(appended.hashes()[i], appended.firstSeq() + i, appended.expiryMinutes()[i]);
      }
    }
  }

  /** Deletes a recipient's values that expired at or before {@code beforeMicros}. */
  static int purge(Connection connection, String recipient, long beforeMicros) throws SQLException {
    try (PreparedStatement purge = connection.prepareStatement(PURGE)) {
      purge.setString(1, recipient);
      purge.setLong(2, beforeMicros);
      return purge.executeUpdate();
    }
  }

  /**
   * Deletes the expired values of recipients without a risk position.
   *
   * <p>The log's recipients are found one index probe each ({@code MIN(recipient)} after the last
   * one) and each one's expired values through the expiry index. One statement with {@code NOT IN
   * (SELECT recipient FROM risk_position)} read every row of the log instead, on the writer that
   * ingest shares: 8 s for a log of 4.3 million groups (12 GB store) read from disk, at every
   * purge, whether or not any recipient lacked a position.
   *
   * @param positioned the recipients with a risk position
   */
  static int purgeUnassessed(Connection connection, long nowMicros, Set<String> positioned)
      throws SQLException {
    int purged = 0;
    try (PreparedStatement next = connection.prepareStatement(NEXT_RECIPIENT)) {
      String recipient = "";
      while (true) {
        next.setString(1, recipient);
        try (ResultSet row = next.executeQuery()) {
          recipient = row.next() ? row.getString(1) : null;
        }
        if (recipient == null) {
          return purged;
        }
        if (!positioned.contains(recipient)) {
          purged += purge(connection, recipient, nowMicros);
        }
      }
    }
  }

  /**
   * Forgets in a recipient's index the groups whose latest value a committed purge deleted (expired
   * at or before {@code beforeMicros}; an entry's expiry is rounded up to the minute, so one within
   * the last minute before it stays until the next purge).
   */
  void purged(String recipient, long beforeMicros) {
    SplitGroupIndex index = indexes.get(recipient);
    if (index == null) {
      return;
    }
    synchronized (index) {
      index.prune((int) Math.min(Integer.MAX_VALUE - 1L, Math.floorDiv(beforeMicros, 60_000_000L)));
    }
  }

  /** Groups the indexes hold, over every recipient looked up since the store opened. */
  long indexed() {
    long groups = 0;
    for (SplitGroupIndex index : indexes.values()) {
      synchronized (index) {
        groups += index.size();
      }
    }
    return groups;
  }

  /**
   * A 64-bit hash of a group's key: FNV-1a over its characters, then MurmurHash3's finalizer so
   * that every bit depends on every character. The stored keys are digests already; the hash only
   * has to spread them, and the rows carry the keys themselves.
   */
  static long hash(String key) {
    long h = 0xcbf2_9ce4_8422_2325L;
    for (int i = 0; i < key.length(); i++) {
      h ^= key.charAt(i);
      h *= 0x0000_0100_0000_01b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51_afd7_ed55_8ccdL;
    h ^= h >>> 33;
    h *= 0xc4ce_b9fe_1a85_ec53L;
    h ^= h >>> 33;
    return h;
  }
}
