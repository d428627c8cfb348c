package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.parcelgate.store.Batches.RECIPIENT;
import static org.parcelgate.store.Batches.batch;
import static org.parcelgate.store.Batches.entry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.parcelgate.risk.Assessment;
import org.parcelgate.risk.Figure;
import org.parcelgate.risk.Finding;
import org.parcelgate.risk.Flag;
import org.parcelgate.risk.MemoryRiskState;
import org.parcelgate.risk.SellerSummary;
import org.parcelgate.risk.SplitConsignmentDetector;
import org.parcelgate.risk.StateKey;
import org.parcelgate.testing.MutableClock;

/**
 * The risk assessor's tables on each engine: rows after the cursor, state, a step applied with its
 * cursor by compare-and-set, and the price and seller feeds carrying what the steps stored.
 */
@Timeout(60)
@ParameterizedClass
@EnumSource(StoreEngine.class)
class RiskTablesTest {
  @Parameter StoreEngine engine;

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Assessment SPLIT =
      new Assessment(
          List.of(
              new Finding(
                  Flag.SPLIT_CONSIGNMENT,
                  80,
                  "Two parcels of one buyer and seller within 72 hours total EUR 180.00",
                  List.of(new Figure("groupValueEur", "180.00")))));
  private static final Assessment UNDERVALUED_AND_LATE =
      new Assessment(
          List.of(
              new Finding(Flag.LATE_PAYMENT, 30, "Paid 45 days after the order", List.of()),
              new Finding(
                  Flag.UNDERVALUED,
                  70,
                  "Unit value EUR 0.40 is far below the usual EUR 6.00 to EUR 9.00",
                  List.of(new Figure("unitValueEur", "0.40"), new Figure("bandLowEur", "6.00")))));

  @TempDir Path data;
  private GatewayStore store;

  @BeforeEach
  void open() {
    store = engine.open(data, new MutableClock(NOW));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Commits batches b1..bN of {@code size} records each (transactions t1, t2, ...). */
  private void commit(int batches, int size) {
    int t = 1;
    for (int b = 1; b <= batches; b++) {
      List<IndexEntry> entries = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        entries.add(entry("t" + t++, 1));
      }
      store.commit(batch("b" + b, "mp-1", Batches.digest("body b" + b), entries));
    }
  }

  private static RiskStep step(long from, long to, Map<Long, Assessment> flagged) {
    return RiskStep.checkpoint(RECIPIENT, from, from, to, new TreeMap<>(flagged), Map.of());
  }

  /**
   * Commits a checkpoint without flagged records from the given positions, as the assessor does.
   */
  private boolean checkpointed(
      long fromCursor,
      long fromStateSeq,
      long toCursor,
      Map<StateKey, MemoryRiskState.Value> values) {
    return store.commitRisk(
        RiskStep.checkpoint(
            RECIPIENT, fromCursor, fromStateSeq, toCursor, new TreeMap<>(), values));
  }

  @Test
  void aStepReadsTheRowsAfterTheCursorInFeedOrderWithEachBatchCopyOnce() {
    commit(3, 2);

    RiskInput first = store.riskInput(RECIPIENT, 3);

    assertThat(first.cursor()).isZero();
    assertThat(first.head()).isEqualTo(6);
    assertThat(first.rows()).extracting(RiskInput.Row::seq).containsExactly(1L, 2L, 3L);
    assertThat(first.rows())
        .extracting(RiskInput.Row::transactionId)
        .containsExactly("t1", "t2", "t3");
    assertThat(first.rows()).extracting(RiskInput.Row::copyPosition).containsExactly(0, 1, 0);
    assertThat(first.rows().get(0).receivedAt()).isEqualTo(Batches.RECEIVED);
    assertThat(first.copies()).containsOnlyKeys("b1", "b2");
    assertThat(new String(first.copies().get("b2").records(), StandardCharsets.UTF_8))
        .isEqualTo("records of b2");
    assertThat(first.more()).isTrue();

    assertThat(store.commitRisk(step(0, 3, Map.of()))).isTrue();
    RiskInput second = store.riskInput(RECIPIENT, 10);
    assertThat(second.cursor()).isEqualTo(3);
    assertThat(second.rows()).extracting(RiskInput.Row::seq).containsExactly(4L, 5L, 6L);
    assertThat(second.more()).isFalse();
  }

  @Test
  void aRowsReceiptTimeReadsBackAsStoredToTheMicrosecond() {
    Instant received = Instant.parse("2026-03-01T10:15:30.123456789Z");
    store.commit(
        Batches.batch(
            "b1",
            "mp-1",
            Batches.digest("body b1"),
            received,
            List.of(entry("t1", 1)),
            Batches.ONE_SELLER));

    Instant read = store.riskInput(RECIPIENT, 1).rows().get(0).receivedAt();

    assertThat(read).isEqualTo(GatewayStore.asStored(received));
    assertThat(read).isEqualTo(Instant.parse("2026-03-01T10:15:30.123456Z"));
  }

