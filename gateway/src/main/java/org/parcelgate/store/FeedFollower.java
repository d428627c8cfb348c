package org.parcelgate.store;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds what the commit path leaves out, after the commit: the look-up by tracking number and the
 * seller feed, from the committed price rows ({@link FollowerTables}).
 *
 * <p>One thread of its own submits steps to the store's writer ({@link StoreGuard#write}), so a
 * step shares group commit and the single-writer rule with every other write and is durable before
 * the next one. A step applies at most {@link #MAX_ROWS_PER_STEP} rows, so it never holds the
 * writer long; while rows are left it submits the next at once. Otherwise it waits until commits
 * have added {@link #ROWS_TO_WAKE} rows, or for {@link #INTERVAL} after any commit: under load a
 * step covers many commits, and at rest the lag stays below the interval plus one step.
 *
 * <p>At start it catches up with whatever an earlier process committed and did not apply. A step
 * that fails (the store unavailable) is tried again at the next interval.
 */
final class FeedFollower implements AutoCloseable {
  /** The most price rows one step applies. */
  static final int MAX_ROWS_PER_STEP = 8_192;

  /** Rows committed since the last step that start the next without waiting for the interval. */
  static final int ROWS_TO_WAKE = 4_096;

  /** The longest a committed row waits for a step, when the writer is free. */
  static final Duration INTERVAL = Duration.ofMillis(100);

  private static final Logger LOG = LoggerFactory.getLogger(FeedFollower.class);

  private final StoreGuard guard;
  private final int maxRows;
  private final Semaphore wake = new Semaphore(0);

  /** Rows committed since the last step began; -1 until the first step (catch up at start). */
  private final AtomicLong committed = new AtomicLong(-1);

  private volatile boolean closed;
  private Thread thread;

  FeedFollower(StoreGuard guard, int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1");
    }
    this.guard = guard;
    this.maxRows = maxRows;
  }

  /** Starts the thread, which catches up first. */
  synchronized void start() {
    if (thread != null || closed) {
      return;
    }
    thread = new Thread(this::run, "parcelgate-store-follower");
    thread.setDaemon(true);
    thread.start();
  }

  /** Hears of a durable commit with {@code rows} price rows. */
  void committed(int rows) {
    if (rows > 0 && committed.addAndGet(rows) >= ROWS_TO_WAKE) {
      wake.release();
    }
  }

  /** One step on the writer, from the calling thread; durable once it returns. */
  FollowerTables.Step step() {
    return guard.write(Work.inOrder(connection -> FollowerTables.apply(connection, maxRows)));
  }

  /** Steps until every row committed before the call is applied. */
  void catchUp() {
    while (step().more()) {
      // The next step at once: rows are left.
    }
  }

  private void run() {
    boolean more = true;
    boolean failing = false;
    while (!closed) {
      if (!more && !await()) {
        continue;
      }
      committed.set(0);
      try {
        more = step().more();
        if (failing) {
          LOG.info("The store's follower applies committed price rows again");
          failing = false;
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        if (!failing) {
          LOG.warn("The store's follower could not apply committed price rows; tries again", e);
          failing = true;
        }
        more = false;
        committed.compareAndSet(0, 1);
      }
    }
  }

  /** Waits for enough rows or the interval; whether there is anything to apply. */
  private boolean await() {
    try {
      wake.tryAcquire(INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      closed = true;
      return false;
    }
    wake.drainPermits();
    return committed.get() != 0 && !closed;
  }

  /**
   * Stops the thread after its step in progress, waiting for it up to {@code wait}; rows left are
   * applied by the next start.
   */
  void close(Duration wait) {
    Thread running;
    synchronized (this) {
      closed = true;
      running = thread;
    }
    wake.release();
    if (running != null) {
      try {
        running.join(Math.max(1, wait.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    close(INTERVAL);
  }
}
