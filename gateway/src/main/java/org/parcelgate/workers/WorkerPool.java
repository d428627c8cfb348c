package org.parcelgate.workers;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;

/**
 * A named Vert.x worker pool with a bound on the work that may wait for it. Work beyond {@code
 * threads + queue} is refused at once with {@code 503 overloaded} and a {@code Retry-After}, and
 * counted: the gateway never queues without bound, and a caller on an event loop never waits.
 *
 * <p>Work runs unordered (concurrent tasks of one caller context may run in parallel); the returned
 * future completes on the caller's context.
 */
public final class WorkerPool {
  /** Called once per refused submission, for metrics. */
  @FunctionalInterface
  public interface RefusalListener {
    void refused(WorkerKind kind);
  }

  private final WorkerKind kind;
  private final WorkerExecutor executor;
  private final int threads;
  private final int capacity;
  private final Duration retryAfter;
  private final RefusalListener listener;
  private final AtomicInteger pending = new AtomicInteger();

  WorkerPool(
      WorkerKind kind,
      WorkerExecutor executor,
      int threads,
      int queue,
      Duration retryAfter,
      RefusalListener listener) {
    this.kind = kind;
    this.executor = executor;
    this.threads = threads;
    this.capacity = threads + queue;
    this.retryAfter = retryAfter;
    this.listener = listener;
  }

  /**
   * Runs {@code work} on this pool, or fails at once with {@link ProblemCode#OVERLOADED} (and
   * {@code Retry-After}) when the pool's threads are busy and its queue is full. Nothing of the
   * work has run then.
   */
  public <T> Future<T> submit(Callable<T> work) {
    if (pending.incrementAndGet() > capacity) {
      pending.decrementAndGet();
      listener.refused(kind);
      return Future.failedFuture(
          GatewayException.retryLater(
              ProblemCode.OVERLOADED,
              "the gateway's " + kind.wireName() + " workers are all busy",
              retryAfter));
    }
    Future<T> result;
    try {
      result = executor.executeBlocking(work, false);
    } catch (RuntimeException e) {
      pending.decrementAndGet();
      return Future.failedFuture(e);
    }
    return result.andThen(done -> pending.decrementAndGet());
  }

  public WorkerKind kind() {
    return kind;
  }

  /** Work submitted and not yet finished: running or waiting. */
  public int pending() {
    return pending.get();
  }

  /** Work waiting for a thread. */
  public int queued() {
    return Math.max(0, pending.get() - threads);
  }

  public int threads() {
    return threads;
  }

  /** The most work this pool holds at once, running and waiting. */
  public int capacity() {
    return capacity;
  }

  Future<Void> close() {
    return executor.close();
  }
}
