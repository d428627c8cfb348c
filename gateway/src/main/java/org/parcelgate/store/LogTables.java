package org.parcelgate.store;

import static org.parcelgate.store.JdbcGatewayStore.instant;
import static org.parcelgate.store.JdbcGatewayStore.micros;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the minimized records and the minimization log, on a connection the caller holds:
 * {@link JdbcGatewayStore} runs it inside its transactions.
 *
 * <p>A log entry's index is the next one after the largest stored, taken inside the appending
 * transaction. The embedded engine takes one writer at a time, so no two transactions take the same
 * index; on an engine with concurrent writers the primary key would refuse the second ({@link
 * StoreConflictException}), and the adapter for such an engine must serialize appends.
 *
 * <p>The log's Merkle tree is kept as it grows: {@code log_node} holds every perfect subtree above
 * the leaves (the leaves are the entries' {@code leaf_hash}), written by the append that completes
 * it, in the same transaction as its entries ({@link LogTree}). Every append reads what it needs
 * (the next index, the current tree's peaks) inside its transaction, so several appends in one
 * transaction, one after another, each see the ones before. The log's size is the largest index
 * plus one, read from the primary key; tree heads and proofs read O(log n) nodes at any size.
 */
final class LogTables {
  private static final String INSERT_MINIMIZED =
      "INSERT INTO minimized_records (batch_id, recipient, policy_id, policy_version,"
          + " policy_sha256, key_version, schema_fingerprint, record_count, records)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String SELECT_MINIMIZED =
      "SELECT recipient, policy_id, policy_version, policy_sha256, key_version,"
          + " schema_fingerprint, record_count, records FROM minimized_records"
          + " WHERE batch_id = ? AND recipient = ?";
  private static final String INSERT_COUNT =
      "INSERT INTO minimization_count (log_index, path, action, value_count) VALUES (?, ?, ?, ?)";
  private static final String INSERT_BATCH =
      "INSERT INTO minimization_batch (batch_id, log_index) VALUES (?, ?)";
  private static final String MINIMIZATION_ENTRIES_FROM =
      "SELECT log_index, entry FROM minimization_log WHERE kind = 'minimization' AND log_index >= ?"
          + " ORDER BY log_index LIMIT ?";

  /** Leaf hashes read, and nodes written, per round trip while rebuilding the tree. */
  private static final int REBUILD_CHUNK = 10_000;

  // The statements of one log: the same for every log, on that log's tables (LogName).

  private static String nextIndex(LogName log) {
    return "SELECT COALESCE(MAX(log_index), -1) + 1 FROM " + log.entries;
  }

  private static String insertEntry(LogName log) {
    return "INSERT INTO "
        + log.entries
        + " (log_index, kind, time_micros, marketplace_id, recipient, leaf_hash, entry)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?)";
  }

  private static String insertNode(LogName log) {
    return "INSERT INTO " + log.nodes + " (node_level, node_index, hash) VALUES (?, ?, ?)";
  }

  private static String leaf(LogName log) {
    return "SELECT leaf_hash FROM " + log.entries + " WHERE log_index = ?";
  }

  private static String node(LogName log) {
    return "SELECT hash FROM " + log.nodes + " WHERE node_level = ? AND node_index = ?";
  }

  private static String nodesOfLevel(LogName log) {
    return "SELECT node_index, hash FROM "
        + log.nodes
        + " WHERE node_level = ? AND node_index >= ? AND node_index < ? ORDER BY node_index";
  }

  private static String leafHashesFrom(LogName log) {
    return "SELECT log_index, leaf_hash FROM "
        + log.entries
        + " WHERE log_index >= ? ORDER BY log_index LIMIT ?";
  }

  private static String range(LogName log) {
    return "SELECT log_index, entry, leaf_hash FROM "
        + log.entries
        + " WHERE log_index >= ? AND log_index < ? ORDER BY log_index";
  }

  private static String insertCheckpoint(LogName log) {
    return "INSERT INTO "
        + log.checkpoints
        + " (tree_size, root_hash, signed_at_micros, checkpoint_jws)"
        + " VALUES (?, ?, ?, ?) ON CONFLICT (tree_size) DO NOTHING";
  }

  private static String checkpointColumns(LogName log) {
    return "SELECT tree_size, root_hash, signed_at_micros, checkpoint_jws FROM " + log.checkpoints;
  }

  private LogTables() {}

  static void insertMinimized(Connection connection, String batchId, List<MinimizedBatch> copies)
      throws SQLException {
    if (copies.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_MINIMIZED)) {
      for (MinimizedBatch copy : copies) {
        insert.setString(1, batchId);
        insert.setString(2, copy.recipient());
        insert.setString(3, copy.policyId());
        insert.setInt(4, copy.policyVersion());
        insert.setString(5, copy.policySha256());
        insert.setInt(6, copy.keyVersion());
        insert.setString(7, copy.schemaFingerprint());
        insert.setInt(8, copy.recordCount());
        insert.setBytes(9, copy.records());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  static Optional<MinimizedBatch> minimized(Connection connection, String batchId, String recipient)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_MINIMIZED)) {
      select.setString(1, batchId);
      select.setString(2, recipient);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new MinimizedBatch(
                row.getString(1),
                row.getString(2),
                row.getInt(3),
                row.getString(4),
                row.getInt(5),
                row.getString(6),
                row.getInt(7),
                row.getBytes(8)));
      }
    }
  }

  /**
   * Appends entries at the next indexes, with the tree nodes they complete; returns the index of
   * the first.
   */
  static long append(Connection connection, LogName log, List<LogAppend> entries)
      throws SQLException {
    long next = size(connection, log);
    LogTree.Growth tree;
    try (StoredNodes nodes = new StoredNodes(connection, log)) {
      tree = new LogTree.Growth(next, LogTree.peaks(nodes, next));
    }
    long first = next;
    try (PreparedStatement insert = connection.prepareStatement(insertEntry(log));
        PreparedStatement counts = connection.prepareStatement(INSERT_COUNT);
        PreparedStatement batches = connection.prepareStatement(INSERT_BATCH);
        PreparedStatement nodes = connection.prepareStatement(insertNode(log))) {
      for (LogAppend entry : entries) {
        if (entry.batchId() != null) {
          batches.setString(1, entry.batchId());
          batches.setLong(2, next);
          batches.addBatch();
        }
        insert.setLong(1, next);
        insert.setString(2, entry.kind());
        insert.setLong(3, micros(entry.time()));
        insert.setString(4, entry.marketplaceId());
        insert.setString(5, entry.recipient());
        insert.setBytes(6, entry.leafHash());
        insert.setString(7, entry.entry());
        insert.addBatch();
        for (LogAppend.Count count : entry.counts()) {
          if (count.values() > 0) {
            counts.setLong(1, next);
            counts.setString(2, count.path());
            counts.setString(3, count.action());
            counts.setLong(4, count.values());
            counts.addBatch();
          }
        }
        for (LogNode node : tree.append(entry.leafHash())) {
          addNode(nodes, node);
        }
        next++;
      }
      insert.executeBatch();
      counts.executeBatch();
      batches.executeBatch();
      nodes.executeBatch();
    }
    return first;
  }

  /** How many entries the log holds: the largest index plus one, from the primary key. */
  static long size(Connection connection, LogName log) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(nextIndex(log));
        ResultSet row = select.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }

  /** The tree head of the first {@code size} entries. */
  static byte[] root(Connection connection, LogName log, long size) throws SQLException {
    try (StoredNodes nodes = new StoredNodes(connection, log)) {
      return LogTree.root(nodes, size);
    }
  }

  /** The audit path of entry {@code index} in the tree of the first {@code size} entries. */
  static List<byte[]> inclusionProof(Connection connection, LogName log, long index, long size)
      throws SQLException {
    try (StoredNodes nodes = new StoredNodes(connection, log)) {
      return LogTree.inclusionProof(nodes, index, size);
    }
  }

  /** The consistency proof between the trees of the first {@code first} and {@code second}. */
  static List<byte[]> consistencyProof(Connection connection, LogName log, long first, long second)
      throws SQLException {
    try (StoredNodes nodes = new StoredNodes(connection, log)) {
      return LogTree.consistencyProof(nodes, first, second);
    }
  }

  /**
   * The stored nodes above the leaves that the leaves {@code [from, to)} complete (those whose last
   * leaf is in that range), by level, then index: one range read on the primary key per level.
   */
  static List<LogNode> nodesCompletedBy(Connection connection, LogName log, long from, long to)
      throws SQLException {
    List<LogNode> found = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(nodesOfLevel(log))) {
      for (int level = 1; level < 63 && (1L << level) <= to; level++) {
        long low = from >> level;
        long high = to >> level;
        if (low >= high) {
          continue;
        }
        select.setInt(1, level);
        select.setLong(2, low);
        select.setLong(3, high);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            found.add(new LogNode(level, rows.getLong(1), rows.getBytes(2)));
          }
        }
      }
    }
    return found;
  }

  /**
   * Writes the tree nodes of the entries already stored, replacing any: for a log stored before the
   * nodes were kept (migration V4). One pass over the leaf hashes in index order, holding O(log n)
   * of them.
   */
  static void rebuildNodes(Connection connection, LogName log) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + log.nodes)) {
      delete.executeUpdate();
    }
    LogTree.Growth tree = new LogTree.Growth();
    try (PreparedStatement select = connection.prepareStatement(leafHashesFrom(log));
        PreparedStatement insert = connection.prepareStatement(insertNode(log))) {
      while (true) {
        select.setLong(1, tree.size());
        select.setInt(2, REBUILD_CHUNK);
        long before = tree.size();
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            if (rows.getLong(1) != tree.size()) {
              throw new StoreException(
                  "the "
                      + log.wireName()
                      + " log has no entry "
                      + tree.size()
                      + "; its tree cannot be built");
            }
            for (LogNode node : tree.append(rows.getBytes(2))) {
              addNode(insert, node);
            }
          }
        }
        insert.executeBatch();
        if (tree.size() - before < REBUILD_CHUNK) {
          return;
        }
      }
    }
  }

  /**
   * Writes the batch index of the minimization entries already stored (migration V10): one pass
   * over them in index order, each entry's {@code batchId} read from its text.
   */
  static void indexBatches(Connection connection) throws SQLException {
    long from = 0;
    try (PreparedStatement select = connection.prepareStatement(MINIMIZATION_ENTRIES_FROM);
        PreparedStatement insert = connection.prepareStatement(INSERT_BATCH)) {
      while (true) {
        select.setLong(1, from);
        select.setInt(2, REBUILD_CHUNK);
        int read = 0;
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            read++;
            from = rows.getLong(1) + 1;
            String batchId = batchIdOf(rows.getString(2));
            if (batchId != null) {
              insert.setString(1, batchId);
              insert.setLong(2, rows.getLong(1));
              insert.addBatch();
            }
          }
        }
        insert.executeBatch();
        if (read < REBUILD_CHUNK) {
          return;
        }
      }
    }
  }

  private static final JsonFactory JSON = new JsonFactory();

  /** The top-level {@code batchId} member of an entry's text, or null. */
  static String batchIdOf(String entry) {
    try (JsonParser parser = JSON.createParser(entry)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals("batchId") && value == JsonToken.VALUE_STRING) {
          return parser.getText();
        }
        parser.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private static void addNode(PreparedStatement insert, LogNode node) throws SQLException {
    insert.setInt(1, node.level());
    insert.setLong(2, node.index());
    insert.setBytes(3, node.hash());
    insert.addBatch();
  }

  /** The tree's nodes as stored, each one point read on a primary key; level 0 is the leaf. */
  private static final class StoredNodes implements LogTree.Nodes<SQLException>, AutoCloseable {
    private final Connection connection;
    private final LogName log;
    private PreparedStatement leaf;
    private PreparedStatement node;

    StoredNodes(Connection connection, LogName log) {
      this.connection = connection;
      this.log = log;
    }

    @Override
    public byte[] hash(int level, long index) throws SQLException {
      PreparedStatement select;
      if (level == 0) {
        leaf = leaf != null ? leaf : connection.prepareStatement(leaf(log));
        select = leaf;
        select.setLong(1, index);
      } else {
        node = node != null ? node : connection.prepareStatement(node(log));
        select = node;
        select.setInt(1, level);
        select.setLong(2, index);
      }
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw new StoreException(
              "the "
                  + log.wireName()
                  + " log's tree has no node at level "
                  + level
                  + ", index "
                  + index);
        }
        return row.getBytes(1);
      }
    }

    @Override
    public void close() throws SQLException {
      try {
        if (leaf != null) {
          leaf.close();
        }
      } finally {
        if (node != null) {
          node.close();
        }
      }
    }
  }

  /** The stored hashes of one level of the tree, indexes {@code [from, to)}, in order. */
  static List<byte[]> hashes(Connection connection, LogName log, int level, long from, long to)
      throws SQLException {
    String sql =
        level == 0
            ? "SELECT leaf_hash FROM "
                + log.entries
                + " WHERE log_index >= ? AND log_index < ? ORDER BY log_index"
            : "SELECT hash FROM "
                + log.nodes
                + " WHERE node_level = ? AND node_index >= ? AND node_index < ? ORDER BY node_index";
    List<byte[]> found = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      int at = 1;
      if (level > 0) {
        select.setInt(at++, level);
      }
      select.setLong(at++, from);
      select.setLong(at, to);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getBytes(1));
        }
      }
    }
    return found;
  }

  static List<LogRow> range(Connection connection, LogName log, long from, long to)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(range(log))) {
      select.setLong(1, from);
      select.setLong(2, to);
      return rows(select);
    }
  }

  static List<LogRow> entries(Connection connection, LogName log, LogQuery query)
      throws SQLException {
    if (log != LogName.MINIMIZATION
        && (query.batchId().isPresent() || query.transactionId().isPresent())) {
      throw new IllegalArgumentException("only the minimization log's entries have batches");
    }
    List<Object> parameters = new ArrayList<>();
    String where = where(query, parameters, "");
    query.fromIndex().ifPresent(parameters::add);
    query.beforeIndex().ifPresent(parameters::add);
    String sql =
        "SELECT log_index, entry, leaf_hash FROM "
            + log.entries
            + " WHERE "
            + where
            + query.fromIndex().map(b -> " AND log_index >= ?").orElse("")
            + query.beforeIndex().map(b -> " AND log_index < ?").orElse("")
            + (query.oldestFirst() ? " ORDER BY log_index" : " ORDER BY log_index DESC")
            + " LIMIT "
            + Math.max(0, query.limit());
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      Sql.bind(select, parameters);
      return rows(select);
    }
  }

  static List<ActionCount> actionCounts(Connection connection, LogQuery filter, Duration bucket)
      throws SQLException {
    long width = micros(java.time.Instant.EPOCH.plus(bucket));
    List<Object> parameters = new ArrayList<>();
    parameters.add(width);
    String where = where(filter, parameters, "l.");
    String sql =
        "SELECT l.time_micros / ? AS bucket, c.path, c.action, SUM(c.value_count)"
            + " FROM minimization_count c JOIN minimization_log l ON l.log_index = c.log_index"
            + " WHERE "
            + where
            + " GROUP BY bucket, c.path, c.action ORDER BY bucket, c.path, c.action";
    List<ActionCount> counts = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      Sql.bind(select, parameters);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          counts.add(
              new ActionCount(
                  instant(rows.getLong(1) * width),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getLong(4)));
        }
      }
    }
    return counts;
  }

  /**
   * Stores a checkpoint only if it is larger than every stored one, so the sequence grows in size
   * and in time. Callers hold the positions lock ({@link Work#inOrder}), so instances signing at
   * once see each other's checkpoint; the insert also changes nothing on a size already stored
   * rather than failing on the key.
   */
  static void saveCheckpoint(Connection connection, LogName log, StoredCheckpoint checkpoint)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(checkpointColumns(log) + " WHERE tree_size >= ?")) {
      select.setLong(1, checkpoint.treeSize());
      try (ResultSet row = select.executeQuery()) {
        if (row.next()) {
          return;
        }
      }
    }
    try (PreparedStatement insert = connection.prepareStatement(insertCheckpoint(log))) {
      insert.setLong(1, checkpoint.treeSize());
      insert.setString(2, checkpoint.rootHash());
      insert.setLong(3, micros(checkpoint.signedAt()));
      insert.setString(4, checkpoint.jws());
      insert.executeUpdate();
    }
  }

  /** Stores a cosignature, replacing one of the same witness at the same size. */
  static void saveCosignature(
      Connection connection, LogName log, long treeSize, String witness, String cosignature)
      throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement(
            "DELETE FROM log_cosignature WHERE log_name = ? AND tree_size = ? AND witness = ?")) {
      delete.setString(1, log.wireName());
      delete.setLong(2, treeSize);
      delete.setString(3, witness);
      delete.executeUpdate();
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO log_cosignature (log_name, tree_size, witness, cosignature)"
                + " VALUES (?, ?, ?, ?)")) {
      insert.setString(1, log.wireName());
      insert.setLong(2, treeSize);
      insert.setString(3, witness);
      insert.setString(4, cosignature);
      insert.executeUpdate();
    }
  }

  static java.util.Map<String, String> cosignatures(
      Connection connection, LogName log, long treeSize) throws SQLException {
    java.util.Map<String, String> found = new java.util.TreeMap<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT witness, cosignature FROM log_cosignature WHERE log_name = ? AND tree_size = ?")) {
      select.setString(1, log.wireName());
      select.setLong(2, treeSize);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.put(rows.getString(1), rows.getString(2));
        }
      }
    }
    return found;
  }

  /** The largest size cosigned by {@code witness}, or by any witness when it is null. */
  static java.util.OptionalLong lastCosigned(Connection connection, LogName log, String witness)
      throws SQLException {
    String sql =
        "SELECT MAX(tree_size) FROM log_cosignature WHERE log_name = ?"
            + (witness == null ? "" : " AND witness = ?");
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, log.wireName());
      if (witness != null) {
        select.setString(2, witness);
      }
      try (ResultSet row = select.executeQuery()) {
        row.next();
        long size = row.getLong(1);
        return row.wasNull() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(size);
      }
    }
  }

  static Optional<StoredCheckpoint> checkpoint(Connection connection, LogName log, long treeSize)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(checkpointColumns(log) + " WHERE tree_size = ?")) {
      select.setLong(1, treeSize);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new StoredCheckpoint(
                row.getLong(1), row.getString(2), instant(row.getLong(3)), row.getString(4)));
      }
    }
  }

  static List<StoredCheckpoint> checkpoints(Connection connection, LogName log, boolean latestOnly)
      throws SQLException {
    String sql =
        checkpointColumns(log)
            + (latestOnly ? " ORDER BY tree_size DESC LIMIT 1" : " ORDER BY tree_size");
    List<StoredCheckpoint> found = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(sql);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        found.add(
            new StoredCheckpoint(
                rows.getLong(1), rows.getString(2), instant(rows.getLong(3)), rows.getString(4)));
      }
    }
    return found;
  }

  private static String where(LogQuery query, List<Object> parameters, String alias) {
    StringBuilder where = new StringBuilder("1 = 1");
    query
        .marketplaceId()
        .ifPresent(
            m -> {
              where.append(" AND ").append(alias).append("marketplace_id = ?");
              parameters.add(m);
            });
    query
        .recipient()
        .ifPresent(
            r -> {
              where.append(" AND ").append(alias).append("recipient = ?");
              parameters.add(r);
            });
    query
        .kind()
        .ifPresent(
            k -> {
              where.append(" AND ").append(alias).append("kind = ?");
              parameters.add(k);
            });
    query
        .batchId()
        .ifPresent(
            b -> {
              where
                  .append(" AND ")
                  .append(alias)
                  .append(
                      "log_index IN (SELECT log_index FROM minimization_batch WHERE batch_id = ?)");
              parameters.add(b);
            });
    query
        .transactionId()
        .ifPresent(
            t -> {
              // The marketplace's condition above applies too; the look-up reads the transaction's
              // versions from transaction_index's primary key, then their batches' entries.
              where
                  .append(" AND ")
                  .append(alias)
                  .append(
                      "log_index IN (SELECT b.log_index FROM minimization_batch b"
                          + " JOIN transaction_index t ON t.batch_id = b.batch_id"
                          + " WHERE t.marketplace_id = ? AND t.transaction_id = ?)");
              parameters.add(query.marketplaceId().orElseThrow());
              parameters.add(t);
            });
    query
        .from()
        .ifPresent(
            f -> {
              where.append(" AND ").append(alias).append("time_micros >= ?");
              parameters.add(micros(f));
            });
    query
        .to()
        .ifPresent(
            t -> {
              where.append(" AND ").append(alias).append("time_micros < ?");
              parameters.add(micros(t));
            });
    return where.toString();
  }

  private static List<LogRow> rows(PreparedStatement select) throws SQLException {
    List<LogRow> rows = new ArrayList<>();
    try (ResultSet result = select.executeQuery()) {
      while (result.next()) {
        rows.add(new LogRow(result.getLong(1), result.getString(2), result.getBytes(3)));
      }
    }
    return rows;
  }
}
