package org.parcelgate.store;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the store's work on the store's own threads, so that a caller waits at most the deadline
 * however the disk behaves, and keeps {@link StoreHealth} up to date.
 *
 * <ul>
 *   <li>Writes queue for the one writer thread ({@link GroupCommit}): in order, like a fair lock,
 *       and a write stuck in the disk holds that one thread, not the caller's. The writer commits
 *       the writes waiting together, in one transaction and one fsync, and answers each only once
 *       that commit is durable. While the store is unavailable a write is refused at once, without
 *       being tried.
 *   <li>Reads run on a few reader threads; in write-ahead-log mode they do not wait for the writer,
 *       and their connections begin deferred (read) transactions, never taking the write lock.
 *   <li>A caller that gets no result within the deadline gets {@link StoreUnavailableException};
 *       its work is cancelled if it has not started. A write that overran makes the store
 *       unavailable (a read that overran does not: it may only be a large one).
 *   <li>A failure the {@link Dialect} classifies as a {@link StoreFault} (full, read-only, I/O,
 *       locked...) makes the store unavailable and reaches the caller as {@link
 *       StoreUnavailableException}, with the engine's exception as its cause.
 *   <li>Queues are bounded: a call that finds its queue full is refused at once.
 * </ul>
 *
 * <p>Threads stuck in a stalled disk thus stay within the store's own threads, and nothing of the
 * caller's pool is held longer than the deadline.
 */
final class StoreGuard implements AutoCloseable {
  /** Operations that may wait for a thread, per kind. */
  static final int QUEUE_SIZE = 256;

  private final StoreHealth health;
  private final Dialect dialect;
  private final Duration timeout;
  private final Duration retryAfter;
  private final GroupCommit writer;
  private final ThreadPoolExecutor readers;
  private final AtomicBoolean probing = new AtomicBoolean();

  /**
   * @param timeout the deadline of one operation, queueing included
   * @param retryAfter what a refusal tells the client: when the store is worth trying again
   * @param writerConnections where the writer thread borrows its connection
   * @param maxWritesPerCommit the most writes one commit takes
   * @param listener told the size of each committed group
   */
  StoreGuard(
      StoreHealth health,
      Dialect dialect,
      Duration timeout,
      Duration retryAfter,
      ConnectionPool writerConnections,
      int maxWritesPerCommit,
      CommitListener listener,
      int readerThreads) {
    this.health = health;
    this.dialect = dialect;
    this.timeout = timeout;
    this.retryAfter = retryAfter;
    this.writer = new GroupCommit(writerConnections, dialect, health, maxWritesPerCommit, listener);
    this.readers = executor("parcelgate-store-reader", readerThreads);
  }

  StoreHealth health() {
    return health;
  }

  /**
   * Runs a write on the writer thread, inside a commit it may share with other writes, or refuses
   * it at once while the store is unavailable. Returns once the write is durable.
   */
  <T> T write(Work<T> work) {
    Optional<StoreHealth.Outage> outage = health.outage();
    if (outage.isPresent()) {
      throw new StoreUnavailableException(
          "the store is unavailable since "
              + outage.get().since()
              + ": "
              + outage.get().fault().describe(),
          outage.get().fault(),
          retryAfter,
          null);
    }
    GroupCommit.Pending<T> pending = submit(work, () -> {});
    return await(pending.result(), () -> writer.withdraw(pending), true);
  }

  /** Runs a read on a reader thread. */
  <T> T read(Callable<T> work) {
    FutureTask<T> task = task(work);
    execute(readers, task);
    return await(
        task,
        () -> {
          task.cancel(false);
          readers.remove(task);
        },
        false);
  }