  @Test
  void aRecipientWithoutRecordsHasNothingToAssess() {
    commit(1, 2);

    RiskInput input = store.riskInput("customs-be", 10);

    assertThat(input.rows()).isEmpty();
    assertThat(input.copies()).isEmpty();
    assertThat(input.more()).isFalse();
    assertThat(store.riskCursor("customs-be")).isZero();
  }

  @Test
  void aCommittedStepMovesTheCursorAndStoresFindingsAndState() {
    commit(1, 3);
    StateKey band = new StateKey("band", "610910");
    StateKey group = new StateKey("split-group", "p1_buyer\nseller-1");

    boolean applied =
        store.commitRisk(
            RiskStep.checkpoint(
                RECIPIENT,
                0,
                0,
                3,
                new TreeMap<>(Map.of(2L, SPLIT)),
                Map.of(
                    band,
                    new MemoryRiskState.Value(new byte[] {1, 2}, null),
                    group,
                    new MemoryRiskState.Value(new byte[] {3}, NOW.plusSeconds(3600)))));

    assertThat(applied).isTrue();
    assertThat(store.riskCursor(RECIPIENT)).isEqualTo(3);
    assertThat(store.riskLag(List.of(RECIPIENT))).isZero();
    Map<StateKey, MemoryRiskState.Value> state =
        store.riskState(RECIPIENT, List.of(band, group, new StateKey("band", "999999")), NOW);
    assertThat(state).containsOnlyKeys(band, group);
    assertThat(state.get(band).value()).containsExactly(1, 2);
    assertThat(state.get(band).expiresAt()).isNull();
    assertThat(state.get(group).expiresAt()).isEqualTo(NOW.plusSeconds(3600));
    // State is the recipient's own.
    assertThat(store.riskState("customs-be", List.of(band), NOW)).isEmpty();
    List<StoredPrice> feed = store.priceRecords(FeedQuery.after(RECIPIENT, 0, 10));
    assertThat(feed)
        .extracting(StoredPrice::assessment)
        .containsExactly(Assessment.NONE, SPLIT, Assessment.NONE);
  }

  @Test
  void aStepReadAtACursorThatMovedSinceIsNotAppliedAndWritesNothing() {
    commit(1, 4);
    StateKey band = new StateKey("band", "610910");
    assertThat(store.commitRisk(step(0, 2, Map.of(1L, SPLIT)))).isTrue();

    // A second step read at cursor 0 (another instance's, or a stale one) is refused whole.
    boolean applied =
        store.commitRisk(
            RiskStep.checkpoint(
                RECIPIENT,
                0,
                0,
                4,
                new TreeMap<>(Map.of(3L, UNDERVALUED_AND_LATE)),
                Map.of(band, new MemoryRiskState.Value(new byte[] {9}, null))));

    assertThat(applied).isFalse();
    assertThat(store.riskCursor(RECIPIENT)).isEqualTo(2);
    assertThat(store.riskState(RECIPIENT, List.of(band), NOW)).isEmpty();
    assertThat(store.priceRecords(FeedQuery.after(RECIPIENT, 0, 10)))
        .extracting(StoredPrice::assessment)
        .containsExactly(SPLIT, Assessment.NONE, null, null);
    // From where the cursor stands, the next step applies.
    assertThat(store.commitRisk(step(2, 4, Map.of(3L, UNDERVALUED_AND_LATE)))).isTrue();
    assertThat(store.riskCursor(RECIPIENT)).isEqualTo(4);
  }

  @Test
  void aStepReadBeforeACheckpointOfTheStateIsNotApplied() {
    commit(1, 4);
    StateKey band = new StateKey("band", "610910");
    assertThat(store.commitRisk(new RiskStep(RECIPIENT, 0, 0, 2, new TreeMap<>(), Map.of(), false)))
        .isTrue();
    // Another instance writes the state at the cursor without moving it.
    assertThat(checkpointed(2, 0, 2, Map.of(band, new MemoryRiskState.Value(new byte[] {1}, null))))
        .isTrue();

    // A step that read the state at 0 judged records 1 and 2 again on state that has them.
    boolean applied =
        store.commitRisk(
            new RiskStep(RECIPIENT, 2, 0, 4, new TreeMap<>(Map.of(3L, SPLIT)), Map.of(), false));

    assertThat(applied).isFalse();
    assertThat(store.riskCursor(RECIPIENT)).isEqualTo(2);
    assertThat(store.riskInput(RECIPIENT, 10).stateSeq()).isEqualTo(2);
    assertThat(store.priceRecords(FeedQuery.after(RECIPIENT, 0, 10)))
        .extracting(StoredPrice::assessment)
        .containsExactly(Assessment.NONE, Assessment.NONE, null, null);
    assertThat(store.commitRisk(new RiskStep(RECIPIENT, 2, 2, 4, new TreeMap<>(), Map.of(), false)))
        .isTrue();
  }

