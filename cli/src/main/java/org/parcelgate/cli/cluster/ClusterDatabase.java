package org.parcelgate.cli.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.parcelgate.store.PostgresStore;

/**
 * The PostgreSQL server every instance of a local cluster shares: either one this command runs
 * itself from the embedded binaries the tests use (its data directory inside the cluster's
 * directory, so a restart finds the data again), or an existing server named by its JDBC URL.
 */
public final class ClusterDatabase implements AutoCloseable {
  /** The database and role the command creates on a server it runs itself. */
  public static final String NAME = "parcelgate";

  /** Connections one instance opens at most: {@code store.readers} (at most 64) and the writer. */
  private static final int CONNECTIONS_PER_INSTANCE = 65;

  private final EmbeddedPostgres embedded;
  private final String url;
  private final String user;

  private ClusterDatabase(EmbeddedPostgres embedded, String url, String user) {
    this.embedded = embedded;
    this.url = url;
    this.user = user;
  }

  /**
   * Starts PostgreSQL on the data directory (created by {@code initdb} on the first start, reused
   * after), with durable commits, and creates the role and database {@value #NAME} if missing. The
   * server trusts local connections, as the tests' server does: it is for one machine, not a
   * deployment.
   *
   * @param port the port, or 0 for any free one
   */
  public static ClusterDatabase embedded(Path dataDirectory, int port, int instances, Path log) {
    EmbeddedPostgres server;
    try {
      Files.createDirectories(dataDirectory);
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              // Stopped by the cluster after its instances, never by a hook of its own that could
              // run while they still commit.
              .setRegisterShutdownHook(false)
              // Durable commits, as in production: the library starts the server with -F (no
              // fsync) and synchronous_commit off; these come after -F on its command line and win.
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig(
                  "max_connections", Integer.toString(20 + instances * CONNECTIONS_PER_INSTANCE))
              .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()))
              .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()));
      if (port > 0) {
        builder.setPort(port);
      }
      server = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start PostgreSQL on " + dataDirectory + " (its log: " + log + ")", e);
    }
    try (Connection connection = server.getPostgresDatabase().getConnection();
        Statement sql = connection.createStatement()) {
      if (!exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?")) {
        sql.execute("CREATE ROLE " + NAME + " LOGIN");
      }
      if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?")) {
        sql.execute("CREATE DATABASE " + NAME + " OWNER " + NAME);
      }
    } catch (SQLException e) {
      close(server);
      throw new IllegalStateException(
          "cannot create the role and database " + NAME + ": " + e.getMessage(), e);
    }
    return new ClusterDatabase(
        server, "jdbc:postgresql://localhost:" + server.getPort() + "/" + NAME, NAME);
  }

  /**
   * An existing server, checked by connecting once with the password the instances will use, so
   * that a wrong URL or password is one message here rather than N failed starts.
   */
  public static ClusterDatabase existing(String url, String user, Optional<String> password) {
    checkUrl(url);
    try (Connection connection = DriverManager.getConnection(url, user, password.orElse(""))) {
      connection.isValid(5);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot connect to " + url + " as " + user + ": " + e.getMessage(), e);
    }
    return new ClusterDatabase(null, url, user);
  }

  /**
   * Refuses what the gateway would refuse, before anything starts.
   *
   * @throws IllegalArgumentException naming {@code --store-url}
   */
  public static void checkUrl(String url) {
    PostgresStore.urlProblem(url)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException("--store-url " + problem);
            });
  }

  private static boolean exists(Connection connection, String query) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(query)) {
      statement.setString(1, NAME);
      try (ResultSet found = statement.executeQuery()) {
        return found.next();
      }
    }
  }

  /** The JDBC URL the instances use. */
  public String url() {
    return url;
  }

  /** The role the instances log in as. */
  public String user() {
    return user;
  }

  /** Whether this command runs the server (and stops it on {@link #close()}). */
  public boolean embedded() {
    return embedded != null;
  }

  /** Stops the server if this command started it; an existing server is left alone. */
  @Override
  public void close() {
    if (embedded != null) {
      close(embedded);
    }
  }

  private static void close(EmbeddedPostgres server) {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("PostgreSQL did not stop cleanly", e);
    }
  }
}
