package org.parcelgate.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small fixed-size pool of JDBC connections, opened on demand. A borrower gets a connection in
 * auto-commit mode and must hand it back with {@link #release}; one that failed in a way that may
 * have broken it is closed instead of reused.
 */
final class ConnectionPool implements AutoCloseable {
  /** Opens one connection. */
  @FunctionalInterface
  interface Factory {
    Connection open() throws SQLException;
  }

  private final Factory factory;
  private final int size;
  private final Duration borrowTimeout;
  private final Semaphore permits;
  private final BlockingQueue<Connection> idle;
  private volatile boolean closed;

  ConnectionPool(Factory factory, int size, Duration borrowTimeout) {
    this.factory = factory;
    this.size = size;
    this.borrowTimeout = borrowTimeout;
    this.permits = new Semaphore(size, true);
    this.idle = new ArrayBlockingQueue<>(size);
  }

  Connection borrow() {
    if (closed) {
      throw new StoreException("the store is closed");
    }
    try {
      if (!permits.tryAcquire(borrowTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new StoreException("no database connection free within " + borrowTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a database connection", e);
    }
    if (closed) {
      permits.release();
      throw new StoreException("the store is closed");
    }
    Connection connection = idle.poll();
    if (connection != null) {
      return connection;
    }
    try {
      return factory.open();
    } catch (SQLException | RuntimeException e) {
      permits.release();
      throw new StoreException("cannot open a database connection: " + e.getMessage(), e);
    }
  }

  /**
   * Hands a connection back.
   *
   * @param reusable {@code false} after an error that may have left it unusable: it is closed
   */
  void release(Connection connection, boolean reusable) {
    try {
      if (reusable && !closed && connection.getAutoCommit()) {
        idle.add(connection);
        return;
      }
      closeQuietly(connection);
    } catch (SQLException e) {
      closeQuietly(connection);
    } finally {
      permits.release();
    }
  }

  /** Waits up to the borrow timeout for borrowed connections to come back, then closes them all. */
  @Override
  public void close() {
    closed = true;
    boolean all = false;
    try {
      all = permits.tryAcquire(size, borrowTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Connection connection;
      while ((connection = idle.poll()) != null) {
        closeQuietly(connection);
      }
    } finally {
      if (all) {
        permits.release(size);
      }
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Nothing left to do with a connection that cannot even close.
    }
  }
}
