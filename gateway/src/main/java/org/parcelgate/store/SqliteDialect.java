package org.parcelgate.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
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
 *   <li>{@code BEGIN IMMEDIATE} for transactions: a writing transaction takes the write lock when
 *       it starts, never half-way (no deadlock between two upgrading readers).
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
  public String migrationFolder() {
    return "migration/sqlite";
  }

  @Override
  public boolean singleWriter() {
    return true;
  }

  @Override
  public boolean isUniqueViolation(SQLException e) {
    for (SQLException next = e; next != null; next = next.getNextException()) {
      for (Throwable t = next; t != null; t = t.getCause()) {
        if (t instanceof SQLiteException sqlite
            && (sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Opens one connection to the database file in this directory, with the settings above. */
  static Connection connect(Path directory) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.setCacheSize(-CACHE_KIB);
    config.setJournalSizeLimit(JOURNAL_SIZE_LIMIT_BYTES);
    config.enforceForeignKeys(false);
    Properties properties = config.toProperties();
    return DriverManager.getConnection(
        "jdbc:sqlite:" + directory.resolve(FILE_NAME).toAbsolutePath(), properties);
  }
}
