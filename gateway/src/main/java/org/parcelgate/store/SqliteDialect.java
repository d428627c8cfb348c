package org.parcelgate.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite through the xerial driver, with the settings that make a commit durable (see {@code
 * docs/storage.md}, "Durability"):
 *
 * <ul>
 *   <li>{@code journal_mode=WAL}: a commit appends to the write-ahead log; readers do not block the
 *       writer nor the writer the readers.
 *   <li>{@code synchronous=FULL}: the log is fsynced at every commit, so a committed batch survives
 *       a killed process and also an operating-system crash or power loss. ({@code NORMAL} would
 *       survive a killed process only.)
 *   <li>{@code BEGIN IMMEDIATE} for the writer's transactions: a writing transaction takes the
 *       write lock when it starts, never half-way (no deadlock between two upgrading readers). The
 *       readers' connections begin {@code DEFERRED} transactions, which read a snapshot and never
 *       take the write lock ({@link #connectReader}).
 *   <li>{@code busy_timeout}: another process or a checkpoint holding the lock is waited for.
 * </ul>
 */
final class SqliteDialect implements Dialect {
  static final String FILE_NAME = "parcelgate.sqlite";
  static final int BUSY_TIMEOUT_MILLIS = 10_000;

  /** Page cache per connection, in KiB (SQLite's negative cache_size). */
  static final int CACHE_KIB = 32 * 1024;

  /** The log is truncated back to this after a checkpoint, so it does not keep its peak size. */
  static final int JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

  @Override
  public String translate(String sql) {
    return sql;
  }

  /** A writing transaction takes the write lock when it starts, never half-way. */
  @Override
  public String beginWrite() {
    return "BEGIN IMMEDIATE";
  }

  /** One writer at a time already: the writer's order is the commit order. */
  @Override
  public void orderWrites(Connection connection) {}

  @Override
  public boolean isUniqueViolation(SQLException e) {
    return sqliteCause(e)
        .map(SQLiteException::getResultCode)
        .filter(
            code ->
                code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                    || code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)
        .isPresent();
  }

  /**
   * The driver's message of the engine's error: {@code [SQLITE_FULL] Insertion failed because
   * database is full (database or disk is full)}, the result code first and SQLite's own text in
   * parentheses. SQLite's texts name tables, columns and constraints, never bound values.
   */
  @Override
  public String describe(SQLException e) {
    return sqliteCause(e)
        .map(Throwable::getMessage)
        .orElseGet(() -> e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  /**
   * SQLite's primary result codes that say the store cannot work, whatever the statement: {@code
   * SQLITE_FULL}, {@code SQLITE_IOERR*}, {@code SQLITE_READONLY*} and {@code SQLITE_PERM}, {@code
   * SQLITE_CANTOPEN*}, {@code SQLITE_BUSY*} and {@code SQLITE_LOCKED*} (returned only once the busy
   * timeout has passed), {@code SQLITE_PROTOCOL}, {@code SQLITE_CORRUPT*} and {@code
   * SQLITE_NOTADB}. Everything else (a constraint, a syntax error, misuse, out of memory) is a
   * conflict or a bug.
   */
  @Override
  public Optional<StoreFault> fault(Throwable failure) {
    return sqliteCause(failure)
        .flatMap(
            sqlite -> {
              SQLiteErrorCode code = sqlite.getResultCode();
              StoreFault.Kind kind =
                  switch (code.code & 0xff) {
                    case 13 -> StoreFault.Kind.DISK_FULL; // SQLITE_FULL
                    case 10, 22 -> StoreFault.Kind.IO_ERROR; // SQLITE_IOERR, SQLITE_NOLFS
                    case 8, 3 -> StoreFault.Kind.READ_ONLY; // SQLITE_READONLY, SQLITE_PERM
                    case 14 -> StoreFault.Kind.CANNOT_OPEN; // SQLITE_CANTOPEN
                    case 5, 6, 15 -> StoreFault.Kind.LOCKED; // SQLITE_BUSY, _LOCKED, _PROTOCOL
                    case 11, 26 -> StoreFault.Kind.CORRUPT; // SQLITE_CORRUPT, SQLITE_NOTADB
                    default -> null;
                  };
              return Optional.ofNullable(kind).map(k -> new StoreFault(k, code.name()));
            });
  }

  /**
   * The engine's exception behind a driver exception: the exception itself, a cause, or a chained
   * next exception (a failed JDBC batch reports its entry's failure as one of those).
   */
  static Optional<SQLiteException> sqliteCause(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException sqlite) {
        return Optional.of(sqlite);
      }
      if (t instanceof SQLException sql) {
        for (SQLException next = sql.getNextException(); next != null; ) {
          if (next instanceof SQLiteException sqlite) {
            return Optional.of(sqlite);
          }
          next = next.getNextException();
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }

  /** Opens one connection to the database file in this directory, with the settings above. */
  static Connection connect(Path directory) throws SQLException {
    return connect(directory, BUSY_TIMEOUT_MILLIS);
  }

  /**
   * As {@link #connect(Path)}, with this busy timeout: how long a statement waits for a lock held
   * by another connection or process before {@code SQLITE_BUSY}. A connection for writing: its
   * transactions begin {@code IMMEDIATE}.
   */
  static Connection connect(Path directory, int busyTimeoutMillis) throws SQLException {
    return connect(directory, busyTimeoutMillis, SQLiteConfig.TransactionMode.IMMEDIATE);
  }

  /**
   * As {@link #connect(Path, int)}, for reading: its transactions begin {@code DEFERRED}, so a read
   * that needs one snapshot over several statements reads in a transaction that never takes the
   * write lock and never waits for the writer.
   */
  static Connection connectReader(Path directory, int busyTimeoutMillis) throws SQLException {
    return connect(directory, busyTimeoutMillis, SQLiteConfig.TransactionMode.DEFERRED);
  }

  private static Connection connect(
      Path directory, int busyTimeoutMillis, SQLiteConfig.TransactionMode transactionMode)
      throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setTransactionMode(transactionMode);
    config.setBusyTimeout(busyTimeoutMillis);
    config.setCacheSize(-CACHE_KIB);
    config.setJournalSizeLimit(JOURNAL_SIZE_LIMIT_BYTES);
    config.enforceForeignKeys(false);
    Properties properties = config.toProperties();
    return DriverManager.getConnection(
        "jdbc:sqlite:" + directory.resolve(FILE_NAME).toAbsolutePath(), properties);
  }
}
