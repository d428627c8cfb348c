package org.parcelgate.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

/**
 * Opens the embedded store: an SQLite database in one file ({@value SqliteDialect#FILE_NAME}, with
 * its {@code -wal} and {@code -shm} companions) under a data directory. No server, nothing to
 * install: the driver carries the engine. See {@code docs/storage.md} for why SQLite and which
 * settings.
 */
public final class EmbeddedStore {
  /**
   * Connections kept open. Readers run in parallel (write-ahead log); writers take turns on a lock,
   * so more connections than this would only wait.
   */
  static final int POOL_SIZE = 8;

  /** How long a caller waits for a free connection before {@link StoreException}. */
  static final Duration BORROW_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How the store bounds its callers' waits.
   *
   * @param timeout the longest one operation may take, queueing included, before the caller gets
   *     {@link StoreUnavailableException}; SQLite's busy timeout is nine tenths of it, so a write
   *     waiting for a lock held elsewhere gives up (with {@code SQLITE_BUSY}) just before its
   *     caller would
   * @param retryAfter what a refusal tells the client: when the store is worth trying again (the
   *     interval at which the gateway probes it)
   */
  public record Settings(Duration timeout, Duration retryAfter) {
    /** The settings of the embedded defaults: 10 s, and a probe every 5 s. */
    public static final Settings DEFAULT =
        new Settings(Duration.ofSeconds(10), Duration.ofSeconds(5));

    public Settings {
      if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("timeout must be positive and below 24 days");
      }
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative");
      }
    }
  }

  private EmbeddedStore() {}

  /** Opens (creating if needed) the store in this directory, on the system clock. */
  public static GatewayStore open(Path dataDirectory) {
    return open(dataDirectory, Clock.systemUTC());
  }

  /** Opens (creating if needed) the store in this directory, with the default settings. */
  public static GatewayStore open(Path dataDirectory, Clock clock) {
    return open(dataDirectory, clock, Settings.DEFAULT);
  }

  /**
   * Opens (creating the directory and the database if needed) the store in this directory and
   * applies the migrations it has not seen yet. Blocking: call it from a worker thread.
   *
   * @param clock decides whether a recorded token id has expired
   * @param settings the deadline of each operation and the delay refusals name
   * @throws StoreException if the directory or the database cannot be created or opened, or its
   *     schema does not match; the message names the database file and the engine's cause (for
   *     SQLite its result code, such as {@code SQLITE_CANTOPEN})
   */
  public static GatewayStore open(Path dataDirectory, Clock clock, Settings settings) {
    Path file = dataDirectory.resolve(SqliteDialect.FILE_NAME).toAbsolutePath();
    try {
      Files.createDirectories(dataDirectory);
    } catch (IOException e) {
      throw new StoreException(
          "cannot create the data directory "
              + dataDirectory.toAbsolutePath()
              + ": "
              + e.getClass().getSimpleName()
              + " "
              + e.getMessage(),
          e);
    }
    // A little below the deadline: a write waiting for a lock held elsewhere gives up, and its
    // caller hears SQLITE_BUSY, just before the caller would give up on it.
    int busyTimeout = (int) (settings.timeout().toMillis() * 9 / 10);
    ConnectionPool pool =
        new ConnectionPool(
            () -> SqliteDialect.connect(dataDirectory, busyTimeout), POOL_SIZE, BORROW_TIMEOUT);
    SqliteDialect dialect = new SqliteDialect();
    JdbcGatewayStore store =
        new JdbcGatewayStore(pool, dialect, clock, guard(dialect, clock, settings));
    try {
      store.migrate();
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw new StoreException("cannot open the store " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The store's threads: one writer (SQLite takes one at a time) and readers for the rest of the
   * pool, so no thread of the store waits for a connection.
   */
  static StoreGuard guard(Dialect dialect, Clock clock, Settings settings) {
    int writers = dialect.singleWriter() ? 1 : POOL_SIZE / 2;
    return new StoreGuard(
        new StoreHealth(clock),
        dialect,
        settings.timeout(),
        settings.retryAfter(),
        writers,
        POOL_SIZE - writers);
  }

  /**
   * A plain connection to the database in this directory (which must exist), with the store's
   * settings: for maintenance tools and for the benchmark's baseline in the same engine. It
   * bypasses every rule of the store; the caller closes it.
   */
  public static Connection connect(Path dataDirectory) throws SQLException {
    return SqliteDialect.connect(dataDirectory);
  }
}
