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
 *   <li>Writes queue for the writer thread (one, for an engine that takes one writer at a time): in
 *       order, like a fair lock, and a write stuck in the disk holds that one thread, not the
 *       caller's. While the store is unavailable a write is refused at once, without being tried.
 *   <li>Reads run on a few reader threads; in write-ahead-log mode they do not wait for the writer.
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
  private final ThreadPoolExecutor writer;
  private final ThreadPoolExecutor readers;
  private final AtomicBoolean probing = new AtomicBoolean();

  /**
   * @param timeout the deadline of one operation, queueing included
   * @param retryAfter what a refusal tells the client: when the store is worth trying again
   * @param writerThreads 1 for an engine that takes one writer at a time
   */
  StoreGuard(
      StoreHealth health,
      Dialect dialect,
      Duration timeout,
      Duration retryAfter,
      int writerThreads,
      int readerThreads) {
    this.health = health;
    this.dialect = dialect;
    this.timeout = timeout;
    this.retryAfter = retryAfter;
    this.writer = executor("parcelgate-store-writer", writerThreads);
    this.readers = executor("parcelgate-store-reader", readerThreads);
  }

  StoreHealth health() {
    return health;
  }

  /** Runs a write on the writer thread, or refuses it at once while the store is unavailable. */
  <T> T write(Callable<T> work) {
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
    FutureTask<T> task = task(work);
    execute(writer, task);
    return await(writer, task, true, () -> {});
  }

  /** Runs a read on a reader thread. */
  <T> T read(Callable<T> work) {
    FutureTask<T> task = task(work);
    execute(readers, task);
    return await(readers, task, false, () -> {});
  }

  /**
   * Runs the probe's write on the writer thread, even while the store is unavailable; when it
   * succeeds (also after its caller gave up on it) the store is available again. A probe is not
   * started while the previous one is still running (a stalled disk holds it), so probes never pile
   * up.
   */
  void probe(Callable<?> work) {
    if (!probing.compareAndSet(false, true)) {
      throw new StoreUnavailableException(
          "the previous probe of the store has not finished",
          StoreFault.timeout(),
          retryAfter,
          null);
    }
    FutureTask<?> task =
        task(
            () -> {
              try {
                Object result = work.call();
                health.recovered();
                return result;
              } finally {
                probing.set(false);
              }
            });
    try {
      execute(writer, task);
    } catch (RuntimeException e) {
      probing.set(false);
      throw e;
    }
    await(writer, task, true, () -> probing.set(false));
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
      throw new StoreUnavailableException(
          "more store operations are waiting than the store queues",
          StoreFault.queueFull(),
          retryAfter,
          null);
    }
  }

  /**
   * Waits for the work within the deadline.
   *
   * @param neverStarted run when the caller gives up on work that had not started: it is taken out
   *     of the queue and will never run
   */
  private <T> T await(
      ThreadPoolExecutor on, FutureTask<T> task, boolean write, Runnable neverStarted) {
    try {
      return task.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(false);
      if (on.remove(task)) {
        neverStarted.run();
      }
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
      task.cancel(false);
      if (on.remove(task)) {
        neverStarted.run();
      }
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
    writer.shutdown();
    readers.shutdown();
    try {
      writer.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
      readers.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ThreadPoolExecutor executor : new ThreadPoolExecutor[] {writer, readers}) {
      for (Runnable never : executor.shutdownNow()) {
        ((Future<?>) never).cancel(false);
      }
    }
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
