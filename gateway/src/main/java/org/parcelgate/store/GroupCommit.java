package org.parcelgate.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store's writer: one thread that makes the queued writes durable in groups, one transaction
 * and one commit (one fsync) per group, instead of one per write.
 *
 * <p>The thread takes every write waiting in the queue, up to {@code maxWrites}, and runs them in
 * order in one transaction (SQLite's {@code BEGIN IMMEDIATE}), each in its own {@code SAVEPOINT}. A
 * group with a write that takes feed or log positions first waits for its turn to take them ({@link
 * Dialect#orderWrites}), so positions commit in the order they are taken:
 *
 * <ul>
 *   <li>a write that fails on its own (a violated unique key, a bug) is rolled back to its
 *       savepoint, and only its caller hears of it;
 *   <li>a write that fails with a {@link StoreFault} (full, I/O error...), a failed {@code BEGIN},
 *       a failed rollback to a savepoint or a failed {@code COMMIT} rolls the whole group back and
 *       fails every write of it with that failure: SQLite may have rolled the transaction back
 *       itself, and none of the group is durable;
 *   <li>only after {@code COMMIT} has returned (synchronous=FULL: the log is fsynced) is any caller
 *       of the group answered. No caller hears of success before its write is durable.
 * </ul>
 *
 * <p>A write its caller withdrew before the thread took it never runs. The queue is bounded: a
 * submit that finds {@link StoreGuard#QUEUE_SIZE} writes waiting is rejected at once.
 */
final class GroupCommit {
  /** One write, from submit until its caller is answered. */
  static final class Pending<T> {
    private final Work<T> work;
    private final Runnable onDurable;
    private final CompletableFuture<T> result = new CompletableFuture<>();

    /** Set once: by the writer taking it, or by its caller withdrawing it. */
    private final AtomicBoolean claimed = new AtomicBoolean();

    private T value;
    private Throwable failure;

    private Pending(Work<T> work, Runnable onDurable) {
      this.work = work;
      this.onDurable = onDurable;
    }

    /** Completes once the write is durable, or failed; cancelled if it will never run. */
    CompletableFuture<T> result() {
      return result;
    }

    private void answer() {
      if (failure == null) {
        onDurable.run();
        result.complete(value);
      } else {
        result.completeExceptionally(failure);
      }
    }
  }

  /** Put in the queue by {@link #close}: the writer stops when it reaches it. */
  private static final Pending<Void> STOP = new Pending<>(connection -> null, () -> {});

  private final ConnectionPool connections;
  private final Dialect dialect;
  private final StoreHealth health;
  private final int maxWrites;
  private final CommitListener listener;
  private final LinkedBlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();

  /** Writes in the queue, for its bound ({@link #STOP} not counted). */
  private final AtomicInteger waiting = new AtomicInteger();

  private final Thread thread;
  private volatile boolean closed;

  /**
   * Starts the writer thread.
   *
   * @param connections where the writer borrows its connection, one per group
   * @param maxWrites the most writes one commit takes
   * @param listener told each group's size once its commit is durable
   */
  GroupCommit(
      ConnectionPool connections,
      Dialect dialect,
      StoreHealth health,
      int maxWrites,
      CommitListener listener) {
    if (maxWrites < 1) {
      throw new IllegalArgumentException("maxWrites must be at least 1");
    }
    this.connections = connections;
    this.dialect = dialect;
    this.health = health;
    this.maxWrites = maxWrites;
    this.listener = listener;
    this.thread = new Thread(this::run, "parcelgate-store-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues a write.
   *
   * @param onDurable run on the writer thread once the write's commit has returned, before its
   *     caller is answered
   * @throws StoreException if the writer is closed
   * @throws RejectedExecutionException if the queue is full
   */
  <T> Pending<T> submit(Work<T> work, Runnable onDurable) {
    if (closed) {
      throw new StoreException("the store is closed");
    }
    if (waiting.incrementAndGet() > StoreGuard.QUEUE_SIZE) {
      waiting.decrementAndGet();
      throw new RejectedExecutionException("the writer's queue is full");
    }
    Pending<T> pending = new Pending<>(work, onDurable);
    queue.add(pending);
    return pending;
  }

  /**
   * Takes the write back if the writer has not taken it yet: it will then never run, and its result
   * is cancelled. A write already taken goes on, and its result still completes.
   */
  void withdraw(Pending<?> pending) {
    if (pending.claimed.compareAndSet(false, true)) {
      if (queue.remove(pending)) {
        waiting.decrementAndGet();
      }
      pending.result.cancel(false);
    }
  }

  /** Writes waiting in the queue now, for tests. */
  int waiting() {
    return waiting.get();
  }

  private void run() {
    List<Pending<?>> group = new ArrayList<>(maxWrites);
    boolean stop = false;
    while (!stop) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(group, maxWrites - 1);
      stop = group.remove(STOP);
      waiting.addAndGet(-group.size());
      group.removeIf(pending -> !pending.claimed.compareAndSet(false, true));
      if (!group.isEmpty()) {
        commit(group);
      }
      group.clear();
    }
  }

  /** Runs the group in one transaction and answers every write of it. */
  private void commit(List<Pending<?>> group) {
    Connection connection;
    try {
      connection = connections.borrow();
    } catch (RuntimeException e) {
      fail(group, e);
      return;
    }
    boolean committed = false;
    boolean ordered = group.stream().anyMatch(write -> write.work.takesPositions());
    long orderedSince = 0;
    try (Statement sql = connection.createStatement()) {
      sql.execute(dialect.beginWrite());
      if (ordered) {
        dialect.orderWrites(connection);
        orderedSince = System.nanoTime();
      }
      for (Pending<?> write : group) {
        runInSavepoint(connection, sql, write);
      }
      sql.execute("COMMIT");
      committed = true;
    } catch (Throwable e) {
      rollback(connection, e);
      fail(group, e);
    } finally {
      // A connection whose transaction may still be open is closed, not reused.
      connections.release(connection, committed);
    }
    if (committed) {
      listener.committed(group.size());
      if (ordered) {
        listener.heldOrder(System.nanoTime() - orderedSince);
      }
      group.forEach(Pending::answer);
    }
  }

  /**
   * Runs one write in a savepoint. Its own failure is kept for its caller; a failure of the store
   * (a fault, a failed rollback to the savepoint) is thrown and fails the group.
   */
  private <T> void runInSavepoint(Connection connection, Statement sql, Pending<T> write)
      throws SQLException {
    sql.execute("SAVEPOINT write");
    try {
      write.value = write.work.run(connection);
      sql.execute("RELEASE write");
    } catch (Throwable e) {
      if (e instanceof Error || dialect.fault(e).isPresent()) {
        throw e;
      }
      try {
        sql.execute("ROLLBACK TO write");
        sql.execute("RELEASE write");
      } catch (SQLException undo) {
        undo.addSuppressed(e);
        throw undo;
      }
      write.failure = failure(e);
    }
  }

  /**
   * Rolls the group back after {@code failure}, which stays the exception reported. After a full
   * disk or an I/O error SQLite has often rolled back itself, so the rollback fails as well ("no
   * transaction is active"): that is attached to the first as suppressed, never reported in its
   * place.
   */
  private static void rollback(Connection connection, Throwable failure) {
    try (Statement sql = connection.createStatement()) {
      sql.execute("ROLLBACK");
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Fails every write of the group with the group's failure (a write that failed on its own keeps
   * its own), recording a fault once.
   */
  private void fail(List<Pending<?>> group, Throwable failure) {
    Throwable reported = failure(failure);
    dialect.fault(failure).ifPresent(fault -> health.failed(fault, failure));
    for (Pending<?> write : group) {
      if (write.failure == null) {
        write.failure = reported;
      }
      write.answer();
    }
  }

  /** A driver failure as the caller should see it; anything else as it is. */
  private Throwable failure(Throwable failure) {
    return failure instanceof SQLException sql ? dialect.translate(sql) : failure;
  }

  /**
   * Lets the writes queued so far finish for up to {@code wait}, then stops the writer; writes it
   * did not take by then are cancelled (their callers hear "the store is closed").
   */
  void close(Duration wait) {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      thread.join(Math.max(1, wait.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Pending<?> left;
    while ((left = queue.poll()) != null) {
      if (left != STOP) {
        withdraw(left);
      }
    }
  }
}
