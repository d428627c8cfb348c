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

  private EmbeddedStore() {}

  /** Opens (creating if needed) the store in this directory, on the system clock. */
  public static GatewayStore open(Path dataDirectory) {
    return open(dataDirectory, Clock.systemUTC());
  }

  /**
   * Opens (creating the directory and the database if needed) the store in this directory and
   * applies the migrations it has not seen yet. Blocking: call it from a worker thread.
   *
   * @param clock decides whether a recorded token id has expired
   * @throws StoreException if the directory or the database cannot be created or opened, or its
   *     schema does not match; the message names the database file and the engine's cause (for
   *     SQLite its result code, such as {@code SQLITE_CANTOPEN})
   */
  public static GatewayStore open(Path dataDirectory, Clock clock) {
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
    ConnectionPool pool =
        new ConnectionPool(() -> SqliteDialect.connect(dataDirectory), POOL_SIZE, BORROW_TIMEOUT);
    JdbcGatewayStore store = new JdbcGatewayStore(pool, new SqliteDialect(), clock);
    try {
      store.migrate();
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw new StoreException("cannot open the store " + file + ": " + e.getMessage(), e);
    }
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
