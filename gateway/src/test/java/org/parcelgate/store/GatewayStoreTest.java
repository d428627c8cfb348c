package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.parcelgate.store.Batches.RECEIVED;
import static org.parcelgate.store.Batches.batch;
import static org.parcelgate.store.Batches.digest;
import static org.parcelgate.store.Batches.entry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.parcelgate.testing.MutableClock;

/**
 * The store's behaviour on each engine: batches, versions, replay protection, migrations. What is
 * about the SQLite file itself is in {@link EmbeddedStoreTest}.
 */
@Timeout(60)
@ParameterizedClass
@EnumSource(StoreEngine.class)
class GatewayStoreTest {
  @Parameter StoreEngine engine;

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path data;
  private final MutableClock clock = new MutableClock(NOW);
  private GatewayStore store;

  @BeforeEach
  void open() {
    store = engine.open(data, clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  // --- batches -------------------------------------------------------------------------------

  @Test
  void findsBatchByDigestAndById() {
    NewBatch stored = batch("b-1", "alpha", entry("t-1", 1), entry("t-2", 1));
    store.commit(stored);

    BatchRecord expected =
        new BatchRecord(
            "b-1",
            "alpha",
            stored.bodySha256(),
            RECEIVED,
            3,
            2,
            1,
            "receipt-of-b-1",
            "{\"batchId\":\"b-1\"}");
    assertThat(store.batch("alpha", "b-1")).contains(expected);
    assertThat(store.batchByBodyDigest("alpha", stored.bodySha256())).contains(expected);
  }

  @Test
  void doesNotFindAnotherMarketplacesBatch() {
    NewBatch stored = batch("b-1", "alpha", entry("t-1", 1));
    store.commit(stored);

    assertThat(store.batch("beta", "b-1")).isEmpty();
    assertThat(store.batchByBodyDigest("beta", stored.bodySha256())).isEmpty();
  }

  @Test
  void doesNotFindUnknownBatch() {
    assertThat(store.batch("alpha", "nope")).isEmpty();
    assertThat(store.batchByBodyDigest("alpha", digest("nope"))).isEmpty();
    assertThat(store.minimizedRecords("nope", Batches.RECIPIENT)).isEmpty();
  }

  @Test
  void returnsMinimizedRecordsAsStoredPerRecipient() {
    store.commit(batch("b-1", "alpha", entry("t-1", 1)));

    assertThat(store.minimizedRecords("b-1", Batches.RECIPIENT))
        .hasValueSatisfying(
            copy -> {
              assertThat(new String(copy.records(), StandardCharsets.UTF_8))
                  .isEqualTo("records of b-1");
              assertThat(copy.policyId()).isEqualTo("customs-default");
              assertThat(copy.recordCount()).isEqualTo(1);
            });
    assertThat(store.minimizedRecords("b-1", "customs-other")).isEmpty();
  }

  @Test
  void storesBatchThatAcceptedNothing() {
    NewBatch nothing =
        new NewBatch(
            "b-0",
            "alpha",
            digest("all rejected"),
            "jti-0",
            RECEIVED,
            "fingerprint-v1",
            5,
            0,
            5,
            "receipt",
            "{}",
            List.of(),
            List.of(),
            List.of(),
            List.of());
    store.commit(nothing);

    assertThat(store.batch("alpha", "b-0"))
        .hasValueSatisfying(b -> assertThat(b.rejectedCount()).isEqualTo(5));
    assertThat(store.minimizedRecords("b-0", Batches.RECIPIENT)).isEmpty();
    assertThat(store.logSize(LogName.MINIMIZATION)).isZero();
  }

  @Test
  void keepsReceivedTimeToTheMicrosecond() {
    NewBatch stored =
        withReceivedAt(
            batch("b-1", "alpha", entry("t-1", 1)),
            Instant.parse("2026-03-01T10:15:30.123456789Z"));
    store.commit(stored);

    assertThat(store.batch("alpha", "b-1").orElseThrow().receivedAt())
        .isEqualTo(Instant.parse("2026-03-01T10:15:30.123456Z"));
  }

  @Test
  void commitsWholeBatchAtomically() {
    // The second index row repeats (marketplace, transaction id, version): the last write fails.
    NewBatch broken = batch("b-1", "alpha", entry("t-1", 1), entry("t-2", 1), entry("t-1", 1));

    assertThatThrownBy(() -> store.commit(broken)).isInstanceOf(StoreConflictException.class);

    assertThat(store.batch("alpha", "b-1")).isEmpty();
    assertThat(store.batchByBodyDigest("alpha", broken.bodySha256())).isEmpty();
    assertThat(store.minimizedRecords("b-1", Batches.RECIPIENT)).isEmpty();
    assertThat(store.logSize(LogName.MINIMIZATION))
        .as("no log entry of a batch that is not stored")
        .isZero();
    assertThat(store.latestVersions("alpha", List.of("t-1", "t-2"))).isEmpty();
    // And the store is still usable: the same batch, fixed, goes in.
    store.commit(batch("b-1", "alpha", entry("t-1", 1), entry("t-2", 1)));
    assertThat(store.latestVersions("alpha", List.of("t-1", "t-2"))).hasSize(2);
  }

  @Test
  void refusesSecondBatchWithSameBodyDigest() {
    NewBatch first = batch("b-1", "alpha", digest("body"), List.of(entry("t-1", 1)));
    NewBatch again = batch("b-2", "alpha", digest("body"), List.of(entry("t-2", 1)));
    store.commit(first);

    assertThatThrownBy(() -> store.commit(again))
        .isInstanceOf(StoreConflictException.class)
        .hasNoCause();

    assertThat(store.batch("alpha", "b-2")).isEmpty();
    assertThat(store.latestVersions("alpha", List.of("t-2"))).isEmpty();
    assertThat(store.batchByBodyDigest("alpha", digest("body")).orElseThrow().batchId())
        .isEqualTo("b-1");
  }

  @Test
  void acceptsSameBodyDigestFromAnotherMarketplace() {
    store.commit(batch("b-1", "alpha", digest("body"), List.of(entry("t-1", 1))));
    store.commit(batch("b-2", "beta", digest("body"), List.of(entry("t-1", 1))));

    assertThat(store.batchByBodyDigest("beta", digest("body")).orElseThrow().batchId())
        .isEqualTo("b-2");
  }

  @Test
  void refusesTransactionVersionStoredByAnotherBatch() {
    store.commit(batch("b-1", "alpha", entry("t-1", 1)));

    assertThatThrownBy(() -> store.commit(batch("b-2", "alpha", entry("t-2", 1), entry("t-1", 1))))
        .isInstanceOf(StoreConflictException.class);

    assertThat(store.batch("alpha", "b-2")).isEmpty();
    assertThat(store.latestVersions("alpha", List.of("t-2"))).isEmpty();
  }

  @Test
  void refusesOverLongValuesBeforeWritingAnything() {
    NewBatch tooLong = batch("b-1", "alpha", entry("t".repeat(Limits.MAX_TEXT_LENGTH + 1), 1));

    assertThatThrownBy(() -> store.commit(tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("ttt");
    assertThat(store.batch("alpha", "b-1")).isEmpty();
  }

  // --- versions ------------------------------------------------------------------------------

  @Test
  void latestVersionsReturnsHighestVersion() {
    IndexEntry v1 = entry("t-1", 1);
    IndexEntry v2 = entry("t-1", 2);
    IndexEntry v3 = entry("t-1", 3);
    store.commit(batch("b-1", "alpha", v1, entry("t-2", 1)));
    store.commit(batch("b-3", "alpha", v3));
    store.commit(batch("b-2", "alpha", v2));
    store.commit(batch("b-4", "beta", entry("t-1", 7)));

    Map<String, TransactionVersion> latest =
        store.latestVersions("alpha", List.of("t-1", "t-2", "t-unknown"));

    assertThat(latest)
        .containsOnly(
            Map.entry("t-1", new TransactionVersion("t-1", 3, v3.recordSha256())),
            Map.entry("t-2", new TransactionVersion("t-2", 1, entry("t-2", 1).recordSha256())));
  }

  @Test
  void latestVersionsLooksUpMoreIdsThanOneQueryTakes() {
    List<IndexEntry> entries = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < JdbcGatewayStore.IN_LIST_SIZE * 2 + 7; i++) {
      entries.add(entry("t-" + i, 1));
      ids.add("t-" + i);
    }
    store.commit(batch("b-1", "alpha", digest("big"), entries));
    ids.add("t-unknown");

    assertThat(store.latestVersions("alpha", ids)).hasSize(entries.size());
    assertThat(store.latestVersions("alpha", List.of())).isEmpty();
  }

  // --- replay protection ---------------------------------------------------------------------

  @Test
  void firstUseRefusesRepeatUntilItExpires() {
    Instant retainUntil = NOW.plus(Duration.ofMinutes(5));

    assertThat(store.firstUse("alpha", "jti-1", retainUntil)).isTrue();
    assertThat(store.firstUse("alpha", "jti-1", retainUntil)).isFalse();
    assertThat(store.firstUse("beta", "jti-1", retainUntil)).isTrue();

    clock.advance(Duration.ofMinutes(5));
    assertThat(store.firstUse("alpha", "jti-1", retainUntil)).isFalse();
    clock.advance(Duration.ofMillis(1));
    Instant later = clock.instant().plus(Duration.ofMinutes(5));
    assertThat(store.firstUse("alpha", "jti-1", later)).isTrue();
    assertThat(store.firstUse("alpha", "jti-1", later)).isFalse();
  }

  @Test
  void firstUseIsDurableAcrossReopen() {
    assertThat(store.firstUse("alpha", "jti-1", NOW.plusSeconds(300))).isTrue();
    store.close();

    store = engine.open(data, clock);

    assertThat(store.firstUse("alpha", "jti-1", NOW.plusSeconds(300))).isFalse();
  }

  @Test
  void purgesExpiredTokenIds() {
    store.firstUse("alpha", "old-1", NOW.minusSeconds(10));
    store.firstUse("alpha", "old-2", NOW.minusMillis(1));
    store.firstUse("alpha", "current", NOW);
    store.firstUse("alpha", "future", NOW.plusSeconds(60));

    assertThat(store.purgeExpiredTokenIds(NOW)).isEqualTo(2);
    assertThat(store.purgeExpiredTokenIds(NOW)).isZero();

    assertThat(store.firstUse("alpha", "current", NOW)).isFalse();
    assertThat(store.firstUse("alpha", "future", NOW.plusSeconds(60))).isFalse();
    assertThat(store.firstUse("alpha", "old-1", NOW.plusSeconds(60))).isTrue();
  }

  @Test
  void concurrentFirstUseOfSameJtiSucceedsExactlyOnce() throws Exception {
    int threads = 16;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.firstUse("alpha", "contested", NOW.plusSeconds(300));
                }));
      }
      start.countDown();
      int firsts = 0;
      for (Future<Boolean> result : results) {
        firsts += result.get() ? 1 : 0;
      }
      assertThat(firsts).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentCommitsOfSameBodyStoreExactlyOne() throws Exception {
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        NewBatch attempt =
            batch("b-" + i, "alpha", digest("same body"), List.of(entry("t-" + i, 1)));
        Callable<Boolean> commit =
            () -> {
              start.await();
              try {
                store.commit(attempt);
                return true;
              } catch (StoreConflictException conflict) {
                return false;
              }
            };
        results.add(pool.submit(commit));
      }
      start.countDown();
      int stored = 0;
      for (Future<Boolean> result : results) {
        stored += result.get() ? 1 : 0;
      }
      assertThat(stored).isEqualTo(1);
      String winner = store.batchByBodyDigest("alpha", digest("same body")).orElseThrow().batchId();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        ids.add("t-" + i);
      }
      assertThat(store.latestVersions("alpha", ids))
          .containsOnlyKeys("t-" + winner.substring("b-".length()));
    } finally {
      pool.shutdownNow();
    }
  }

  // --- migrations and settings ---------------------------------------------------------------

  @Test
  void migrationsRunOnceAndAreRecorded() {
    List<Migrations.Applied> applied = ((JdbcGatewayStore) store).appliedMigrations();
    assertThat(applied)
        .extracting(Migrations.Applied::version)
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    assertThat(applied.get(0).description()).isEqualTo("create tables");
    assertThat(applied.get(1).description()).isEqualTo("minimization log");
    assertThat(applied.get(2).description()).isEqualTo("delivery");
    assertThat(applied.get(0).appliedAt()).isEqualTo(NOW);
    assertThat(applied.get(0).checksum()).isEqualTo(Migrations.shipped().get(0).checksum());
    store.commit(batch("b-1", "alpha", entry("t-1", 1)));
    store.close();

    clock.advance(Duration.ofHours(1));
    store = engine.open(data, clock);

    assertThat(((JdbcGatewayStore) store).appliedMigrations()).isEqualTo(applied);
    assertThat(store.batch("alpha", "b-1")).isPresent();
  }

  @Test
  void refusesToOpenWhenAnAppliedMigrationChanged() throws Exception {
    store.close();
    execute("UPDATE schema_version SET checksum = 'edited' WHERE version = 1");

    assertThatThrownBy(() -> engine.open(data, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("V1 changed");
  }

  @Test
  void refusesToOpenDatabaseNewerThanTheCode() throws Exception {
    store.close();
    execute(
        "INSERT INTO schema_version (version, description, checksum, applied_at_micros)"
            + " VALUES (99, 'from the future', 'x', 0)");

    assertThatThrownBy(() -> engine.open(data, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("newer");
  }

  @Test
  void refusesUseAfterClose() {
    store.close();

    assertThatThrownBy(() -> store.batch("alpha", "b-1")).isInstanceOf(StoreException.class);
    store.close(); // idempotent
  }

  private void execute(String sql) throws Exception {
    try (Connection connection = engine.connect(data);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static NewBatch withReceivedAt(NewBatch b, Instant receivedAt) {
    return new NewBatch(
        b.batchId(),
        b.marketplaceId(),
        b.bodySha256(),
        b.requestJti(),
        receivedAt,
        b.writerSchemaFingerprint(),
        b.recordCount(),
        b.acceptedCount(),
        b.rejectedCount(),
        b.receiptJws(),
        b.resultJson(),
        b.entries(),
        b.minimized(),
        b.log(),
        b.priceRecords());
  }
}
