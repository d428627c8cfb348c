package org.parcelgate.store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import org.parcelgate.testing.Postgres;

/**
 * The engines the store behaviour tests run against: the same test class, once per engine
 * ({@code @ParameterizedClass @EnumSource(StoreEngine.class)}). A test names its store by a
 * directory; on PostgreSQL the directory names a database of its own, so a test that closes and
 * reopens "the same directory" reopens the same database.
 */
enum StoreEngine {
  EMBEDDED {
    @Override
    GatewayStore open(
        Path directory, Clock clock, EmbeddedStore.Settings settings, CommitListener listener) {
      return EmbeddedStore.open(directory, clock, settings, listener);
    }
  },
  POSTGRESQL {
    @Override
    GatewayStore open(
        Path directory, Clock clock, EmbeddedStore.Settings settings, CommitListener listener) {
      return PostgresStore.open(server(directory), clock, settings, listener);
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
