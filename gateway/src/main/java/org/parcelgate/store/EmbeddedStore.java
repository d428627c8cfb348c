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
   * Connections kept open: one for the writer thread, the rest for readers. Readers run in parallel
   * (write-ahead log); the writer commits the writes waiting together, so a second writer
   * connection would only wait for the lock.
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
   * @param maxWritesPerCommit the most writes the writer commits together, in one transaction and
   *     one fsync (group commit; see {@code docs/storage.md})
   */
  public record Settings(Duration timeout, Duration retryAfter, int maxWritesPerCommit) {
    /** The most writes one commit takes by default. */
    public static final int DEFAULT_MAX_WRITES_PER_COMMIT = 64;

    /** The settings of the embedded defaults: 10 s, a probe every 5 s, 64 writes per commit. */
    public static final Settings DEFAULT =
        new Settings(Duration.ofSeconds(10), Duration.ofSeconds(5));

    public Settings {
      if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("timeout must be positive and below 24 days");
      }
      if (retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must not be negative");
      }
      if (maxWritesPerCommit < 1 || maxWritesPerCommit > StoreGuard.QUEUE_SIZE) {
        throw new IllegalArgumentException(
            "maxWritesPerCommit must be between 1 and " + StoreGuard.QUEUE_SIZE);
      }
    }

    /** These deadlines, with {@value #DEFAULT_MAX_WRITES_PER_COMMIT} writes per commit. */
    public Settings(Duration timeout, Duration retryAfter) {
      this(timeout, retryAfter, DEFAULT_MAX_WRITES_PER_COMMIT);
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
    return open(dataDirectory, clock, settings, CommitListener.NONE);
  }

  /**
   * As {@link #open(Path, Clock, Settings)}, telling {@code listener} the size of every commit of
   * the writer (for a metric of writes per commit).
   */
  public static GatewayStore open(
      Path dataDirectory, Clock clock, Settings settings, CommitListener listener) {
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
    ConnectionPool readers =
        new ConnectionPool(
            () -> SqliteDialect.connectReader(dataDirectory, busyTimeout),
            POOL_SIZE - 1,
            BORROW_TIMEOUT);
    ConnectionPool writer =
        new ConnectionPool(
            () -> SqliteDialect.connect(dataDirectory, busyTimeout), 1, BORROW_TIMEOUT);
    SqliteDialect dialect = new SqliteDialect();
    JdbcGatewayStore store =
        new JdbcGatewayStore(
            readers, writer, dialect, clock, guard(dialect, clock, settings, writer, listener));
    try {
      store.migrate();
      store.startFollower();
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw new StoreException("cannot open the store " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The store's threads: one writer, which commits the writes waiting together (SQLite takes one
   * writer at a time), and one reader per reader connection, so no thread of the store waits for a
   * connection.
   */
  static StoreGuard guard(
      Dialect dialect,
      Clock clock,
      Settings settings,
      ConnectionPool writer,
      CommitListener listener) {
    return guard(dialect, clock, settings, writer, listener, POOL_SIZE - 1);
  }

  /** As above, with this many reader threads: one per reader connection of the engine. */
  static StoreGuard guard(
      Dialect dialect,
      Clock clock,
      Settings settings,
      ConnectionPool writer,
      CommitListener listener,
      int readerThreads) {
    return new StoreGuard(
        new StoreHealth(clock),
        dialect,
        settings.timeout(),
        settings.retryAfter(),
        writer,
        settings.maxWritesPerCommit(),
        listener,
        readerThreads);
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
