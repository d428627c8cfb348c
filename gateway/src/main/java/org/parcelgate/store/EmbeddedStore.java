package org.parcelgate.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

/** Opens the embedded store: a database in a file under a data directory, no server needed. */
public final class EmbeddedStore {
  /** Connections kept open: enough for the worker pool's concurrent look-ups. */
  static final int POOL_SIZE = 8;

  static final Duration BORROW_TIMEOUT = Duration.ofSeconds(30);

  private EmbeddedStore() {}

  /** Opens (creating if needed) the store in this directory, on the system clock. */
  public static GatewayStore open(Path dataDirectory) {
    return open(dataDirectory, Clock.systemUTC());
  }

  /**
   * Opens (creating if needed) the store in this directory and brings its schema up to date.
   *
   * @param clock decides whether a recorded token id has expired
   * @throws StoreException if the database cannot be opened or migrated
   */
  public static GatewayStore open(Path dataDirectory, Clock clock) {
    return open(
        dataDirectory,
        clock,
        EmbeddedEngine.valueOf(System.getProperty("parcelgate.store.engine", "H2")));
  }

  static GatewayStore open(Path dataDirectory, Clock clock, EmbeddedEngine engine) {
    try {
      Files.createDirectories(dataDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory", e);
    }
    ConnectionPool pool =
        new ConnectionPool(() -> engine.connect(dataDirectory), POOL_SIZE, BORROW_TIMEOUT);
    JdbcGatewayStore store = new JdbcGatewayStore(pool, engine, clock);
    try {
      store.migrate();
      return store;
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** A plain connection with the store's settings, for the benchmark's baseline. */
  public static java.sql.Connection connect(Path dataDirectory) throws SQLException {
    return EmbeddedEngine.valueOf(System.getProperty("parcelgate.store.engine", "H2"))
        .connect(dataDirectory);
  }
}
