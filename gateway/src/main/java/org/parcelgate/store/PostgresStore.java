package org.parcelgate.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;

/**
 * Opens the store on a PostgreSQL server, which several gateway instances share: the cluster
 * deployment (see {@code docs/operations.md}). The same tables, migrations and SQL as the embedded
 * store; what differs is in {@link PostgresDialect}.
 *
 * <p>Each instance keeps one writer connection, on which it commits its writes in groups as the
 * embedded store does, and {@link Server#readers()} reader connections. Readers read in {@code
 * REPEATABLE READ}: a read of several statements sees one snapshot. The writer stays in {@code READ
 * COMMITTED}, so a statement after the positions lock sees every transaction committed before it.
 */
public final class PostgresStore {
  /**
   * Where the database is and how to log in.
   *
   * @param url a JDBC URL, {@code jdbc:postgresql://host:port/database}, without a password
   * @param user the database role
   * @param password the role's password, from the environment or a file, never the configuration
   *     file
   * @param readers reader connections of this instance
   */
  public record Server(String url, String user, char[] password, int readers) {
    public Server {
      urlProblem(url)
          .ifPresent(
              problem -> {
                throw new IllegalArgumentException("the store URL " + problem);
              });
      if (readers < 1) {
        throw new IllegalArgumentException("readers must be at least 1");
      }
      password = password.clone();
    }

    @Override
    public char[] password() {
      return password.clone();
    }

    @Override
    public String toString() {
      return "Server[url=" + url + ", user=" + user + ", readers=" + readers + "]";
    }
  }

  private PostgresStore() {}

  /**
   * What is wrong with a store URL, if anything, as the end of a sentence naming it: it must be a
   * PostgreSQL JDBC URL, and must not carry a password (that comes from the environment or a file,
   * so it never sits in a configuration file or a command line). The one rule for the
   * configuration, the cluster command and {@link Server}.
   */
  public static java.util.Optional<String> urlProblem(String url) {
    if (!url.startsWith("jdbc:postgresql://")) {
      return java.util.Optional.of("must start with jdbc:postgresql://");
    }
    if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
      return java.util.Optional.of(
          "must not carry the password: set PARCELGATE_STORE_PASSWORD or store.password-file");
    }
    return java.util.Optional.empty();
  }

  /**
   * Connects to the server, applies the migrations the database has not seen yet (one instance at a
   * time) and starts the follower. Blocking: call it from a worker thread.
   *
   * @throws StoreException if the server cannot be reached or refuses the login, or the schema does
   *     not match; the message names the URL and the server's SQLState, never the password
   */
  public static GatewayStore open(
      Server server, Clock clock, EmbeddedStore.Settings settings, CommitListener listener) {
    PostgresDialect dialect = new PostgresDialect();
    Duration borrowTimeout = EmbeddedStore.BORROW_TIMEOUT;
    ConnectionPool readers =
        new ConnectionPool(
            () -> connect(server, settings, Connection.TRANSACTION_REPEATABLE_READ),
            server.readers(),
            borrowTimeout);
    ConnectionPool writer =
        new ConnectionPool(
            () -> connect(server, settings, Connection.TRANSACTION_READ_COMMITTED),
            1,
            borrowTimeout);
    StoreGuard guard =
        EmbeddedStore.guard(dialect, clock, settings, writer, listener, server.readers());
    JdbcGatewayStore store = new JdbcGatewayStore(readers, writer, dialect, clock, guard);
    try {
      store.migrate();
      store.startFollower();
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw new StoreException(
          "cannot open the store at " + server.url() + ": " + e.getMessage(), e);
    }
  }

  /**
   * One connection. The socket timeout is twice the store's deadline: a server that stops answering
   * fails the statement instead of holding the writer thread forever; the store's callers have been
   * answered at the deadline already. The lock timeout is nine tenths of the deadline, as SQLite's
   * busy timeout is: a write waiting for a lock that another instance or a maintenance session
   * holds gives up (SQLState {@code 55P03}) just before its caller would, so a caller told that the
   * store is unavailable never finds its write committed later.
   */
  static Connection connect(Server server, EmbeddedStore.Settings settings, int isolation)
      throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", server.user());
    properties.setProperty("password", new String(server.password()));
    properties.setProperty("ApplicationName", "parcelgate");
    properties.setProperty("reWriteBatchedInserts", "true");
    properties.setProperty("tcpKeepAlive", "true");
    long seconds = Math.max(1, settings.timeout().toSeconds());
    properties.setProperty("connectTimeout", Long.toString(seconds));
    properties.setProperty("socketTimeout", Long.toString(2 * seconds));
    properties.setProperty(
        "options", "-c lock_timeout=" + settings.timeout().toMillis() * 9 / 10 + "ms");
    Connection connection = DriverManager.getConnection(server.url(), properties);
    connection.setTransactionIsolation(isolation);
    return connection;
  }
}
