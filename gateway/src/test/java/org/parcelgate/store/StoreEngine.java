package org.parcelgate.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.parcelgate.testing.Postgres;

/**
 * The engines the store behaviour tests run against: the same test class, once per engine
 * ({@code @ParameterizedClass @EnumSource(StoreEngine.class)}). A test names its store by a
 * directory; on PostgreSQL the directory names a database of its own, so a test that closes and
 * reopens "the same directory" reopens the same database.
 *
 * <p>Besides opening a store as the gateway does, an engine hands out what a test needs to build a
 * store by hand ({@link #dialect()}, {@link #connect}, {@link #connectReader}) or to act on the
 * database from another connection ({@link #holdWriteLock}).
 */
enum StoreEngine {
  EMBEDDED {
    @Override
    GatewayStore open(
        Path directory, Clock clock, EmbeddedStore.Settings settings, CommitListener listener) {
      return EmbeddedStore.open(directory, clock, settings, listener);
    }

    @Override
    Dialect dialect() {
      return new SqliteDialect();
    }

    @Override
    Connection connect(Path directory, int lockWaitMillis) throws SQLException {
      return SqliteDialect.connect(directory, lockWaitMillis);
    }

    @Override
    Connection connectReader(Path directory, int lockWaitMillis) throws SQLException {
      return SqliteDialect.connectReader(directory, lockWaitMillis);
    }

    @Override
    void holdWriteLock(Connection connection) throws SQLException {
      try (Statement sql = connection.createStatement()) {
        sql.execute("BEGIN EXCLUSIVE");
      }
    }

    @Override
    void enforceForeignKeys(Connection connection) throws SQLException {
      try (Statement sql = connection.createStatement()) {
        sql.execute("PRAGMA foreign_keys = ON");
      }
    }
  },
  POSTGRESQL {
    @Override
    GatewayStore open(
        Path directory, Clock clock, EmbeddedStore.Settings settings, CommitListener listener) {
      return PostgresStore.open(server(directory), clock, settings, listener);
    }

    @Override
    Dialect dialect() {
      return new PostgresDialect();
    }

    @Override
    Connection connect(Path directory, int lockWaitMillis) throws SQLException {
      return PostgresStore.connect(
          server(directory), settings(lockWaitMillis), Connection.TRANSACTION_READ_COMMITTED);
    }

    @Override
    Connection connectReader(Path directory, int lockWaitMillis) throws SQLException {
      return PostgresStore.connect(
          server(directory), settings(lockWaitMillis), Connection.TRANSACTION_REPEATABLE_READ);
    }

    /**
     * Every table the store writes, locked against writers (readers go on), until the transaction
     * ends: what SQLite's exclusive lock does to the store's writes.
     */
    @Override
    void holdWriteLock(Connection connection) throws SQLException {
      try (Statement sql = connection.createStatement()) {
        sql.execute("BEGIN");
        sql.execute(
            "LOCK TABLE token_id, batch, transaction_index, minimization_log, price_record"
                + " IN EXCLUSIVE MODE");
      }
    }

    /** Settings whose deadline makes the connection wait this long for a lock. */
    private static EmbeddedStore.Settings settings(int lockWaitMillis) {
      return new EmbeddedStore.Settings(
          Duration.ofMillis(lockWaitMillis * 10L / 9), EmbeddedStore.Settings.DEFAULT.retryAfter());
    }
  };

  /** Opens (creating if needed) the store this directory names. */
  abstract GatewayStore open(
      Path directory, Clock clock, EmbeddedStore.Settings settings, CommitListener listener);

  GatewayStore open(Path directory, Clock clock) {
    return open(directory, clock, EmbeddedStore.Settings.DEFAULT, CommitListener.NONE);
  }

  GatewayStore open(Path directory, Clock clock, EmbeddedStore.Settings settings) {
    return open(directory, clock, settings, CommitListener.NONE);
  }

  /** The engine's dialect, for a store built by hand. */
  abstract Dialect dialect();

  /**
   * A plain connection for writing to the database this directory names, with the store's settings,
   * whose statements wait at most {@code lockWaitMillis} for a lock held elsewhere. It bypasses
   * every rule of the store; the caller closes it.
   */
  abstract Connection connect(Path directory, int lockWaitMillis) throws SQLException;

  Connection connect(Path directory) throws SQLException {
    return connect(directory, SqliteDialect.BUSY_TIMEOUT_MILLIS);
  }

  /**
   * A plain connection to a database this directory names, created with the shipped migrations up
   * to {@code version} only, as a gateway of that version left it; not auto-committing. The caller
   * closes it.
   */
  Connection connectAtVersion(Path directory, int version, Clock clock) throws SQLException {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Connection connection = connect(directory);
    try {
      Migrations.migrate(connection, dialect(), Migrations.shipped().subList(0, version), clock);
      connection.setAutoCommit(false);
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** As {@link #connect(Path, int)}, set up as the store's readers are. */
  abstract Connection connectReader(Path directory, int lockWaitMillis) throws SQLException;

  /**
   * Begins a transaction on {@code connection} that keeps the store's writes out (not its reads)
   * until {@code COMMIT}.
   */
  abstract void holdWriteLock(Connection connection) throws SQLException;

  /**
   * Makes {@code connection} check foreign keys, which the store's tables do not have: for a test
   * that needs a statement to fail at {@code COMMIT}. PostgreSQL always checks them.
   */
  void enforceForeignKeys(Connection connection) throws SQLException {}

  /**
   * A store built by hand, as {@link #open} builds it but without starting its follower thread: the
   * test runs the follower's steps when it wants. The schema is brought up to date first.
   *
   * @param lockWaitMillis how long the store's statements wait for a lock held elsewhere
   * @param foreignKeys whether the writer's connection checks foreign keys
   * @param guard the guard the store runs its work through, given the writer's pool
   */
  JdbcGatewayStore assemble(
      Path directory,
      Clock clock,
      int lockWaitMillis,
      boolean foreignKeys,
      java.util.function.Function<ConnectionPool, StoreGuard> guard) {
    open(directory, clock).close();
    ConnectionPool writer =
        new ConnectionPool(
            () -> {
              Connection connection = connect(directory, lockWaitMillis);
              if (foreignKeys) {
                enforceForeignKeys(connection);
              }
              return connection;
            },
            1,
            EmbeddedStore.BORROW_TIMEOUT);
    ConnectionPool readers =
        new ConnectionPool(
            () -> connectReader(directory, lockWaitMillis), 2, EmbeddedStore.BORROW_TIMEOUT);
    return new JdbcGatewayStore(readers, writer, dialect(), clock, guard.apply(writer));
  }

  /** A store built by hand with the default settings and no follower thread. */
  JdbcGatewayStore assemble(Path directory, Clock clock) {
    return assemble(
        directory,
        clock,
        SqliteDialect.BUSY_TIMEOUT_MILLIS,
        false,
        writer ->
            EmbeddedStore.guard(
                dialect(), clock, EmbeddedStore.Settings.DEFAULT, writer, CommitListener.NONE));
  }

  /** The PostgreSQL database a directory names: one per directory, created on first use. */
  static PostgresStore.Server server(Path directory) {
    String path = directory.toAbsolutePath().normalize().toString();
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return Postgres.database("store_" + HexFormat.of().formatHex(digest, 0, 12));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
