package org.parcelgate.app;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import org.parcelgate.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs Vert.x's blocked-thread warnings: an event loop held past its limit stalls every
 * connection on it, a worker past {@code workers.max-execute-time} holds a pool thread. The count
 * ({@code parcelgate_threads_blocked_total}) is what an operator alerts on, and what the
 * integration tests check is zero.
 */
final class BlockedThreads {
  private static final Logger LOG = LoggerFactory.getLogger(BlockedThreads.class);

  private BlockedThreads() {}

  /** Replaces the checker's handler of this Vert.x instance: the last gateway started counts. */
  static void count(Vertx vertx, GatewayMetrics metrics) {
    ((VertxInternal) vertx)
        .blockedThreadChecker()
        .setThreadBlockedHandler(event -> blocked(event, metrics));
  }

  private static void blocked(BlockedThreadEvent event, GatewayMetrics metrics) {
    Thread thread = event.thread();
    boolean eventLoop = thread.getName().contains("eventloop");
    metrics.threadBlocked(eventLoop);
    String message =
        "thread "
            + thread.getName()
            + " has been blocked for "
            + event.duration() / 1_000_000
            + " ms, time limit is "
            + event.maxExecTime() / 1_000_000
            + " ms";
    if (event.duration() <= event.warningExceptionTime()) {
      LOG.warn(message);
      return;
    }
    Exception where = new Exception("where the thread is blocked");
    where.setStackTrace(thread.getStackTrace());
    LOG.warn(message, where);
  }
}