  @Test
  void aStepBetweenCheckpointsMovesTheCursorButLeavesTheStoredStateWhereItWas() {
    commit(1, 3);
    StateKey band = new StateKey("band", "610910");
    assertThat(checkpointed(0, 0, 1, Map.of(band, new MemoryRiskState.Value(new byte[] {1}, null))))
        .isTrue();

    assertThat(store.commitRisk(new RiskStep(RECIPIENT, 1, 1, 3, new TreeMap<>(), Map.of(), false)))
        .isTrue();

    RiskInput input = store.riskInput(RECIPIENT, 10);
    assertThat(input.cursor()).isEqualTo(3);
    assertThat(input.stateSeq()).isEqualTo(1);
    assertThat(input.rows()).isEmpty();
  }

  @Test
  void aReplayReadsTheRowsAfterTheStoredStateUpToTheCursorOnly() {
    commit(3, 2);
    assertThat(store.commitRisk(new RiskStep(RECIPIENT, 0, 0, 4, new TreeMap<>(), Map.of(), false)))
        .isTrue();

    RiskInput first = store.riskReplay(RECIPIENT, 0, 4, 3, batchId -> false);
    RiskInput last = store.riskReplay(RECIPIENT, 3, 4, 10, batchId -> batchId.equals("b2"));

    assertThat(first.rows()).extracting(RiskInput.Row::seq).containsExactly(1L, 2L, 3L);
    assertThat(first.more()).isTrue();
    assertThat(first.copies()).containsOnlyKeys("b1", "b2");
    assertThat(last.rows()).extracting(RiskInput.Row::seq).containsExactly(4L);
    assertThat(last.more()).isFalse();
    assertThat(last.copies()).isEmpty();
  }

  @Test
  void aDatabaseFromBeforeCheckpointsHasItsStoredStateAtItsCursor() throws Exception {
    Path old = data.resolve("v7");
    try (Connection connection =
        engine.connectAtVersion(old, 7, Clock.fixed(NOW, ZoneOffset.UTC))) {
      try (Statement insert = connection.createStatement()) {
        insert.execute(
            "INSERT INTO risk_cursor (recipient, assessed_seq) VALUES ('" + RECIPIENT + "', 42)");
      }
      connection.commit();
    }

    try (GatewayStore migrated = engine.open(old, new MutableClock(NOW))) {
      RiskInput input = migrated.riskInput(RECIPIENT, 10);
      // The state was written with every step until then: nothing to judge again.
      assertThat(input.cursor()).isEqualTo(42);
      assertThat(input.stateSeq()).isEqualTo(42);
    }
  }

