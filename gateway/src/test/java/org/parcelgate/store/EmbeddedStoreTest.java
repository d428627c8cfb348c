package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.parcelgate.store.Batches.batch;
import static org.parcelgate.store.Batches.digest;
import static org.parcelgate.store.Batches.entry;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.testing.MutableClock;

/**
 * What is about the embedded store's SQLite file, and so has no PostgreSQL counterpart: its
 * durability settings, a data directory or a database file that cannot be created or opened, and
 * SQLite's own result codes. The store's behaviour on every engine is in {@link GatewayStoreTest}.
 */
@Timeout(60)
class EmbeddedStoreTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path data;
  private final MutableClock clock = new MutableClock(NOW);
  private GatewayStore store;

  @BeforeEach
  void open() {
    store = EmbeddedStore.open(data, clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void commitsAreLoggedAheadAndSyncedOnEveryCommit() throws Exception {
    try (Connection connection = EmbeddedStore.connect(data);
        Statement statement = connection.createStatement()) {
      assertThat(pragma(statement, "journal_mode")).isEqualTo("wal");
      assertThat(pragma(statement, "synchronous")).isEqualTo("2"); // FULL
    }
  }

  @Test
  void openingADatabaseThatCannotBeOpenedNamesTheResultCodeAndTheFile() throws Exception {
    store.close();
    Path elsewhere = data.resolve("elsewhere");
    // A directory where the database file should be: SQLite cannot open it.
    java.nio.file.Files.createDirectories(elsewhere.resolve(SqliteDialect.FILE_NAME));

    assertThatThrownBy(() -> EmbeddedStore.open(elsewhere, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("SQLITE_CANTOPEN")
        .hasMessageContaining(
            elsewhere.resolve(SqliteDialect.FILE_NAME).toAbsolutePath().toString())
        .hasMessageNotContaining("SQLState");
  }

  @Test
  void aDataDirectoryThatCannotBeCreatedIsNamedWithTheReason() throws Exception {
    store.close();
    Path file = java.nio.file.Files.writeString(data.resolve("a-file"), "not a directory");

    assertThatThrownBy(() -> EmbeddedStore.open(file.resolve("data"), clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot create the data directory " + file.resolve("data"))
        .hasMessageContaining("FileSystemException");
  }

  @Test
  void aCommitTheDiskCannotHoldFailsWithTheFullDiskNotWithTheFailedRollback() {
    // SQLite's own cap on the database size fails a write exactly as a full disk does
    // (SQLITE_FULL), and the engine rolls the transaction back itself: the store's rollback then
    // finds no transaction and must not hide why.
    ConnectionPool cappedWriter =
        new ConnectionPool(() -> cappedConnection(data), 1, Duration.ofSeconds(5));
    JdbcGatewayStore capped =
        new JdbcGatewayStore(
            new ConnectionPool(
                () -> SqliteDialect.connectReader(data, 5_000), 1, Duration.ofSeconds(5)),
            cappedWriter,
            new SqliteDialect(),
            clock,
            EmbeddedStore.guard(
                new SqliteDialect(),
                clock,
                EmbeddedStore.Settings.DEFAULT,
                cappedWriter,
                CommitListener.NONE));
    List<IndexEntry> entries = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      entries.add(entry("t-" + i, 1));
    }
    try {
      assertThatThrownBy(() -> capped.commit(batch("b-big", "alpha", digest("big"), entries)))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("SQLITE_FULL")
          .hasMessageContaining("database or disk is full")
          .hasMessageNotContaining("no transaction is active")
          .satisfies(
              e ->
                  assertThat(org.assertj.core.util.Throwables.getRootCause(e).getSuppressed())
                      .extracting(Throwable::getMessage)
                      .anyMatch(message -> message.contains("no transaction is active")));
      assertThat(store.batch("alpha", "b-big")).isEmpty();
    } finally {
      capped.close();
    }
  }

  /** A connection to the store's database that may grow it by two pages only. */
  private static Connection cappedConnection(Path data) throws java.sql.SQLException {
    Connection connection = SqliteDialect.connect(data);
    try (Statement statement = connection.createStatement()) {
      long pages;
      try (ResultSet row = statement.executeQuery("PRAGMA page_count")) {
        row.next();
        pages = row.getLong(1);
      }
      statement.execute("PRAGMA max_page_count = " + (pages + 2));
    }
    return connection;
  }

  private static String pragma(Statement statement, String name) throws Exception {
    try (ResultSet row = statement.executeQuery("PRAGMA " + name)) {
      row.next();
      return row.getString(1);
    }
  }
}
