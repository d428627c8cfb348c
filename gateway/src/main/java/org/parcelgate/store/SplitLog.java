package org.parcelgate.store;

import static org.parcelgate.store.JdbcGatewayStore.instant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 * The split-consignment detector's groups (migrations V14 and V15): an append-only log per
 * recipient, in pages of up to {@value SplitPage#GROUPS} groups ({@link SplitPage}), read through
 * an index in memory ({@link SplitGroupIndex}), instead of rows updated in place under their keys.
 *
 * <p>Why: almost every record starts or changes a group, and groups live for the detector's window
 * and a week more, so the groups far outnumber every other kind of state. Under random keys in a
 * B-tree each changed group cost a page read and a page written once the index outgrew the cache,
 * so the cost of a record grew with the table. In the log a checkpoint appends its changed groups
 * at the next positions ({@code seq}), a page of them per row, so its pages are written once, full;
 * a look-up of a group the index does not hold (most: a buyer's first order from a seller) reads
 * nothing; one it holds reads one row, the page of its position. A group changed again is appended
 * again; its earlier values stay until they expire, and the purge deletes a page once all of its
 * values have expired, by an expiry that grows with the position too. A checkpoint's groups are
 * sorted by expiry ({@link RiskRows}), so the values of a page expire within seconds of each other.
 *
 * <p>The positions of a recipient never go back: {@code risk_position.split_seq} keeps the highest
 * ever taken, so a purge that deleted the latest rows does not hand their positions out again. They
 * are taken in the transaction that moved the recipient's cursor by compare-and-set, so two
 * instances never take the same ones. An append starts at the next page, so a page is written once
 * and never shared between appends. An index takes in what this instance appended once its commit
 * returns ({@link #appended}); before each look-up it reads whatever the log holds after the last
 * position it has (another instance's appends, or its own that it did not take in), so it is never
 * behind the log. Built on the first look-up of a recipient, by reading the log's keys.
 *
 * <p>Thread-safe: each recipient's index is used under its own lock.
 */
final class SplitLog {
  private static final String KIND = SplitConsignmentDetector.STATE_KIND;

  /** Pages read per query when an index catches up with the log. */
  static final int CATCH_UP_PAGES = 1_000;

  private static final String AFTER =
      "SELECT seq, page FROM risk_split_page WHERE recipient = ? AND seq > ? ORDER BY seq LIMIT ?";
  private static final String HIGHEST_TAKEN =
      "SELECT split_seq FROM risk_position WHERE recipient = ?";
  // The last page by the primary key: MAX(seq + group_count - 1) read every page of the recipient,
  // at every checkpoint, on the writer.
  private static final String HIGHEST_STORED =
      "SELECT COALESCE((SELECT seq + group_count - 1 FROM risk_split_page WHERE recipient = ?"
          + " ORDER BY seq DESC LIMIT 1), 0)";
  private static final String TAKE = "UPDATE risk_position SET split_seq = ? WHERE recipient = ?";
  private static final String APPEND =
      "INSERT INTO risk_split_page (recipient, seq, group_count, page, expires_at_micros)"
          + " VALUES (?, ?, ?, ?, ?)";
  private static final String EXPIRED =
      "SELECT COALESCE(SUM(group_count), 0) FROM risk_split_page WHERE recipient = ?"
          + " AND expires_at_micros <= ?";
  private static final String PURGE =
      "DELETE FROM risk_split_page WHERE recipient = ? AND expires_at_micros <= ?";
  private static final String NEXT_RECIPIENT =
      "SELECT MIN(recipient) FROM risk_split_page WHERE recipient > ?";

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
    // The keys asked for, by the page holding their latest value, at their offsets in it.
    Map<Long, Map<Integer, StateKey>> byPage = new HashMap<>();
    SplitGroupIndex index = indexes.computeIfAbsent(recipient, r -> new SplitGroupIndex());
    synchronized (index) {
      catchUp(connection, recipient, index);
      for (StateKey key : keys) {
        long seq = index.seq(hash(key.key()));
        if (seq > 0) {
          long page = SplitPage.of(seq);
          byPage.computeIfAbsent(page, p -> new HashMap<>()).put((int) (seq - page), key);
        }
      }
    }
    Map<StateKey, MemoryRiskState.Value> found = new HashMap<>();
    List<Long> pages = new ArrayList<>(byPage.keySet());
    for (int from = 0; from < pages.size(); from += RiskTables.IN_LIST_SIZE) {
      List<Long> chunk =
          pages.subList(from, Math.min(pages.size(), from + RiskTables.IN_LIST_SIZE));
      String sql =
          "SELECT seq, page FROM risk_split_page WHERE recipient = ? AND seq IN ("
              + "?, ".repeat(chunk.size() - 1)
              + "?)";
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        select.setString(1, recipient);
        for (int i = 0; i < chunk.size(); i++) {
          select.setLong(i + 2, chunk.get(i));
        }
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            byte[] page = row.getBytes(2);
            for (Map.Entry<Integer, StateKey> asked : byPage.get(row.getLong(1)).entrySet()) {
              SplitPage.Group group = SplitPage.at(page, asked.getKey());
              StateKey key = asked.getValue();
              // Another group under the same hash, or expired: absent.
              if (group == null
                  || !key.key().equals(group.key())
                  || (group.expiresMicros() != null && group.expiresMicros() <= atMicros)) {
                continue;
              }
              Long expires = group.expiresMicros();
              found.put(
                  key,
                  new MemoryRiskState.Value(
                      group.value(), expires == null ? null : instant(expires)));
            }
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
        select.setInt(3, CATCH_UP_PAGES);
        int rows = 0;
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            rows++;
            long first = row.getLong(1);
            SplitPage.keys(
                row.getBytes(2),
                (offset, key, expires) ->
                    index.put(hash(key), first + offset, SplitGroupIndex.minute(expires)));
          }
        }
        if (rows < CATCH_UP_PAGES) {
          return;
        }
      }
    }
  }

  /**
   * Appends a checkpoint's changed groups at the recipient's next positions, from the start of the
   * next page on; called in the transaction that moved the recipient's cursor, after it did. {@link
   * #appended} takes them into the index once that transaction commits.
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
    long first = SplitPage.after(highest);
    try (PreparedStatement insert = connection.prepareStatement(APPEND)) {
      writePages(insert, recipient, first, values);
    }
    take(connection, recipient, first + values.size() - 1);
    return new Appended(recipient, first, groups.hashes(), groups.expiryMinutes());
  }

  /** Adds to a batch of {@link #APPEND} the pages of {@code values} from position {@code first}. */
  private static void writePages(
      PreparedStatement insert, String recipient, long first, List<RiskRows.Value> values)
      throws SQLException {
    for (int from = 0; from < values.size(); from += SplitPage.GROUPS) {
      int to = Math.min(values.size(), from + SplitPage.GROUPS);
      insert.setString(1, recipient);
      insert.setLong(2, first + from);
      insert.setInt(3, to - from);
      insert.setBytes(4, SplitPage.encode(values, from, to));
      Sql.setNullable(insert, 5, latestExpiry(values, from, to));
      insert.addBatch();
    }
    insert.executeBatch();
  }

  /** When the last of these groups expires, or null if one is kept: when their page may go. */
  private static Long latestExpiry(List<RiskRows.Value> values, int from, int to) {
    long latest = Long.MIN_VALUE;
    for (int i = from; i < to; i++) {
      Long expires = values.get(i).expiresMicros();
      if (expires == null) {
        return null;
      }
      latest = Math.max(latest, expires);
    }
    return latest;
  }

  private static void take(Connection connection, String recipient, long seq) throws SQLException {
    try (PreparedStatement take = connection.prepareStatement(TAKE)) {
      take.setLong(1, seq);
      take.setString(2, recipient);
      if (take.executeUpdate() != 1) {
        throw new IllegalStateException("a split log append without the recipient's position");
      }
    }
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

  /**
   * Deletes a recipient's pages whose every value expired at or before {@code beforeMicros};
   * returns how many values they held.
   */
  static int purge(Connection connection, String recipient, long beforeMicros) throws SQLException {
    long values;
    try (PreparedStatement expired = connection.prepareStatement(EXPIRED)) {
      expired.setString(1, recipient);
      expired.setLong(2, beforeMicros);
      try (ResultSet row = expired.executeQuery()) {
        row.next();
        values = row.getLong(1);
      }
    }
    if (values == 0) {
      return 0;
    }
    try (PreparedStatement purge = connection.prepareStatement(PURGE)) {
      purge.setString(1, recipient);
      purge.setLong(2, beforeMicros);
      purge.executeUpdate();
    }
    return Math.toIntExact(values);
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
        recipient = next(next, recipient);
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
   * The recipient after {@code after} that {@code next} (a {@code MIN(recipient)}) finds, or null.
   */
  private static String next(PreparedStatement next, String after) throws SQLException {
    next.setString(1, after);
    try (ResultSet row = next.executeQuery()) {
      return row.next() ? row.getString(1) : null;
    }
  }

  private static final String V14_RECIPIENT_AFTER =
      "SELECT MIN(recipient) FROM risk_split_log WHERE recipient > ?";
  private static final String V14_AFTER =
      "SELECT seq, state_key, state, expires_at_micros FROM risk_split_log WHERE recipient = ?"
          + " AND seq > ? ORDER BY seq LIMIT ?";

  /** Groups of the V14 log read per query by {@link #pack}: whole pages of them. */
  static final int PACK_CHUNK = SplitPage.GROUPS * 256;

  /**
   * Migration V15: packs the groups of the V14 log ({@code risk_split_log}, a row per group) into
   * pages, each recipient's in their order from the first position on, and drops the V14 log. A
   * group's earlier values stay behind its latest, as in the log, until the purge.
   */
  static void pack(Connection connection) throws SQLException {
    try (PreparedStatement next = connection.prepareStatement(V14_RECIPIENT_AFTER);
        PreparedStatement select = connection.prepareStatement(V14_AFTER);
        PreparedStatement insert = connection.prepareStatement(APPEND);
        PreparedStatement take = connection.prepareStatement(TAKE)) {
      String recipient = "";
      while (true) {
        recipient = next(next, recipient);
        if (recipient == null) {
          break;
        }
        long position = 1;
        long after = 0;
        while (true) {
          List<RiskRows.Value> chunk = new ArrayList<>(PACK_CHUNK);
          select.setString(1, recipient);
          select.setLong(2, after);
          select.setInt(3, PACK_CHUNK);
          try (ResultSet row = select.executeQuery()) {
            while (row.next()) {
              after = row.getLong(1);
              long expires = row.getLong(4);
              Long expiresMicros = row.wasNull() ? null : expires;
              chunk.add(
                  new RiskRows.Value(
                      new StateKey(KIND, row.getString(2)), row.getBytes(3), expiresMicros));
            }
          }
          if (!chunk.isEmpty()) {
            writePages(insert, recipient, position, chunk);
            position += chunk.size();
          }
          if (chunk.size() < PACK_CHUNK) {
            break;
          }
        }
        take.setLong(1, position - 1);
        take.setString(2, recipient);
        take.executeUpdate();
      }
    }
    try (Statement drop = connection.createStatement()) {
      drop.execute("DROP TABLE risk_split_log");
    }
  }

  /**
   * Forgets in a recipient's index, after a committed purge, the groups whose latest value expired
   * at or before {@code beforeMicros}: the purge deleted it, or will with the last of its page (an
   * entry's expiry is rounded up to the minute, so one within the last minute before it stays until
   * the next purge).
   */
  void purged(String recipient, long beforeMicros) {
    // Made now if need be: a page the purge kept can hold expired groups, which the index must not
    // take in when it reads the page later.
    SplitGroupIndex index = indexes.computeIfAbsent(recipient, r -> new SplitGroupIndex());
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