  /**
   * Runs the probe's write on the writer thread, even while the store is unavailable; once its
   * commit is durable (also after its caller gave up on it) the store is available again. A probe
   * is not started while the previous one is still queued or running (a stalled disk holds it), so
   * probes never pile up.
   */
  void probe(Work<?> work) {
    if (!probing.compareAndSet(false, true)) {
      throw new StoreUnavailableException(
          "the previous probe of the store has not finished",
          StoreFault.timeout(),
          retryAfter,
          null);
    }
    GroupCommit.Pending<?> pending;
    try {
      pending = submit(work, health::recovered);
    } catch (RuntimeException e) {
      probing.set(false);
      throw e;
    }
    // Answered, failed or withdrawn: the next probe may start.
    pending.result().whenComplete((result, failure) -> probing.set(false));
    await(pending.result(), () -> writer.withdraw(pending), true);
  }

  private <T> GroupCommit.Pending<T> submit(Work<T> work, Runnable onDurable) {
    try {
      return writer.submit(work, onDurable);
    } catch (RejectedExecutionException e) {
      throw queueFull();
    }
  }

  /** The work, recording on the store's thread a fault it fails with (even if no one waits). */
  private <T> FutureTask<T> task(Callable<T> work) {
    return new FutureTask<>(
        () -> {
          try {
            return work.call();
          } catch (RuntimeException e) {
            dialect.fault(e).ifPresent(fault -> health.failed(fault, e));
            throw e;
          }
        });
  }

  private void execute(ThreadPoolExecutor on, FutureTask<?> task) {
    try {
      on.execute(task);
    } catch (RejectedExecutionException e) {
      if (on.isShutdown()) {
        throw new StoreException("the store is closed");
      }
      throw queueFull();
    }
  }

  private StoreUnavailableException queueFull() {
    return new StoreUnavailableException(
        "more store operations are waiting than the store queues",
        StoreFault.queueFull(),
        retryAfter,
        null);
  }

  /**
   * Waits for the work within the deadline.
   *
   * @param withdraw run when the caller gives up: work that had not started is taken out of the
   *     queue and will never run
   */
  private <T> T await(Future<T> result, Runnable withdraw, boolean write) {
    try {
      return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      withdraw.run();
      StoreFault fault = StoreFault.timeout();
      if (write) {
        health.failed(
            fault,
            new TimeoutException(
                "a store write did not finish within " + timeout.toMillis() + " ms"));
      }
      throw new StoreUnavailableException(
          "the store did not finish within " + timeout.toMillis() + " ms", fault, retryAfter, null);
    } catch (ExecutionException e) {
      throw rethrown(e.getCause());
    } catch (CancellationException e) {
      throw new StoreException("the store is closed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      withdraw.run();
      throw new StoreException("interrupted while waiting for the store", e);
    }
  }

  /** The failure of work done on a store thread, as the caller should see it. */
  private RuntimeException rethrown(Throwable failure) {
    Optional<StoreFault> fault = dialect.fault(failure);
    if (fault.isPresent()) {
      return new StoreUnavailableException(
          "the store cannot work: " + fault.get().describe() + "; " + failure.getMessage(),
          fault.get(),
          retryAfter,
          failure);
    }
    if (failure instanceof StoreConflictException conflict) {
      return conflict;
    }
    if (failure instanceof StoreException other) {
      // Same message, and the caller's stack with the store thread's as the cause.
      return new StoreException(other.getMessage(), other);
    }
    if (failure instanceof RuntimeException unchecked) {
      return unchecked;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new StoreException("the store failed", failure);
  }

  /**
   * Lets queued and running work finish for up to the deadline, then stops the threads; work that
   * never started fails its caller with "the store is closed".
   */
  @Override
  public void close() {
    readers.shutdown();
    writer.close(timeout);
    try {
      readers.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Runnable never : readers.shutdownNow()) {
      ((Future<?>) never).cancel(false);
    }
  }

  /** Writes waiting for the writer thread now, for tests. */
  int waitingWrites() {
    return writer.waiting();
  }

  private static ThreadPoolExecutor executor(String name, int threads) {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(QUEUE_SIZE),
        runnable -> {
          Thread thread =
              new Thread(runnable, threads == 1 ? name : name + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }
}
