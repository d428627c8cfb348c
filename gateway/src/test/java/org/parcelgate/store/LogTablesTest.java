package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.parcelgate.protocol.MerkleTree;

/**
 * The minimization log's tree as stored: tree heads and proofs computed from the stored nodes equal
 * those of the reference ({@link MerkleTree} over every leaf) at many sizes, the nodes an append
 * writes are right when appends of uneven sizes follow each other in one transaction or many, and
 * migration V4 builds the nodes of a log stored before them; on each engine.
 */
@ParameterizedClass
@EnumSource(StoreEngine.class)
class LogTablesTest {
  @Parameter StoreEngine engine;

  private static final Instant TIME = Instant.parse("2026-11-28T09:00:00Z");
  private static final HexFormat HEX = HexFormat.of();

  /** Chunk sizes of successive appends: uneven, some crossing many subtree boundaries at once. */
  private static final int[] CHUNKS = {1, 2, 1, 5, 3, 17, 64, 1, 129, 7, 256, 31, 2, 511, 33};

  @TempDir Path data;
  private final List<byte[]> leaves = new ArrayList<>();

  @BeforeEach
  void createSchema() {
    engine.open(data, Clock.fixed(TIME, ZoneOffset.UTC)).close();
  }

  @Test
  void rootsAndProofsFromTheStoredNodesEqualTheReferenceAtEverySizeUpTo300() throws Exception {
    try (Connection connection = engine.connect(data)) {
      appendInChunks(connection, 300);

      for (int size = 1; size <= 300; size++) {
        assertSameAsReference(connection, size, size <= 40);
      }
    }
  }

  @Test
  void rootsAndProofsEqualTheReferenceAcrossManySubtreeBoundaries() throws Exception {
    try (Connection connection = engine.connect(data)) {
      appendInChunks(connection, 4_200);

      TreeSet<Integer> sizes = new TreeSet<>();
      for (int size = 1_000; size <= 1_100; size++) {
        sizes.add(size);
      }
      for (int power = 1; power <= 4_096; power *= 2) {
        sizes.add(power - 1);
        sizes.add(power);
        sizes.add(power + 1);
      }
      sizes.add(4_200);
      sizes.remove(0);
      for (int size : sizes) {
        assertSameAsReference(connection, size, false);
      }
    }
  }

  @Test
  void appendsOfOneEntryEachGiveTheSameTreeAsAppendsOfMany() throws Exception {
    try (Connection connection = engine.connect(data)) {
      for (int i = 0; i < 70; i++) {
        JdbcGatewayStore.inTransaction(
            connection, c -> LogTables.append(c, LogName.MINIMIZATION, next(1)));
      }

      for (int size = 1; size <= 70; size++) {
        assertSameAsReference(connection, size, true);
      }
    }
  }

  @Test
  void consistencyProofsFromTheStoredNodesVerifyWithTheProtocolsVerifier() throws Exception {
    try (Connection connection = engine.connect(data)) {
      appendInChunks(connection, 1_030);
      byte[] forged = MerkleTree.leafHash("forged".getBytes(StandardCharsets.UTF_8));

      for (long second : new long[] {2, 3, 7, 8, 9, 63, 64, 65, 100, 511, 512, 513, 1_023, 1_030}) {
        byte[] secondRoot = LogTables.root(connection, LogName.MINIMIZATION, second);
        for (long first = 1; first <= second; first += Math.max(1, second / 40)) {
          byte[] firstRoot = LogTables.root(connection, LogName.MINIMIZATION, first);
          List<byte[]> proof =
              LogTables.consistencyProof(connection, LogName.MINIMIZATION, first, second);

          assertThat(MerkleTree.verifyConsistency(first, second, firstRoot, secondRoot, proof))
              .as("%d -> %d", first, second)
              .isTrue();
          if (first < second) {
            assertThat(MerkleTree.verifyConsistency(first, second, forged, secondRoot, proof))
                .as("forged first root %d -> %d", first, second)
                .isFalse();
            assertThat(MerkleTree.verifyConsistency(first, second, firstRoot, forged, proof))
                .as("forged second root %d -> %d", first, second)
                .isFalse();
          }
        }
      }
    }
  }

