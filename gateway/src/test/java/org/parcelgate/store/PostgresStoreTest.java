package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.parcelgate.store.Batches.RECIPIENT;
import static org.parcelgate.store.Batches.batch;
import static org.parcelgate.store.Batches.digest;
import static org.parcelgate.store.Batches.entry;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.protocol.MerkleTree;
import org.parcelgate.testing.MutableClock;
import org.parcelgate.testing.Postgres;

/**
 * Several gateway instances on one PostgreSQL database behave as one: each test opens two or three
 * {@link PostgresStore}s on the same database, as separate instances would, drives them from
 * threads at once, and counts what is stored from outside the stores, with a plain connection.
 */
@Timeout(120)
class PostgresStoreTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant LATER = NOW.plusSeconds(300);

  private final MutableClock clock = new MutableClock(NOW);
  private final List<GatewayStore> instances = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private PostgresStore.Server database;

  @BeforeEach
  void database() {
    database = Postgres.freshDatabase();
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    instances.forEach(GatewayStore::close);
  }

  /** A gateway instance's store on the shared database. */
  private GatewayStore instance() {
    return instance(database, EmbeddedStore.Settings.DEFAULT);
  }

  private GatewayStore instance(PostgresStore.Server server, EmbeddedStore.Settings settings) {
    GatewayStore store = PostgresStore.open(server, clock, settings, CommitListener.NONE);
    instances.add(store);
    return store;
  }

  // --- replay protection -----------------------------------------------------------------------

  @Test
  void aTokenIdUsedThroughOneInstanceIsAReplayOnAnother() throws Exception {
    GatewayStore first = instance();
    GatewayStore second = instance();
    GatewayStore third = instance();

    assertThat(first.firstUse("alpha", "jti-1", LATER)).isTrue();
    assertThat(second.firstUse("alpha", "jti-1", LATER)).isFalse();
    assertThat(third.firstUse("alpha", "jti-1", LATER)).isFalse();
    assertThat(third.firstUse("beta", "jti-1", LATER)).as("another issuer's token").isTrue();

    // The same token id presented to the three instances at once, many times over.
    List<GatewayStore> stores = List.of(first, second, third);
    for (int round = 0; round < 10; round++) {
      String jti = "contested-" + round;
      List<Boolean> answers =
          together(
              stores.stream()
                  .flatMap(store -> List.of(store, store).stream())
                  .map(store -> (Callable<Boolean>) () -> store.firstUse("alpha", jti, LATER))
                  .toList());
      assertThat(answers).as("round %d", round).containsOnlyOnce(true).hasSize(6);
      assertThat(count("SELECT COUNT(*) FROM token_id WHERE issuer = 'alpha' AND jti = ?", jti))
          .isEqualTo(1);
    }
  }

  // --- the same batch twice ---------------------------------------------------------------------

  @Test
  void theSameBatchCommittedThroughTwoInstancesAtOnceIsStoredOnce() throws Exception {
    GatewayStore first = instance();
    GatewayStore second = instance();
    int rounds = 10;

    for (int round = 0; round < rounds; round++) {
      String body = digest("body " + round);
      // Two instances each received the same body and built their batch from it.
      NewBatch one = batch("b-" + round + "-1", "alpha", body, List.of(entry("t-" + round, 1)));
      NewBatch other = batch("b-" + round + "-2", "alpha", body, List.of(entry("t-" + round, 1)));
      List<Boolean> stored = together(List.of(commits(first, one), commits(second, other)));

      assertThat(stored).as("round %d", round).containsExactlyInAnyOrder(true, false);
      assertThat(
              count(
                  "SELECT COUNT(*) FROM batch WHERE marketplace_id = 'alpha'"
                      + " AND body_sha256 = ?",
                  body))
          .isEqualTo(1);
      String winner = stored.get(0) ? one.batchId() : other.batchId();
      assertThat(first.batchByBodyDigest("alpha", body).orElseThrow().batchId()).isEqualTo(winner);
      assertThat(second.batchByBodyDigest("alpha", body).orElseThrow().batchId()).isEqualTo(winner);
    }
    // Nothing of the refused commits: one log entry, one index row, one price record per batch.
    assertThat(count("SELECT COUNT(*) FROM batch")).isEqualTo(rounds);
    assertThat(count("SELECT COUNT(*) FROM transaction_index")).isEqualTo(rounds);
    assertThat(count("SELECT COUNT(*) FROM minimization_log")).isEqualTo(rounds);
    assertThat(count("SELECT COUNT(*) FROM price_record")).isEqualTo(rounds);
    assertThat(first.logSize(LogName.MINIMIZATION)).isEqualTo(rounds);
  }

  /** A commit that answers whether it stored the batch (false: a conflict). */
  private static Callable<Boolean> commits(GatewayStore store, NewBatch batch) {
    return () -> {
      try {
        store.commit(batch);
        return true;
      } catch (StoreConflictException conflict) {
        return false;
      }
    };
  }

  // --- the feed ---------------------------------------------------------------------------------

  @Test
  void aReaderPagingTheFeedWhileThreeInstancesCommitNeitherSkipsNorRepeats() throws Exception {
    List<GatewayStore> writers = List.of(instance(), instance(), instance());
    GatewayStore reader = instance();
    int batchesPerInstance = 12;
    int recordsPerBatch = 5;
    int total = writers.size() * batchesPerInstance * recordsPerBatch;
    Set<String> committed = ConcurrentHashMap.newKeySet();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> writing = new ArrayList<>();
    for (int w = 0; w < writers.size(); w++) {
      GatewayStore store = writers.get(w);
      String instance = "i" + w;
      writing.add(
          threads.submit(
              () -> {
                start.await();
                for (int b = 0; b < batchesPerInstance; b++) {
                  List<IndexEntry> entries = new ArrayList<>();
                  for (int r = 0; r < recordsPerBatch; r++) {
                    entries.add(entry(instance + "-b" + b + "-t" + r, 1));
                  }
                  String batchId = instance + "-b" + b;
                  store.commit(batch(batchId, "alpha", digest("body of " + batchId), entries));
                  entries.forEach(e -> committed.add(e.transactionId()));
                }
                return null;
              }));
    }

    start.countDown();
    // Pages of 7 from the last position read, while the instances commit: each page must continue
    // exactly where the last ended. A gap seen now and filled later would be a skipped record.
    List<Long> positions = new ArrayList<>();
    List<String> read = new ArrayList<>();
    long cursor = 0;
    while (positions.size() < total) {
      List<StoredPrice> page = reader.priceRecords(FeedQuery.after(RECIPIENT, cursor, 7));
      for (StoredPrice record : page) {
        assertThat(record.seq()).as("the position after %d", cursor).isEqualTo(cursor + 1);
        cursor = record.seq();
        positions.add(record.seq());
        read.add(record.transactionId());
      }
      if (page.isEmpty()) {
        assertThat(writing.stream().allMatch(Future::isDone) && committed.size() < total)
            .as("a writer failed")
            .isFalse();
        Thread.onSpinWait();
      }
    }
    for (Future<?> w : writing) {
      w.get(60, TimeUnit.SECONDS);
    }

    assertThat(positions).hasSize(total);
    assertThat(positions.get(positions.size() - 1)).isEqualTo(total);
    assertThat(read).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(committed);
    assertThat(reader.priceRecords(FeedQuery.after(RECIPIENT, cursor, 7))).isEmpty();
    assertThat(count("SELECT COUNT(*) FROM price_record WHERE recipient = ?", RECIPIENT))
        .isEqualTo(total);
    assertThat(
            count(
                "SELECT COUNT(DISTINCT feed_seq) FROM price_record WHERE recipient = ?", RECIPIENT))
        .isEqualTo(total);
    for (GatewayStore store : writers) {
      assertThat(store.lastSeq(RECIPIENT, FeedKind.PRICE)).isEqualTo(total);
    }
  }

  // --- the minimization log ---------------------------------------------------------------------

  @Test
  void theMinimizationLogStaysOneTreeWhateverInstanceAppends() throws Exception {
    List<GatewayStore> appenders = List.of(instance(), instance(), instance());
    GatewayStore auditor = instance();
    int perInstance = 40;
    int total = appenders.size() * perInstance;
    Map<Long, byte[]> appended = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> appending = new ArrayList<>();
    for (int a = 0; a < appenders.size(); a++) {
      GatewayStore store = appenders.get(a);
      String instance = "i" + a;
      appending.add(
          threads.submit(
              () -> {
                start.await();
                for (int i = 0; i < perInstance; i++) {
                  String text = "{\"instance\":\"" + instance + "\",\"n\":" + i + "}";
                  byte[] leaf = MerkleTree.leafHash(text.getBytes(StandardCharsets.UTF_8));
                  long index =
                      store.appendLog(
                          LogName.MINIMIZATION,
                          new LogAppend("read", NOW, null, null, text, leaf, List.of()));
                  assertThat(appended.put(index, leaf)).as("index %d given twice", index).isNull();
                }
                return null;
              }));
    }

    // While they append, the auditor takes tree heads of the sizes it sees.
    start.countDown();
    Map<Long, byte[]> heads = new TreeMap<>();
    boolean done = false;
    while (!done) {
      done = appending.stream().allMatch(Future::isDone);
      long size = auditor.logSize(LogName.MINIMIZATION);
      if (size > 0 && !heads.containsKey(size)) {
        heads.put(size, auditor.logRoot(LogName.MINIMIZATION, size));
      }
    }
    for (Future<?> a : appending) {
      a.get(60, TimeUnit.SECONDS);
    }

    // Dense: every index from 0 to total - 1 was handed out once.
    assertThat(new TreeMap<>(appended).keySet())
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, total).boxed().toList());
    List<byte[]> leaves = new ArrayList<>(new TreeMap<>(appended).values());
    byte[] root = MerkleTree.root(leaves);
    assertThat(count("SELECT COUNT(*) FROM minimization_log")).isEqualTo(total);
    assertThat(count("SELECT COUNT(DISTINCT log_index) FROM minimization_log")).isEqualTo(total);
    for (GatewayStore store : instances) {
      assertThat(store.logSize(LogName.MINIMIZATION)).isEqualTo(total);
      assertThat(store.logRoot(LogName.MINIMIZATION, total)).isEqualTo(root);
    }
    assertThat(auditor.logRange(LogName.MINIMIZATION, 0, total))
        .extracting(LogRow::leafHash)
        .containsExactlyElementsOf(leaves);
    // Every entry is in the tree, proved through whichever instance.
    for (int index = 0; index < total; index++) {
      GatewayStore prover = appenders.get(index % appenders.size());
      assertThat(
              MerkleTree.verifyInclusion(
                  leaves.get(index),
                  index,
                  total,
                  prover.logInclusionProof(LogName.MINIMIZATION, index, total),
                  root))
          .as("inclusion of %d", index)
          .isTrue();
    }
    // Every head seen during the appends is a prefix of the final tree.
    assertThat(heads).isNotEmpty();
    for (Map.Entry<Long, byte[]> head : heads.entrySet()) {
      long size = head.getKey();
      GatewayStore prover = appenders.get((int) (size % appenders.size()));
      assertThat(
              MerkleTree.verifyConsistency(
                  size,
                  total,
                  head.getValue(),
                  root,
                  prover.logConsistencyProof(LogName.MINIMIZATION, size, total)))
          .as("consistency of %d with %d", size, total)
          .isTrue();
    }

    // One checkpoint sequence: instances signing the same size at once store one checkpoint.
    String rootHash = Base64.getUrlEncoder().withoutPadding().encodeToString(root);
    List<Callable<Boolean>> signing = new ArrayList<>();
    for (GatewayStore store : appenders) {
      signing.add(
          () -> {
            store.saveCheckpoint(
                LogName.MINIMIZATION, new StoredCheckpoint(total, rootHash, NOW, "jws-" + store));
            return true;
          });
    }
    assertThat(together(signing)).containsOnly(true);
    assertThat(auditor.checkpoints(LogName.MINIMIZATION))
        .extracting(StoredCheckpoint::treeSize)
        .containsExactly((long) total);
    assertThat(count("SELECT COUNT(*) FROM log_checkpoint")).isEqualTo(1);
  }

  // --- starting together ----------------------------------------------------------------------

  @Test
  void anInstanceStartingWhileAnotherMigratesWaitsPastItsStoreTimeout() throws Exception {
    // Another instance migrating: it holds the migrations lock, longer than this one's deadline.
    EmbeddedStore.Settings quick =
        new EmbeddedStore.Settings(Duration.ofMillis(500), Duration.ofSeconds(1));
    try (Connection migrating =
            PostgresStore.connect(
                database, EmbeddedStore.Settings.DEFAULT, Connection.TRANSACTION_READ_COMMITTED);
        java.sql.Statement sql = migrating.createStatement()) {
      sql.execute("SELECT pg_advisory_lock(" + PostgresDialect.MIGRATIONS_LOCK + ")");
      Future<GatewayStore> starting = threads.submit(() -> instance(database, quick));
      // Bounded wait until the starting instance has waited for the lock twice its lock timeout.
      org.parcelgate.testing.Await.until(
          () -> starting.isDone() || waitingForTheMigrationsLockOverASecond(),
          "the starting instance waits for the migrations lock");
      assertThat(starting.isDone()).as("gave up waiting for the migrating instance").isFalse();

      sql.execute("SELECT pg_advisory_unlock(" + PostgresDialect.MIGRATIONS_LOCK + ")");
      GatewayStore started = starting.get(60, TimeUnit.SECONDS);
      assertThat(started.firstUse("alpha", "jti-1", LATER)).isTrue();
    }
  }

  private boolean waitingForTheMigrationsLockOverASecond() {
    try {
      return count(
              "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                  + " AND wait_event = 'advisory' AND datname = current_database()"
                  + " AND now() - query_start > interval '1 second'")
          > 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- an unreachable server --------------------------------------------------------------------

  @Test
  void anUnreachableServerMakesTheStoreUnavailableWithoutHalfWrites(@TempDir Path data)
      throws Exception {
    // A server of its own, which this test stops and starts again on the same data and port.
    EmbeddedPostgres own = start(data, 0);
    int port = own.getPort();
    PostgresStore.Server server =
        new PostgresStore.Server(
            own.getJdbcUrl("postgres", "postgres"), "postgres", new char[0], 1);
    GatewayStore store =
        instance(server, new EmbeddedStore.Settings(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    store.commit(batch("b-1", "alpha", entry("t-1", 1)));

    own.close();

    assertThatThrownBy(() -> store.commit(batch("b-2", "alpha", entry("t-2", 1))))
        .isInstanceOfSatisfying(
            StoreUnavailableException.class,
            e -> assertThat(e.fault().kind()).isEqualTo(StoreFault.Kind.UNREACHABLE));
    assertThat(store.health().available()).isFalse();
    assertThat(store.health().outage())
        .hasValueSatisfying(
            outage -> assertThat(outage.fault().kind()).isEqualTo(StoreFault.Kind.UNREACHABLE));
    assertThatThrownBy(() -> store.firstUse("alpha", "jti-1", LATER))
        .isInstanceOf(StoreUnavailableException.class)
        .hasNoCause();

    // The server back on the same data: the store recovers at its next probe, and holds the batch
    // committed before and nothing of the refused one.
    own = start(data, port);
    clock.advance(Duration.ofSeconds(5));
    try {
      store.probe();
      assertThat(store.health().available()).isTrue();
      assertThat(store.batch("alpha", "b-1")).isPresent();
      assertThat(store.batch("alpha", "b-2")).isEmpty();
      assertThat(store.latestVersions("alpha", List.of("t-2"))).isEmpty();
      assertThat(store.logSize(LogName.MINIMIZATION)).isEqualTo(1);
      store.commit(batch("b-2", "alpha", entry("t-2", 1)));
      assertThat(store.batch("alpha", "b-2")).isPresent();
    } finally {
      store.close();
      instances.remove(store);
      own.close();
    }
  }

  /** A server on {@code data} (kept when it stops), on {@code port} or any free one (0). */
  private static EmbeddedPostgres start(Path data, int port) throws java.io.IOException {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(data.resolve("pgdata"))
            .setCleanDataDirectory(false)
            .setServerConfig("synchronous_commit", "on");
    if (port != 0) {
      builder.setPort(port);
    }
    return builder.start();
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Runs the calls on threads of their own, released together, and returns their answers. */
  private <T> List<T> together(List<Callable<T>> calls) throws Exception {
    CountDownLatch ready = new CountDownLatch(calls.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> call : calls) {
      futures.add(
          threads.submit(
              () -> {
                ready.countDown();
                go.await();
                return call.call();
              }));
    }
    assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
    go.countDown();
    List<T> answers = new CopyOnWriteArrayList<>();
    for (Future<T> future : futures) {
      answers.add(future.get(60, TimeUnit.SECONDS));
    }
    return new ArrayList<>(answers);
  }

  /** A count, read from outside the stores with a connection of its own. */
  private long count(String sql, String... parameters) throws SQLException {
    try (Connection connection =
            PostgresStore.connect(
                database, EmbeddedStore.Settings.DEFAULT, Connection.TRANSACTION_READ_COMMITTED);
        PreparedStatement select = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        select.setString(i + 1, parameters[i]);
      }
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }
}
