package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.parcelgate.store.Batches.batch;
import static org.parcelgate.store.Batches.entry;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
 * The store when the disk or the database cannot take writes: real locks held by another connection
 * (SQLite's write lock, PostgreSQL's table locks), no stand-ins; on each engine. A write is
 * answered within the deadline, the store turns unavailable and refuses writes at once, reads go
 * on, and a probe makes it available again once it can write.
 */
@Timeout(60)
@ParameterizedClass
@EnumSource(StoreEngine.class)
class StoreHealthTest {
  @Parameter StoreEngine engine;

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration DEADLINE = Duration.ofMillis(500);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(3);

  @TempDir Path data;
  private final MutableClock clock = new MutableClock(NOW);
  private GatewayStore store;
  private Connection other;

  @AfterEach
  void close() throws Exception {
    if (other != null) {
      other.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aWriteBlockedByALockHeldElsewhereIsRefusedAsUnavailableAndAProbeRecovers() throws Exception {
    store = engine.open(data, clock, new EmbeddedStore.Settings(DEADLINE, RETRY_AFTER));
    store.commit(batch("b-1", "alpha", entry("t-1", 1)));
    holdWriteLock();

    assertThatThrownBy(() -> store.firstUse("alpha", "jti-1", NOW.plusSeconds(60)))
        .isInstanceOfSatisfying(
            StoreUnavailableException.class,
            e -> {
              assertThat(e.fault().kind()).isIn(StoreFault.Kind.LOCKED, StoreFault.Kind.TIMEOUT);
              assertThat(e.retryAfter()).isEqualTo(RETRY_AFTER);
            });
    assertThat(store.health().outage())
        .hasValueSatisfying(outage -> assertThat(outage.since()).isEqualTo(NOW));
    assertThat(store.health().available()).isFalse();

    // Refused at once, without being tried: no cause from the engine.
    assertThatThrownBy(() -> store.commit(batch("b-2", "alpha", entry("t-2", 1))))
        .isInstanceOfSatisfying(
            StoreUnavailableException.class,
            e -> {
              assertThat(e).hasNoCause().hasMessageContaining("unavailable since " + NOW);
              assertThat(e.getStackTrace()).isEmpty();
            });
    // Reads do not wait for the writer (SQLite's write-ahead log, PostgreSQL's snapshots).
    assertThat(store.batch("alpha", "b-1")).isPresent();
    // While the lock is held the probe cannot write either.
    assertThatThrownBy(store::probe).isInstanceOf(StoreUnavailableException.class);
    assertThat(store.health().available()).isFalse();

    releaseWriteLock();
    clock.advance(Duration.ofSeconds(5));
    awaitProbeSucceeds();

    assertThat(store.health().outage()).isEmpty();
    assertThat(store.firstUse("alpha", "jti-1", NOW.plusSeconds(60))).isTrue();
    store.commit(batch("b-2", "alpha", entry("t-2", 1)));
    assertThat(store.batch("alpha", "b-2")).isPresent();
  }

  @Test
  void aStalledWriteReleasesItsCallerAtTheDeadlineAndLaterWritesDoNotQueueBehindIt()
      throws Exception {
    store = stallingStore();
    holdWriteLock();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<?> stalled =
          caller.submit(() -> store.firstUse("alpha", "jti-1", NOW.plusSeconds(60)));

      // A bounded wait that fails only on a hang: the deadline releases the caller.
      assertThatThrownBy(() -> stalled.get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOfSatisfying(
              StoreUnavailableException.class,
              e -> assertThat(e.fault().kind()).isEqualTo(StoreFault.Kind.TIMEOUT));
      assertThat(store.health().outage())
          .hasValueSatisfying(
              outage -> assertThat(outage.fault().kind()).isEqualTo(StoreFault.Kind.TIMEOUT));
    } finally {
      caller.shutdownNow();
    }
    // The writer thread is still stuck: writes are refused at once instead of queueing behind it,
    // and a probe queued behind it gives up at the deadline and leaves the queue.
    assertThatThrownBy(() -> store.commit(batch("b-1", "alpha", entry("t-1", 1))))
        .isInstanceOf(StoreUnavailableException.class)
        .hasNoCause();
    assertThatThrownBy(store::probe)
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("did not finish");
    assertThat(store.batch("alpha", "b-1")).isEmpty();

    releaseWriteLock();
    awaitProbeSucceeds();

    assertThat(store.health().available()).isTrue();
    store.commit(batch("b-1", "alpha", entry("t-1", 1)));
    assertThat(store.batch("alpha", "b-1")).isPresent();
  }

  @Test
  void aStalledProbeIsNotRepeatedAndItsLateSuccessMakesTheStoreAvailable() throws Exception {
    store = stallingStore();
    holdWriteLock();

    assertThatThrownBy(store::probe)
        .isInstanceOfSatisfying(
            StoreUnavailableException.class,
            e -> assertThat(e.fault().kind()).isEqualTo(StoreFault.Kind.TIMEOUT));
    assertThat(store.health().available()).isFalse();
    // The first probe still waits in the engine: the next one does not start another.
    assertThatThrownBy(store::probe)
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("previous probe");
    assertThatThrownBy(() -> store.firstUse("alpha", "jti-1", NOW.plusSeconds(60)))
        .isInstanceOf(StoreUnavailableException.class)
        .hasNoCause();

    releaseWriteLock();
    Await.until(() -> store.health().available(), "the stalled probe completes");

    assertThat(store.firstUse("alpha", "jti-1", NOW.plusSeconds(60))).isTrue();
  }

  /**
   * A store whose writes wait a minute for a lock (SQLite's busy timeout, PostgreSQL's lock
   * timeout), far past its deadline: a write held up by the lock stays stuck in the engine the way
   * one in a stalled disk would.
   */
  private GatewayStore stallingStore() {
    return engine.assemble(
        data,
        clock,
        60_000,
        false,
        writer ->
            new StoreGuard(
                new StoreHealth(clock),
                engine.dialect(),
                DEADLINE,
                RETRY_AFTER,
                writer,
                EmbeddedStore.Settings.DEFAULT_MAX_WRITES_PER_COMMIT,
                CommitListener.NONE,
                2));
  }

  /** Another connection to the same database takes the write lock and keeps it. */
  private void holdWriteLock() throws Exception {
    other = engine.connect(data);
    engine.holdWriteLock(other);
  }

  private void releaseWriteLock() throws Exception {
    try (Statement statement = other.createStatement()) {
      statement.execute("COMMIT");
    }
  }

  /**
   * Probes until one succeeds: the stuck write finishes once the lock is free, and the probe queued
   * behind it has to wait for that. Bounded: fails after 20 s.
   */
  private void awaitProbeSucceeds() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        store.probe();
        return;
      } catch (StoreUnavailableException notYet) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no probe succeeded after the lock was released", notYet);
        }
      }
    }
  }
}