  @Test
  void nodesCompletedByConsecutiveRangesAreEveryNodeOnce() throws Exception {
    try (Connection connection = engine.connect(data)) {
      appendInChunks(connection, 1_000);
      List<String> expected = new ArrayList<>();
      LogTree.Growth tree = new LogTree.Growth();
      for (byte[] leaf : leaves) {
        tree.append(leaf).forEach(node -> expected.add(describe(node)));
      }

      List<String> found = new ArrayList<>();
      long[] bounds = {0, 1, 2, 5, 64, 100, 511, 512, 513, 999, 1_000};
      for (int i = 0; i + 1 < bounds.length; i++) {
        LogTables.nodesCompletedBy(connection, LogName.MINIMIZATION, bounds[i], bounds[i + 1])
            .stream()
            .map(LogTablesTest::describe)
            .forEach(found::add);
      }

      assertThat(found).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void theSizeIsTheNextIndexNotACount() throws Exception {
    try (Connection connection = engine.connect(data)) {
      appendInChunks(connection, 10);
      connection.createStatement().execute("DELETE FROM minimization_log WHERE log_index = 4");

      assertThat(LogTables.size(connection, LogName.MINIMIZATION)).isEqualTo(10);
      assertThat(LogTables.append(connection, LogName.MINIMIZATION, next(1))).isEqualTo(10);
    }
  }

  @Test
  void refusesAProofOfATreeLargerThanTheLog() throws Exception {
    try (Connection connection = engine.connect(data)) {
      appendInChunks(connection, 6);

      assertThatThrownBy(() -> LogTables.root(connection, LogName.MINIMIZATION, 7))
          .isInstanceOf(StoreException.class);
      assertThatThrownBy(() -> LogTables.inclusionProof(connection, LogName.MINIMIZATION, 0, 9))
          .isInstanceOf(StoreException.class);
      assertThatThrownBy(() -> LogTables.inclusionProof(connection, LogName.MINIMIZATION, 6, 6))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> LogTables.consistencyProof(connection, LogName.MINIMIZATION, 7, 6))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void migrationBuildsTheTreeOfALogStoredBeforeIt() throws Exception {
    Path old = data.resolve("v3");
    int stored = 10_005; // more than one chunk of the rebuild
    storeLogAtVersion3(old, stored, -1);

    try (GatewayStore store = engine.open(old, Clock.fixed(TIME, ZoneOffset.UTC))) {
      assertThat(((JdbcGatewayStore) store).appliedMigrations())
          .extracting(Migrations.Applied::version)
          .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
      for (long size : new long[] {1, 2, 3, 1_000, 1_024, 4_097, 10_000, 10_005}) {
        List<byte[]> prefix = leaves.subList(0, (int) size);
        assertThat(hex(store.logRoot(LogName.MINIMIZATION, size)))
            .isEqualTo(hex(MerkleTree.root(prefix)));
        int index = (int) (size * 2 / 3);
        assertThat(
                store.logInclusionProof(LogName.MINIMIZATION, index, size).stream()
                    .map(HEX::formatHex))
            .containsExactlyElementsOf(hexes(MerkleTree.inclusionProof(prefix, index)));
      }

      // Appends after the migration continue the same tree.
      for (int i = 0; i < 3; i++) {
        byte[] leaf = leaf(leaves.size());
        store.appendLog(
            LogName.MINIMIZATION,
            new LogAppend("read", TIME, null, null, "entry-" + leaves.size(), leaf, List.of()));
        leaves.add(leaf);
      }
      assertThat(store.logSize(LogName.MINIMIZATION)).isEqualTo(stored + 3);
      assertThat(hex(store.logRoot(LogName.MINIMIZATION, stored + 3)))
          .isEqualTo(hex(MerkleTree.root(leaves)));
      assertThat(
              store.logConsistencyProof(LogName.MINIMIZATION, stored, stored + 3).stream()
                  .map(HEX::formatHex))
          .containsExactlyElementsOf(hexes(MerkleTree.consistencyProof(leaves, stored)));
    }
  }

  @Test
  void theAccessLogIsATreeOfItsOwnBesideTheMinimizationLog() throws Exception {
    List<byte[]> access = new ArrayList<>();
    try (GatewayStore store = engine.open(data, Clock.fixed(TIME, ZoneOffset.UTC))) {
      // Interleaved: each log's indexes, nodes and checkpoints are its own.
      for (int i = 0; i < 37; i++) {
        byte[] leaf = leaf(leaves.size());
        store.appendLog(
            LogName.MINIMIZATION,
            new LogAppend("minimization", TIME, "m", "r", "entry-" + i, leaf, List.of()));
        leaves.add(leaf);
        if (i % 3 == 0) {
          byte[] read = MerkleTree.leafHash(("read-" + i).getBytes(StandardCharsets.UTF_8));
          assertThat(
                  store.appendLog(
                      LogName.ACCESS,
                      new LogAppend("read", TIME, "m", null, "read-" + i, read, List.of())))
              .isEqualTo(access.size());
          access.add(read);
        }
      }
      store.saveCheckpoint(LogName.ACCESS, new StoredCheckpoint(13, "root", TIME, "jws-access"));

      assertThat(store.logSize(LogName.MINIMIZATION)).isEqualTo(37);
      assertThat(store.logSize(LogName.ACCESS)).isEqualTo(13);
      assertThat(hex(store.logRoot(LogName.MINIMIZATION, 37)))
          .isEqualTo(hex(MerkleTree.root(leaves)));
      assertThat(hex(store.logRoot(LogName.ACCESS, 13))).isEqualTo(hex(MerkleTree.root(access)));
      assertThat(store.logConsistencyProof(LogName.ACCESS, 5, 13).stream().map(HEX::formatHex))
          .containsExactlyElementsOf(hexes(MerkleTree.consistencyProof(access, 5)));
      assertThat(store.logRange(LogName.ACCESS, 0, 2))
          .extracting(LogRow::entry)
          .containsExactly("read-0", "read-3");
      assertThat(store.latestCheckpoint(LogName.ACCESS)).isPresent();
      assertThat(store.latestCheckpoint(LogName.MINIMIZATION)).isEmpty();
      assertThatThrownBy(
              () ->
                  store.appendLog(
                      LogName.ACCESS,
                      new LogAppend(
                          "read",
                          TIME,
                          null,
                          null,
                          "counted",
                          leaf(0),
                          List.of(new LogAppend.Count("a", "keep", 1)))))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(store.logSize(LogName.ACCESS)).isEqualTo(13);
    }
  }

  @Test
  void findsTheEntriesOfABatchAndOfTheBatchesOfATransactionAlsoThoseStoredBeforeV10()
      throws Exception {
    Path old = data.resolve("v9");
    try (Connection connection =
        engine.connectAtVersion(old, 9, Clock.fixed(TIME, ZoneOffset.UTC))) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO minimization_log (log_index, kind, time_micros, marketplace_id,"
                  + " recipient, leaf_hash, entry) VALUES (?, ?, 0, 'm', 'r', ?, ?)")) {
        String[][] entries = {
          {
            "minimization",
            "{\"kind\":\"minimization\",\"batchId\":\"b-1\",\"n\":{\"batchId\":\"x\"}}"
          },
          {"read", "{\"kind\":\"read\",\"officer\":\"o\"}"},
          {"minimization", "{\"kind\":\"minimization\",\"fields\":[],\"batchId\":\"b-2\"}"},
          {"minimization", "{\"kind\":\"minimization\",\"batchId\":\"b-1\"}"},
        };
        for (int i = 0; i < entries.length; i++) {
          insert.setLong(1, i);
          insert.setString(2, entries[i][0]);
          insert.setBytes(3, leaf(i));
          insert.setString(4, entries[i][1]);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      LogTables.rebuildNodes(connection, LogName.MINIMIZATION);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO transaction_index (marketplace_id, transaction_id, version, batch_id,"
                  + " accepted_position, record_index, record_sha256) VALUES (?, ?, ?, ?, 0, 0, 'h')")) {
        for (Object[] row : new Object[][] {{"m", "t-1", 1, "b-2"}, {"m", "t-1", 2, "b-3"}}) {
          insert.setString(1, (String) row[0]);
          insert.setString(2, (String) row[1]);
          insert.setInt(3, (Integer) row[2]);
          insert.setString(4, (String) row[3]);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.commit();
    }

    try (GatewayStore store = engine.open(old, Clock.fixed(TIME, ZoneOffset.UTC))) {
      byte[] leaf = leaf(4);
      store.appendLog(
          LogName.MINIMIZATION,
          new LogAppend(
              "minimization", TIME, "m", "r", "b-3", "{\"batchId\":\"b-3\"}", leaf, List.of()));

      assertThat(store.logEntries(LogName.MINIMIZATION, LogQuery.all(10).withBatch("b-1")))
          .extracting(LogRow::index)
          .containsExactly(3L, 0L);
      assertThat(
              store.logEntries(LogName.MINIMIZATION, LogQuery.all(10).withTransaction("m", "t-1")))
          .extracting(LogRow::index)
          .containsExactly(4L, 2L);
      assertThat(
              store.logEntries(
                  LogName.MINIMIZATION, LogQuery.all(10).withTransaction("other", "t-1")))
          .isEmpty();
      assertThatThrownBy(() -> store.logEntries(LogName.ACCESS, LogQuery.all(10).withBatch("b-1")))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void keepsCosignaturesPerLogSizeAndWitnessAndServesTheTreesLevels() throws Exception {
    try (GatewayStore store = engine.open(data, Clock.fixed(TIME, ZoneOffset.UTC))) {
      for (int i = 0; i < 20; i++) {
        byte[] leaf = leaf(leaves.size());
        store.appendLog(
            LogName.MINIMIZATION,
            new LogAppend("minimization", TIME, "m", "r", "entry-" + i, leaf, List.of()));
        leaves.add(leaf);
      }
      store.saveCheckpoint(LogName.MINIMIZATION, new StoredCheckpoint(8, "r8", TIME, "jws-8"));
      store.saveCheckpoint(LogName.MINIMIZATION, new StoredCheckpoint(20, "r20", TIME, "jws-20"));
      store.saveCosignature(LogName.MINIMIZATION, 8, "a.example/w", "line a 8\n");
      store.saveCosignature(LogName.MINIMIZATION, 20, "a.example/w", "line a 20\n");
      store.saveCosignature(LogName.MINIMIZATION, 8, "b.example/w", "line b 8\n");
      store.saveCosignature(LogName.MINIMIZATION, 8, "b.example/w", "line b 8 again\n");
      store.saveCosignature(LogName.ACCESS, 3, "a.example/w", "access line\n");

      assertThat(store.cosignatures(LogName.MINIMIZATION, 8))
          .containsExactly(
              java.util.Map.entry("a.example/w", "line a 8\n"),
              java.util.Map.entry("b.example/w", "line b 8 again\n"));
      assertThat(store.lastCosigned(LogName.MINIMIZATION, "a.example/w")).hasValue(20);
      assertThat(store.lastCosigned(LogName.MINIMIZATION, "b.example/w")).hasValue(8);
      assertThat(store.lastCosigned(LogName.MINIMIZATION, "c.example/w")).isEmpty();
      assertThat(store.lastCosigned(LogName.MINIMIZATION)).hasValue(20);
      assertThat(store.lastCosigned(LogName.ACCESS)).hasValue(3);
      assertThat(store.checkpoint(LogName.MINIMIZATION, 8))
          .get()
          .extracting(StoredCheckpoint::jws)
          .isEqualTo("jws-8");
      assertThat(store.checkpoint(LogName.MINIMIZATION, 9)).isEmpty();

      assertThat(store.logHashes(LogName.MINIMIZATION, 0, 3, 6).stream().map(HEX::formatHex))
          .containsExactlyElementsOf(hexes(leaves.subList(3, 6)));
      assertThat(store.logHashes(LogName.MINIMIZATION, 3, 0, 5).stream().map(HEX::formatHex))
          .as("the two complete subtrees of 8 leaves")
          .containsExactly(
              hex(MerkleTree.root(leaves.subList(0, 8))),
              hex(MerkleTree.root(leaves.subList(8, 16))));
    }
  }

  @Test
  void migrationOfAnEmptyLogBuildsNoNodes() throws Exception {
    Path old = data.resolve("v3");
    storeLogAtVersion3(old, 0, -1);

    try (GatewayStore store = engine.open(old, Clock.fixed(TIME, ZoneOffset.UTC))) {
      assertThat(store.logSize(LogName.MINIMIZATION)).isZero();
      assertThat(hex(store.logRoot(LogName.MINIMIZATION, 0)))
          .isEqualTo(hex(MerkleTree.root(List.of())));
      assertThat(store.logNodesCompletedBy(LogName.MINIMIZATION, 0, 1)).isEmpty();
    }
  }

  @Test
  void migrationRefusesALogWithAMissingEntry() throws Exception {
    Path old = data.resolve("v3");
    storeLogAtVersion3(old, 8, 5);

    assertThatThrownBy(() -> engine.open(old, Clock.fixed(TIME, ZoneOffset.UTC)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("the minimization log has no entry 5");
  }

  /** Compares the stored tree's head and proofs at {@code size} with the reference's. */
  private void assertSameAsReference(Connection connection, int size, boolean everyProof)
      throws SQLException {
    List<byte[]> prefix = leaves.subList(0, size);
    assertThat(hex(LogTables.root(connection, LogName.MINIMIZATION, size)))
        .as("root of %d", size)
        .isEqualTo(hex(MerkleTree.root(prefix)));
    for (int index : sample(size, everyProof)) {
      assertThat(
              LogTables.inclusionProof(connection, LogName.MINIMIZATION, index, size).stream()
                  .map(HEX::formatHex))
          .as("audit path of %d in %d", index, size)
          .containsExactlyElementsOf(hexes(MerkleTree.inclusionProof(prefix, index)));
    }
    for (int first : sample(size + 1, everyProof)) {
      assertThat(
              LogTables.consistencyProof(connection, LogName.MINIMIZATION, first, size).stream()
                  .map(HEX::formatHex))
          .as("consistency of %d with %d", first, size)
          .containsExactlyElementsOf(hexes(MerkleTree.consistencyProof(prefix, first)));
    }
  }

  /**
   * Every value below {@code bound}, or its edges, thirds, middle and the powers of two (with
   * neighbours) where the tree below it splits.
   */
  private static TreeSet<Integer> sample(int bound, boolean every) {
    TreeSet<Integer> values = new TreeSet<>();
    if (every) {
      for (int i = 0; i < bound; i++) {
        values.add(i);
      }
      return values;
    }
    int power = Integer.highestOneBit(bound);
    for (int value : new int[] {0, 1, bound / 3, bound / 2, bound - 2, bound - 1}) {
      values.add(value);
    }
    for (int value : new int[] {power / 2 - 1, power / 2, power / 2 + 1, power - 1, power}) {
      values.add(value);
    }
    values.removeIf(v -> v < 0 || v >= bound);
    return values;
  }

  /** Appends up to {@code total} entries in chunks of {@link #CHUNKS}, two chunks a transaction. */
  private void appendInChunks(Connection connection, int total) throws SQLException {
    int chunk = 0;
    while (leaves.size() < total) {
      int first = Math.min(CHUNKS[chunk++ % CHUNKS.length], total - leaves.size());
      int second = Math.min(CHUNKS[chunk++ % CHUNKS.length], total - leaves.size() - first);
      JdbcGatewayStore.inTransaction(
          connection,
          c -> {
            long at = LogTables.append(c, LogName.MINIMIZATION, next(first));
            assertThat(at).isEqualTo(leaves.size() - first);
            if (second > 0) {
              LogTables.append(c, LogName.MINIMIZATION, next(second));
            }
            return null;
          });
    }
    assertThat(LogTables.size(connection, LogName.MINIMIZATION)).isEqualTo(total);
  }

  /** The next {@code count} entries, recorded in {@link #leaves}. */
  private List<LogAppend> next(int count) {
    List<LogAppend> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int index = leaves.size();
      byte[] leaf = leaf(index);
      leaves.add(leaf);
      entries.add(new LogAppend("read", TIME, null, null, "entry-" + index, leaf, List.of()));
    }
    return entries;
  }

  /**
   * A database at schema version 3, before the tree nodes were kept, holding {@code count} entries
   * (without entry {@code missing} if it is not -1); the entries' leaves go to {@link #leaves}.
   */
  private void storeLogAtVersion3(Path directory, int count, int missing) throws Exception {
    try (Connection connection =
        engine.connectAtVersion(directory, 3, Clock.fixed(TIME, ZoneOffset.UTC))) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO minimization_log (log_index, kind, time_micros, leaf_hash, entry)"
                  + " VALUES (?, 'read', 0, ?, ?)")) {
        for (int i = 0; i < count; i++) {
          byte[] leaf = leaf(i);
          leaves.add(leaf);
          if (i == missing) {
            continue;
          }
          insert.setLong(1, i);
          insert.setBytes(2, leaf);
          insert.setString(3, "entry-" + i);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      connection.commit();
    }
  }

  private static byte[] leaf(int index) {
    return MerkleTree.leafHash(("entry-" + index).getBytes(StandardCharsets.UTF_8));
  }

  private static String describe(LogNode node) {
    return node.level() + "/" + node.index() + "/" + hex(node.hash());
  }

  private static String hex(byte[] hash) {
    return HEX.formatHex(hash);
  }

  private static List<String> hexes(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }
}
