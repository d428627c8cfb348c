package org.parcelgate.app;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.parcelgate.privacy.Minimizer;
import org.parcelgate.privacy.Retention;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.StoreUnavailableException;
import org.parcelgate.workers.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the retention's purge ({@link Retention#purgeDue}) every {@code privacy.retention-interval}
 * on the privacy pool, never overlapping itself, skipped while the store cannot write; off the
 * request path. Nothing runs when no recipient's policy limits retention.
 */
final class RetentionTimer {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  private final Vertx vertx;
  private final WorkerPool workers;
  private final GatewayStore store;
  private final Retention retention;
  private final AtomicBoolean running = new AtomicBoolean();
  private long timer = -1;

  RetentionTimer(Vertx vertx, WorkerPool workers, GatewayStore store, Retention retention) {
    this.vertx = vertx;
    this.workers = workers;
    this.store = store;
    this.retention = retention;
  }

  void start(Duration interval) {
    if (retention.recipients().isEmpty()) {
      LOG.info("no recipient's policy limits retention: copies are kept");
      return;
    }
    for (Minimizer recipient : retention.recipients()) {
      LOG.info(
          "recipient {}: copies purged {} after receipt once delivered (policy {} version {})",
          recipient.recipient(),
          recipient.policy().retention().orElseThrow().period(),
          recipient.policy().id(),
          recipient.policy().version());
    }
    timer = vertx.setPeriodic(interval.toMillis(), id -> run());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void run() {
    if (!store.health().available() || !running.compareAndSet(false, true)) {
      return;
    }
    workers
        .submit(retention::purgeDue)
        .onComplete(done -> running.set(false))
        .onSuccess(
            pass -> {
              if (pass.copies() > 0 || pass.sellers() > 0) {
                LOG.info(
                    "retention purged {} copies ({} records, {} never delivered) and {} sellers",
                    pass.copies(),
                    pass.records(),
                    pass.undelivered(),
                    pass.sellers());
              }
            })
        .onFailure(
            e -> {
              if (e instanceof StoreUnavailableException) {
                LOG.warn("the retention purge stopped: {}", e.getMessage());
              } else {
                LOG.warn("the retention purge stopped", e);
              }
            });
  }
}
