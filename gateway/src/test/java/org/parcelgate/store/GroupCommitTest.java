package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.parcelgate.store.Batches.batch;
import static org.parcelgate.store.Batches.entry;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.MutableClock;

/**
 * Group commit on a real database of each engine: the writes waiting for the writer share one
 * commit, each write fails alone, and a failed commit fails all of its group. To make a group
 * without relying on timing, a first write holds the writer thread until the writes under test are
 * all queued.
 */
@Timeout(60)
@ParameterizedClass
@EnumSource(StoreEngine.class)
class GroupCommitTest {
  @Parameter StoreEngine engine;

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant LATER = NOW.plusSeconds(600);

  @TempDir Path data;
  private final MutableClock clock = new MutableClock(NOW);
  private final List<Integer> groups = new CopyOnWriteArrayList<>();
  private final ExecutorService callers = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);
  private StoreGuard guard;
  private JdbcGatewayStore store;

  @AfterEach
  void close() {
    release.countDown();
    callers.shutdownNow();
    if (store != null) {
      store.close();
    }
  }

  @Test
  void writesWaitingForTheWriterShareOneCommit() throws Exception {
    open(64, false);
    Future<?> holder = holdWriter();
    List<Future<Boolean>> uses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String jti = "jti-" + i;
      uses.add(callers.submit(() -> store.firstUse("alpha", jti, LATER)));
    }
    awaitQueued(20);
    release.countDown();

    holder.get(30, TimeUnit.SECONDS);
    for (Future<Boolean> use : uses) {
      assertThat(use.get(30, TimeUnit.SECONDS)).isTrue();
    }
    // The holder alone, then the twenty together: 2 commits for 21 writes.
    assertThat(groups).containsExactly(1, 20);
    assertThat(store.firstUse("alpha", "jti-7", LATER)).isFalse();
  }

  @Test
  void aGroupTakesNoMoreWritesThanTheBound() throws Exception {
    open(8, false);
    Future<?> holder = holdWriter();
    List<Future<Boolean>> uses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String jti = "jti-" + i;
      uses.add(callers.submit(() -> store.firstUse("alpha", jti, LATER)));
    }
    awaitQueued(20);
    release.countDown();

    holder.get(30, TimeUnit.SECONDS);
    for (Future<Boolean> use : uses) {
      assertThat(use.get(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(groups).containsExactly(1, 8, 8, 4);
  }

  @Test
  void aConflictInOneWriteOfAGroupFailsOnlyThatWrite() throws Exception {
    open(64, false);
    store.commit(batch("b-1", "alpha", entry("t-1", 1)));
    Future<?> holder = holdWriter();
    Future<?> second = callers.submit(() -> store.commit(batch("b-2", "alpha", entry("t-2", 1))));
    awaitQueued(1);
    // The same transaction version as b-1's: a violated unique key, in the middle of the group.
    Future<?> conflicting =
        callers.submit(() -> store.commit(batch("b-3", "alpha", entry("t-1", 1))));
    awaitQueued(2);
    Future<Boolean> firstOfJti = callers.submit(() -> store.firstUse("alpha", "jti-x", LATER));
    awaitQueued(3);
    Future<Boolean> repeatOfJti = callers.submit(() -> store.firstUse("alpha", "jti-x", LATER));
    awaitQueued(4);
    Future<?> third = callers.submit(() -> store.commit(batch("b-4", "alpha", entry("t-4", 1))));
    awaitQueued(5);
    release.countDown();

    holder.get(30, TimeUnit.SECONDS);
    second.get(30, TimeUnit.SECONDS);
    third.get(30, TimeUnit.SECONDS);
    assertThatThrownBy(() -> conflicting.get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(StoreConflictException.class);
    // A repeated token id in the same group: the first is the first use, the repeat is refused.
    assertThat(firstOfJti.get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(repeatOfJti.get(30, TimeUnit.SECONDS)).isFalse();
    assertThat(groups).containsExactly(1, 1, 5);

    assertThat(store.batch("alpha", "b-2")).isPresent();
    assertThat(store.batch("alpha", "b-4")).isPresent();
    assertThat(store.batch("alpha", "b-3")).isEmpty();
    assertThat(store.minimizedRecords("b-3", Batches.RECIPIENT)).isEmpty();
    assertThat(store.latestVersions("alpha", List.of("t-1")).get("t-1").recordSha256())
        .isEqualTo(Batches.digest("t-1/1"));
    assertThat(store.health().available()).isTrue();
  }

  @Test
  void aFailedCommitFailsEveryWriteOfItsGroupAndStoresNoneOfThem() throws Exception {
    // A foreign key checked only at COMMIT: the group's statements all succeed, its COMMIT fails.
    open(64, true);
    try (Connection connection = engine.connect(data);
        Statement sql = connection.createStatement()) {
      sql.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
      sql.execute(
          "CREATE TABLE child (parent_id INTEGER"
              + " REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)");
    }
    Future<?> holder = holdWriter();
    Future<?> batch = callers.submit(() -> store.commit(batch("b-1", "alpha", entry("t-1", 1))));
    awaitQueued(1);
    Future<Boolean> use = callers.submit(() -> store.firstUse("alpha", "jti-1", LATER));
    awaitQueued(2);
    Future<?> orphan =
        callers.submit(
            () ->
                guard.write(
                    connection -> {
                      try (PreparedStatement insert =
                          connection.prepareStatement("INSERT INTO child VALUES (42)")) {
                        return insert.executeUpdate();
                      }
                    }));
    awaitQueued(3);
    release.countDown();

    holder.get(30, TimeUnit.SECONDS);
    for (Future<?> write : List.of(batch, use, orphan)) {
      assertThatThrownBy(() -> write.get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(StoreException.class)
          // SQLite's result code, PostgreSQL's SQLState: a violated foreign key.
          .hasMessageContaining(engine == StoreEngine.EMBEDDED ? "FOREIGNKEY" : "23503");
    }
    // Only the holder's group committed; nothing of the failed group is stored.
    assertThat(groups).containsExactly(1);
    assertThat(store.batch("alpha", "b-1")).isEmpty();
    assertThat(store.latestVersions("alpha", List.of("t-1"))).isEmpty();
    // Not a fault of the disk: the store stays available, and the next group commits.
    assertThat(store.health().available()).isTrue();
    assertThat(store.firstUse("alpha", "jti-1", LATER)).isTrue();
    assertThat(groups).containsExactly(1, 1);
  }

  @Test
  void aSnapshotReadDoesNotWaitForTheWriteLock() throws Exception {
    open(64, false);
    store.commit(batch("b-1", "alpha", entry("t-1", 1)));
    store.catchUpFollower();
    try (Connection other = engine.connect(data);
        Statement sql = other.createStatement()) {
      engine.holdWriteLock(other);
      sql.execute("DELETE FROM token_id");
      // A read in one transaction over several statements, while another connection holds the
      // write lock: a read transaction reads its snapshot; one that took the write lock (SQLite's
      // BEGIN IMMEDIATE) would wait for it past the deadline.
      assertThat(store.sellerRecords(FeedQuery.after(Batches.RECIPIENT, 0, 10))).hasSize(1);
      assertThat(store.batch("alpha", "b-1")).isPresent();
      sql.execute("ROLLBACK");
    }
    assertThat(store.health().available()).isTrue();
  }

  /**
   * A store with a short deadline whose commits the test hears of.
   *
   * @param foreignKeys whether the writer's connection checks foreign keys
   */
  private void open(int maxWritesPerCommit, boolean foreignKeys) {
    store =
        engine.assemble(
            data,
            clock,
            400,
            foreignKeys,
            writer ->
                guard =
                    new StoreGuard(
                        new StoreHealth(clock),
                        engine.dialect(),
                        Duration.ofSeconds(20),
                        Duration.ofSeconds(1),
                        writer,
                        maxWritesPerCommit,
                        groups::add,
                        2));
  }

  /** A write that holds the writer thread, in its own group, until {@link #release}. */
  private Future<?> holdWriter() throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    Future<?> holder =
        callers.submit(
            () ->
                guard.write(
                    connection -> {
                      started.countDown();
                      try {
                        return release.await(30, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                      }
                    }));
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    return holder;
  }

  private void awaitQueued(int writes) {
    Await.until(() -> guard.waitingWrites() == writes, writes + " writes queued");
  }
}
