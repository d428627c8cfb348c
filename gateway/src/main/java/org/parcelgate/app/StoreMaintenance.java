package org.parcelgate.app;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.StoreUnavailableException;
import org.parcelgate.workers.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's periodic work, each on a worker and never overlapping itself: the purge of expired
 * token ids and risk state ({@code store.purge-interval}), skipped while the store cannot write,
 * and the probe ({@code store.probe-interval}) that notices a store that cannot write and ends the
 * outage when it can again. The store logs what the probe finds.
 */
final class StoreMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(StoreMaintenance.class);

  private final Vertx vertx;
  private final WorkerPool workers;
  private final GatewayStore store;
  private final Clock clock;
  private final AtomicBoolean purging = new AtomicBoolean();
  private final AtomicBoolean probing = new AtomicBoolean();
  private long purgeTimer = -1;
  private long probeTimer = -1;

  StoreMaintenance(Vertx vertx, WorkerPool workers, GatewayStore store, Clock clock) {
    this.vertx = vertx;
    this.workers = workers;
    this.store = store;
    this.clock = clock;
  }

  void start(Duration purgeInterval, Duration probeInterval) {
    purgeTimer = vertx.setPeriodic(purgeInterval.toMillis(), id -> purge());
    probeTimer = vertx.setPeriodic(probeInterval.toMillis(), id -> probe());
  }

  void stop() {
    if (purgeTimer >= 0) {
      vertx.cancelTimer(purgeTimer);
    }
    if (probeTimer >= 0) {
      vertx.cancelTimer(probeTimer);
    }
  }

  /** A failure because the store is unavailable is one line: the store logged its cause. */
  private void purge() {
    if (!store.health().available() || !purging.compareAndSet(false, true)) {
      return;
    }
    workers
        .submit(
            () -> {
              store.purgeExpiredTokenIds(clock.instant());
              return store.purgeExpiredRiskState(clock.instant());
            })
        .onComplete(done -> purging.set(false))
        .onFailure(
            e -> {
              if (e instanceof StoreUnavailableException) {
                LOG.warn("purging expired token ids or risk state failed: {}", e.getMessage());
              } else {
                LOG.warn("purging expired token ids or risk state failed", e);
              }
            });
  }

  /** It waits at most {@code store.timeout}. */
  private void probe() {
    if (!probing.compareAndSet(false, true)) {
      return;
    }
    workers
        .submit(
            () -> {
              store.probe();
              return null;
            })
        .onComplete(done -> probing.set(false));
  }
}