  @Test
  void splitGroupsStoredBeforeV13AreFoundUnderTheirShortKeysInTheSplitLogAfterV14()
      throws Exception {
    Path old = data.resolve("v12");
    String kind = SplitConsignmentDetector.STATE_KIND;
    // More groups than one page of the migration's step reads, over two recipients.
    int groups = RiskTables.IN_LIST_SIZE + 20;
    try (Connection connection =
        engine.connectAtVersion(old, 12, Clock.fixed(NOW, ZoneOffset.UTC))) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO risk_state (recipient, kind, state_key, state, expires_at_micros)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        for (int i = 0; i < groups; i++) {
          insert.setString(1, i % 2 == 0 ? RECIPIENT : "customs-be");
          insert.setString(2, kind);
          insert.setString(3, "mkt-1\nbuyer-" + i + "\nseller-1\nDE");
          insert.setBytes(4, new byte[] {(byte) i});
          insert.setLong(5, 1_800_000_000_000_000L);
          insert.addBatch();
        }
        insert.setString(1, RECIPIENT);
        insert.setString(2, "band");
        insert.setString(3, "610910\nPCE");
        insert.setBytes(4, new byte[] {7});
        insert.setNull(5, java.sql.Types.BIGINT);
        insert.addBatch();
        insert.executeBatch();
      }
      connection.commit();
    }

    try (GatewayStore migrated = engine.open(old, new MutableClock(NOW))) {
      for (int i = 0; i < groups; i++) {
        String recipient = i % 2 == 0 ? RECIPIENT : "customs-be";
        String fields = "mkt-1\nbuyer-" + i + "\nseller-1\nDE";
        StateKey rekeyed = new StateKey(kind, SplitConsignmentDetector.storedKey(fields));
        Map<StateKey, MemoryRiskState.Value> found =
            migrated.riskState(recipient, List.of(rekeyed, new StateKey(kind, fields)), NOW);
        assertThat(found).containsOnlyKeys(rekeyed);
        assertThat(found.get(rekeyed).value()).containsExactly((byte) i);
        assertThat(found.get(rekeyed).expiresAt()).isNotNull();
      }
      StateKey band = new StateKey("band", "610910\nPCE");
      assertThat(migrated.riskState(RECIPIENT, List.of(band), NOW).get(band).value())
          .containsExactly(7);
    }
    try (Connection connection = engine.connect(old)) {
      assertThat(count(connection, "SELECT SUM(group_count) FROM risk_split_page"))
          .isEqualTo(groups);
      assertThat(count(connection, "SELECT COUNT(*) FROM risk_value")).isEqualTo(1);
    }
  }

  @Test
  void splitGroupsOfTheV14LogAreFoundInPagesAfterV15AndLaterAppendsFollowThem() throws Exception {
    Path old = data.resolve("v14");
    String kind = SplitConsignmentDetector.STATE_KIND;
    // More groups than the migration reads at once, in a log with gaps a purge left.
    int groups = SplitLog.PACK_CHUNK + 20;
    long expires = JdbcGatewayStore.micros(NOW.plusSeconds(3600));
    try (Connection connection =
        engine.connectAtVersion(old, 14, Clock.fixed(NOW, ZoneOffset.UTC))) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO risk_split_log (recipient, seq, state_key, state, expires_at_micros)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        for (int i = 0; i < groups; i++) {
          insert.setString(1, RECIPIENT);
          insert.setLong(2, 100 + 2L * i);
          insert.setString(3, "g" + i);
          insert.setBytes(4, new byte[] {(byte) i});
          insert.setLong(5, expires);
          insert.addBatch();
        }
        // g0 changed again later, and a group of another recipient, kept.
        insert.setString(1, RECIPIENT);
        insert.setLong(2, 100 + 2L * groups);
        insert.setString(3, "g0");
        insert.setBytes(4, new byte[] {42});
        insert.setLong(5, expires);
        insert.addBatch();
        insert.setString(1, "customs-be");
        insert.setLong(2, 7);
        insert.setString(3, "b");
        insert.setBytes(4, new byte[] {8});
        insert.setNull(5, java.sql.Types.BIGINT);
        insert.addBatch();
        insert.executeBatch();
      }
      try (Statement sql = connection.createStatement()) {
        sql.execute(
            "INSERT INTO risk_position (recipient, assessed_seq, state_seq, split_seq)"
                + " VALUES ('"
                + RECIPIENT
                + "', 1, 1, "
                + (100 + 2L * groups)
                + ")");
      }
      connection.commit();
    }

    try (GatewayStore migrated = engine.open(old, new MutableClock(NOW))) {
      List<StateKey> asked = new ArrayList<>();
      for (int i = 0; i < groups; i++) {
        asked.add(new StateKey(kind, "g" + i));
      }
      Map<StateKey, MemoryRiskState.Value> found = migrated.riskState(RECIPIENT, asked, NOW);
      assertThat(found).containsOnlyKeys(asked);
      assertThat(found.get(asked.get(0)).value()).containsExactly(42);
      assertThat(found.get(asked.get(groups - 1)).value()).containsExactly((byte) (groups - 1));
      assertThat(found.get(asked.get(5)).expiresAt()).isEqualTo(NOW.plusSeconds(3600));
      StateKey other = new StateKey(kind, "b");
      assertThat(migrated.riskState("customs-be", List.of(other), NOW).get(other).value())
          .containsExactly(8);

      // The next checkpoint appends after the packed groups, on a page of its own.
      StateKey next = new StateKey(kind, "next");
      assertThat(
              migrated.commitRisk(
                  RiskStep.checkpoint(
                      RECIPIENT, 1, 1, 1, new TreeMap<>(), Map.of(next, value(3, null)))))
          .isTrue();
      assertThat(migrated.riskState(RECIPIENT, List.of(next, asked.get(0)), NOW))
          .containsOnlyKeys(next, asked.get(0));
    }
    try (Connection connection = engine.connect(old)) {
      assertThat(count(connection, "SELECT SUM(group_count) FROM risk_split_page"))
          .isEqualTo(groups + 3);
      long packed = groups + 1;
      assertThat(count(connection, "SELECT MAX(seq) FROM risk_split_page WHERE group_count = 1"))
          .isEqualTo(SplitPage.after(packed));
      assertThat(tableExists(connection, "risk_split_log")).isFalse();
    }
  }

  private static boolean tableExists(Connection connection, String table) throws Exception {
    try (ResultSet tables =
        connection.getMetaData().getTables(null, null, table, new String[] {"TABLE"})) {
      return tables.next();
    }
  }

  /** Writes a page of the split log, as another gateway on the same database would. */
  private void appendPage(String recipient, long seq, Map<String, Long> expiries) throws Exception {
    List<RiskRows.Value> groups = new ArrayList<>();
    Long latest = Long.MIN_VALUE;
    for (Map.Entry<String, Long> group : new TreeMap<>(expiries).entrySet()) {
      groups.add(
          new RiskRows.Value(
              new StateKey(SplitConsignmentDetector.STATE_KIND, group.getKey()),
              new byte[] {9},
              group.getValue()));
      latest =
          latest == null || group.getValue() == null ? null : Math.max(latest, group.getValue());
    }
    try (Connection connection = engine.connect(data);
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO risk_split_page (recipient, seq, group_count, page, expires_at_micros)"
                    + " VALUES (?, ?, ?, ?, ?)")) {
      insert.setString(1, recipient);
      insert.setLong(2, seq);
      insert.setInt(3, groups.size());
      insert.setBytes(4, SplitPage.encode(groups, 0, groups.size()));
      Sql.setNullable(insert, 5, latest);
      insert.executeUpdate();
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
    }
  }

  private static long count(Connection connection, String sql) throws Exception {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  private static MemoryRiskState.Value value(int b, Instant expiresAt) {
    return new MemoryRiskState.Value(new byte[] {(byte) b}, expiresAt);
  }

  @Test
  void aSplitGroupChangedAgainIsFoundAtItsLatestValue() throws Exception {
    StateKey group = new StateKey("split-group", "g");
    commit(2, 1);
    assertThat(checkpointed(0, 0, 1, Map.of(group, value(1, NOW.plusSeconds(600))))).isTrue();
    assertThat(store.riskState(RECIPIENT, List.of(group), NOW).get(group).value())
        .containsExactly(1);
    assertThat(checkpointed(1, 1, 2, Map.of(group, value(2, NOW.plusSeconds(900))))).isTrue();

    // The index took in the checkpoint's append: the same group, at its new position.
    assertThat(store.riskSplitGroupsIndexed()).isEqualTo(1);
    MemoryRiskState.Value found = store.riskState(RECIPIENT, List.of(group), NOW).get(group);

    assertThat(found.value()).containsExactly(2);
    assertThat(found.expiresAt()).isEqualTo(NOW.plusSeconds(900));
    // Appended, not updated: the earlier value stays until it expires.
    try (Connection connection = engine.connect(data)) {
      assertThat(count(connection, "SELECT COUNT(*) FROM risk_split_page")).isEqualTo(2);
    }
    // Between its two expiries the earlier value is gone from the purge, the latest found.
    assertThat(store.purgeExpiredRiskState(NOW.plusSeconds(700))).isEqualTo(1);
    assertThat(store.riskState(RECIPIENT, List.of(group), NOW).get(group).value())
        .containsExactly(2);
  }

  @Test
  void splitGroupsAreFoundAfterTheStoreIsOpenedAgain() {
    List<StateKey> groups = new ArrayList<>();
    Map<StateKey, MemoryRiskState.Value> values = new HashMap<>();
    // More than one page of the index's catch-up reads.
    for (int i = 0; i < SplitPage.GROUPS * SplitLog.CATCH_UP_PAGES + 5; i++) {
      StateKey group = new StateKey("split-group", "g" + i);
      groups.add(group);
      values.put(group, value(i, NOW.plusSeconds(600)));
    }
    commit(1, 1);
    assertThat(checkpointed(0, 0, 1, values)).isTrue();
    store.close();

    store = engine.open(data, new MutableClock(NOW));
    List<StateKey> asked = new ArrayList<>(groups);
    asked.add(new StateKey("split-group", "never-stored"));
    Map<StateKey, MemoryRiskState.Value> found = store.riskState(RECIPIENT, asked, NOW);

    assertThat(found).containsOnlyKeys(groups);
    assertThat(found.get(groups.get(7)).value()).containsExactly(7);
    assertThat(store.riskSplitGroupsIndexed()).isEqualTo(groups.size());
  }

  @Test
  void splitGroupsAnotherInstanceAppendedAreFoundByTheNextLookUp() throws Exception {
    StateKey ours = new StateKey("split-group", "ours");
    StateKey theirs = new StateKey("split-group", "theirs");
    commit(1, 1);
    assertThat(checkpointed(0, 0, 1, Map.of(ours, value(1, null)))).isTrue();
    assertThat(store.riskState(RECIPIENT, List.of(ours, theirs), NOW)).containsOnlyKeys(ours);

    // What another gateway on the same database appends at the recipient's next page.
    Map<String, Long> appended = new HashMap<>();
    appended.put("theirs", null);
    appendPage(RECIPIENT, SplitPage.after(1), appended);

    Map<StateKey, MemoryRiskState.Value> found =
        store.riskState(RECIPIENT, List.of(ours, theirs), NOW);
    assertThat(found).containsOnlyKeys(ours, theirs);
    assertThat(found.get(theirs).value()).containsExactly(9);
  }

  @Test
  void positionsOfPurgedSplitGroupsAreNeverTakenAgain() throws Exception {
    StateKey early = new StateKey("split-group", "early");
    StateKey late = new StateKey("split-group", "late");
    commit(2, 1);
    assertThat(checkpointed(0, 0, 1, Map.of(early, value(1, NOW.plusSeconds(60))))).isTrue();
    assertThat(store.riskState(RECIPIENT, List.of(early), NOW)).containsOnlyKeys(early);
    assertThat(store.purgeExpiredRiskState(NOW.plusSeconds(120))).isEqualTo(1);

    assertThat(checkpointed(1, 1, 2, Map.of(late, value(2, null)))).isTrue();

    try (Connection connection = engine.connect(data)) {
      assertThat(count(connection, "SELECT MIN(seq) FROM risk_split_page"))
          .isEqualTo(SplitPage.after(1));
    }
    assertThat(store.riskState(RECIPIENT, List.of(early, late), NOW)).containsOnlyKeys(late);
  }

  @Test
  void aFirstStepOfARecipientIsAppliedOnceFromAnEmptyCursor() {
    commit(1, 2);

    assertThat(store.commitRisk(step(0, 1, Map.of()))).isTrue();
    assertThat(store.commitRisk(step(0, 2, Map.of()))).isFalse();

    assertThat(store.riskCursor(RECIPIENT)).isEqualTo(1);
  }

  @Test
  void recordsAfterTheCursorCarryNoAssessmentAndCountAsLag() {
    commit(2, 3);
    assertThat(store.commitRisk(step(0, 2, Map.of(2L, SPLIT)))).isTrue();

    List<StoredPrice> feed = store.priceRecords(FeedQuery.after(RECIPIENT, 0, 10));

    assertThat(feed)
        .extracting(StoredPrice::assessment)
        .containsExactly(Assessment.NONE, SPLIT, null, null, null, null);
    assertThat(store.riskLag(List.of(RECIPIENT, "customs-be"))).isEqualTo(4);
  }

  @Test
  void findingsReadBackWithTheirScoresReasonsAndFiguresStrongestFirst() {
    commit(1, 1);
    assertThat(store.commitRisk(step(0, 1, Map.of(1L, UNDERVALUED_AND_LATE)))).isTrue();

    Assessment read = store.priceRecords(FeedQuery.after(RECIPIENT, 0, 1)).get(0).assessment();

    assertThat(read).isEqualTo(UNDERVALUED_AND_LATE);
    assertThat(read.findings().get(0).flag()).isEqualTo(Flag.UNDERVALUED);
    assertThat(read.findings().get(0).figures())
        .containsExactly(new Figure("unitValueEur", "0.40"), new Figure("bandLowEur", "6.00"));
    assertThat(read.score()).isEqualTo(70);
  }

  @Test
  void aFeedForFlaggedRecordsOnlySkipsTheRecordsWithoutFindings() {
    commit(2, 3);
    assertThat(store.commitRisk(step(0, 6, Map.of(2L, SPLIT, 5L, UNDERVALUED_AND_LATE)))).isTrue();

    FeedQuery all = FeedQuery.after(RECIPIENT, 0, 10);

    assertThat(store.priceRecords(all.flagged(null)))
        .extracting(StoredPrice::seq)
        .containsExactly(2L, 5L);
    assertThat(store.priceRecords(all.flagged(Flag.UNDERVALUED)))
        .extracting(StoredPrice::seq)
        .containsExactly(5L);
    assertThat(store.priceRecords(all.flagged(Flag.LATE_PAYMENT)))
        .extracting(StoredPrice::seq)
        .containsExactly(5L);
    assertThat(store.priceRecords(all.flagged(Flag.SPLIT_CONSIGNMENT)))
        .extracting(StoredPrice::seq)
        .containsExactly(2L);
    assertThat(store.priceRecords(all.flagged(Flag.TAX_SHORTFALL))).isEmpty();
    // Paging and the other filters combine with it.
    assertThat(store.priceRecords(FeedQuery.after(RECIPIENT, 2, 10).flagged(null)))
        .extracting(StoredPrice::seq)
        .containsExactly(5L);
    assertThat(store.priceRecords(FeedQuery.after(RECIPIENT, 0, 1).flagged(null)))
        .extracting(StoredPrice::seq)
        .containsExactly(2L);
    assertThat(store.priceRecords(all.upTo(4).flagged(null)))
        .extracting(StoredPrice::seq)
        .containsExactly(2L);
    FeedQuery byMarketplace =
        new FeedQuery(RECIPIENT, 0, null, 10, "mp-2", null, null, null, null, null);
    assertThat(store.priceRecords(byMarketplace.flagged(null))).isEmpty();
  }

  @Test
  void theSellerFeedRefusesRiskFilters() {
    assertThatThrownBy(() -> store.sellerRecords(FeedQuery.after(RECIPIENT, 0, 10).flagged(null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sellerRecordsCarryTheirSellersSummaryAndAnEmptyOneBeforeAny() {
    List<IndexEntry> entries = new ArrayList<>();
    entries.add(entry("t1", 1));
    entries.add(new IndexEntry("t2", 1, 1, Batches.digest("t2/1"), "FR"));
    store.commit(
        batch(
            "b1",
            "mp-1",
            Batches.digest("body b1"),
            Batches.RECEIVED,
            entries,
            e -> e.transactionId().equals("t2") ? "seller-2" : "seller-1"));
    store.catchUpFollower();
    SellerSummary summary = SellerSummary.EMPTY.withAssessment(SPLIT);
    assertThat(
            store.commitRisk(
                RiskStep.checkpoint(
                    RECIPIENT,
                    0,
                    0,
                    2,
                    new TreeMap<>(Map.of(1L, SPLIT)),
                    Map.of(
                        SellerSummary.key("mp-1", "seller-1"),
                        new MemoryRiskState.Value(summary.encode(), null)))))
        .isTrue();

    Map<String, SellerSummary> risk = new HashMap<>();
    store
        .sellerRecords(FeedQuery.after(RECIPIENT, 0, 10))
        .forEach(seller -> risk.put(seller.sellerId(), seller.risk()));

    assertThat(risk).containsOnlyKeys("seller-1", "seller-2");
    assertThat(risk.get("seller-1")).isEqualTo(summary);
    assertThat(risk.get("seller-1").flagged()).containsEntry(Flag.SPLIT_CONSIGNMENT, 1L);
    assertThat(risk.get("seller-2")).isEqualTo(SellerSummary.EMPTY);
  }

  @Test
  void expiredStateIsAbsentAndThePurgeDeletesItOnly() {
    StateKey old = new StateKey("split-group", "a");
    StateKey live = new StateKey("split-group", "b");
    StateKey kept = new StateKey("band", "c");
    commit(2, 1);
    assertThat(
            checkpointed(
                0,
                0,
                1,
                Map.of(old, new MemoryRiskState.Value(new byte[] {1}, NOW.minusSeconds(1)))))
        .isTrue();
    assertThat(
            checkpointed(
                1,
                1,
                2,
                Map.of(
                    live,
                    new MemoryRiskState.Value(new byte[] {2}, NOW.plusSeconds(60)),
                    kept,
                    new MemoryRiskState.Value(new byte[] {3}, null))))
        .isTrue();

    assertThat(store.riskState(RECIPIENT, List.of(old, live, kept), NOW))
        .containsOnlyKeys(live, kept);
    // At its expiry a value is gone.
    assertThat(store.riskState(RECIPIENT, List.of(live), NOW.plusSeconds(60))).isEmpty();

    assertThat(store.purgeExpiredRiskState(NOW)).isEqualTo(1);
    assertThat(store.purgeExpiredRiskState(NOW)).isZero();
    assertThat(store.riskState(RECIPIENT, List.of(old, live, kept), NOW.minusSeconds(10)))
        .containsOnlyKeys(live, kept);
  }

  @Test
  void aSplitPageGoesOnlyOnceEveryGroupInItHasExpired() throws Exception {
    StateKey early = new StateKey("split-group", "early");
    StateKey late = new StateKey("split-group", "late");
    commit(1, 1);
    assertThat(
            checkpointed(
                0,
                0,
                1,
                Map.of(early, value(1, NOW.plusSeconds(60)), late, value(2, NOW.plusSeconds(600)))))
        .isTrue();

    // Past the first expiry only: the expired group is absent, its page stays for the other.
    assertThat(store.purgeExpiredRiskState(NOW.plusSeconds(120))).isZero();
    assertThat(store.riskState(RECIPIENT, List.of(early, late), NOW.plusSeconds(120)))
        .containsOnlyKeys(late);
    assertThat(store.riskSplitGroupsIndexed()).isEqualTo(1);

    assertThat(store.purgeExpiredRiskState(NOW.plusSeconds(600))).isEqualTo(2);
    try (Connection connection = engine.connect(data)) {
      assertThat(count(connection, "SELECT COUNT(*) FROM risk_split_page")).isZero();
    }
  }

  @Test
  void thePurgeDeletesTheExpiredSplitGroupsOfARecipientWithoutAPosition() throws Exception {
    commit(1, 1);
    StateKey group = new StateKey("split-group", "a");
    assertThat(checkpointed(0, 0, 1, Map.of(group, value(1, NOW.plusSeconds(60))))).isTrue();
    // Groups of recipients no step ever positioned, before and after RECIPIENT in key order: none
    // is written so today, but the purge must not leave them, nor read the whole log for them.
    long expired = JdbcGatewayStore.micros(NOW.minusSeconds(1));
    long live = JdbcGatewayStore.micros(NOW.plusSeconds(60));
    appendPage("aaa-gone", 1, Map.of("x", expired, "w", expired));
    appendPage("aaa-gone", SplitPage.after(1), Map.of("y", live));
    appendPage("zzz-gone", 1, Map.of("x", expired));

    // The expired groups of the unpositioned recipients; RECIPIENT's group has not expired.
    assertThat(store.purgeExpiredRiskState(NOW)).isEqualTo(3);

    try (Connection connection = engine.connect(data)) {
      assertThat(count(connection, "SELECT COUNT(*) FROM risk_split_page")).isEqualTo(2);
      assertThat(
              count(
                  connection,
                  "SELECT COUNT(*) FROM risk_split_page WHERE recipient = 'aaa-gone' AND seq = "
                      + SplitPage.after(1)))
          .isEqualTo(1);
    }
    assertThat(store.riskState(RECIPIENT, List.of(group), NOW)).containsOnlyKeys(group);
  }

  @Test
  void thePurgeKeepsTheStateAReplayFromTheStoredPositionNeeds() {
    commit(2, 1);
    StateKey group = new StateKey("split-group", "a");
    assertThat(
            checkpointed(
                0,
                0,
                1,
                Map.of(group, new MemoryRiskState.Value(new byte[] {1}, NOW.plusSeconds(1800)))))
        .isTrue();
    // Record 2 is assessed, but the state does not follow it yet: a replay judges it again, at its
    // receipt, when the value had not expired.
    assertThat(store.commitRisk(new RiskStep(RECIPIENT, 1, 1, 2, new TreeMap<>(), Map.of(), false)))
        .isTrue();

    assertThat(store.purgeExpiredRiskState(NOW.plusSeconds(3600))).isZero();
    assertThat(store.riskState(RECIPIENT, List.of(group), NOW)).containsOnlyKeys(group);

    // Once the state follows record 2, no record left to judge needs the value.
    assertThat(checkpointed(2, 1, 2, Map.of())).isTrue();
    assertThat(store.purgeExpiredRiskState(NOW.plusSeconds(3600))).isEqualTo(1);
  }

  @Test
  void thePurgeSeesARecordStoredAfterItsLastLookWhoseReceiptIsEarlier() {
    Instant early = Batches.RECEIVED.minusSeconds(3600);
    store.commit(batch("b1", "mp-1", Batches.digest("b1"), List.of(entry("t1", 1))));
    store.commit(batch("b2", "mp-1", Batches.digest("b2"), List.of(entry("t2", 1))));
    StateKey group = new StateKey("split-group", "a");
    Instant expiry = early.plusSeconds(10);
    assertThat(checkpointed(0, 0, 1, Map.of(group, value(1, expiry)))).isTrue();
    assertThat(store.commitRisk(new RiskStep(RECIPIENT, 1, 1, 2, new TreeMap<>(), Map.of(), false)))
        .isTrue();
    // Before the value's expiry: nothing to purge; the purge has read record 2 (received later).
    assertThat(store.purgeExpiredRiskState(early)).isZero();

    // Record 3 was received before the value expired (receipt times are not in feed order): a
    // replay from the stored position judges it at its receipt, so the value must stay.
    store.commit(
        batch(
            "b3",
            "mp-1",
            Batches.digest("b3"),
            early,
            List.of(entry("t3", 1)),
            Batches.ONE_SELLER));
    store.catchUpFollower();
    assertThat(store.purgeExpiredRiskState(Batches.RECEIVED.plusSeconds(3600))).isZero();
    assertThat(store.riskState(RECIPIENT, List.of(group), early)).containsOnlyKeys(group);

    // Once the state follows every record, the value goes.
    assertThat(checkpointed(2, 1, 3, Map.of())).isTrue();
    assertThat(store.purgeExpiredRiskState(Batches.RECEIVED.plusSeconds(3600))).isEqualTo(1);
  }

  @Test
  void stateLoadsInChunksOfKeysOfSeveralKinds() {
    Map<StateKey, MemoryRiskState.Value> values = new HashMap<>();
    List<StateKey> asked = new ArrayList<>();
    for (int i = 0; i < 2 * RiskTables.IN_LIST_SIZE + 7; i++) {
      StateKey key = new StateKey(i % 2 == 0 ? "band" : "ioss", "k" + i);
      asked.add(key);
      if (i % 3 != 0) {
        values.put(key, new MemoryRiskState.Value(new byte[] {(byte) i}, null));
      }
    }
    commit(1, 1);
    assertThat(checkpointed(0, 0, 1, values)).isTrue();

    Map<StateKey, MemoryRiskState.Value> loaded = store.riskState(RECIPIENT, asked, NOW);

    assertThat(loaded).containsOnlyKeys(values.keySet());
    assertThat(loaded.get(new StateKey("ioss", "k1001")).value()).containsExactly((byte) 1001);
  }

  @Test
  void anUnfilteredPageWalksTheFeedAndLooksUpEachRecordsFindings() throws Exception {
    String text = plan(FeedQuery.after(RECIPIENT, 0, 10));

    if (engine == StoreEngine.EMBEDDED) {
      assertThat(text).contains("SEARCH p USING INDEX sqlite_autoindex_price_record_1");
      assertThat(text).contains("SEARCH a USING INDEX sqlite_autoindex_risk_assessment_1");
      assertThat(text).doesNotContain("SCAN").doesNotContain("TEMP B-TREE");
    } else {
      assertThat(text).contains("price_record_pkey").doesNotContain("Seq Scan on price_record");
    }
  }

  @Test
  void aFlaggedOnlyPageWalksTheFindingsByTheirPrimaryKey() throws Exception {
    String text = plan(FeedQuery.after(RECIPIENT, 0, 10).flagged(Flag.UNDERVALUED));

    if (engine == StoreEngine.EMBEDDED) {
      assertThat(text).contains("SEARCH a USING INDEX sqlite_autoindex_risk_assessment_1");
      assertThat(text).contains("SEARCH p USING INDEX sqlite_autoindex_price_record_1");
      assertThat(text).doesNotContain("SCAN").doesNotContain("TEMP B-TREE");
    } else {
      assertThat(text).contains("risk_assessment_pkey").contains("price_record_pkey");
      assertThat(text).doesNotContain("Seq Scan");
    }
  }

  /** The engine's plan of a price feed page. */
  private String plan(FeedQuery query) throws Exception {
    List<Object> parameters = new ArrayList<>();
    String sql = DeliveryTables.priceSql(query, parameters);
    List<String> plan = new ArrayList<>();
    try (Connection connection = engine.connectReader(data, 1_000)) {
      String explain =
          engine == StoreEngine.EMBEDDED ? "EXPLAIN QUERY PLAN " : "EXPLAIN (COSTS OFF) ";
      try (PreparedStatement select = connection.prepareStatement(explain + sql)) {
        Sql.bind(select, parameters);
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            plan.add(row.getString(engine == StoreEngine.EMBEDDED ? 4 : 1));
          }
        }
      }
    }

    return String.join("\n", plan);
  }
}
