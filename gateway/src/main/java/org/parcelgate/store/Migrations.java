package org.parcelgate.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small versioned-migration runner. A migration folder on the classpath holds SQL files named
 * {@code V<n>__<description>.sql} and an {@code index} file listing them, one per line, in order;
 * versions run 1, 2, 3 without gaps. Each migration runs once, in its own transaction, and is then
 * recorded in {@code schema_version} with the SHA-256 of its file. At every open the recorded
 * checksums are compared with the shipped files: a migration changed after it was applied, or a
 * database newer than the code, stops the store from opening.
 *
 * <p>Every engine runs the same files ({@value #FOLDER}), written in standard SQL; the checksum is
 * the file's. The engine's {@link Dialect#translate} renames the two column types that engines
 * spell differently as each statement runs, and changes nothing else.
 *
 * <p>A migration may have a step in Java ({@link #AFTER_SQL}) for work that SQL alone cannot do in
 * every engine, such as building the minimization log's tree from its entries; it runs after the
 * file's statements, in the same transaction, and must be safe to re-run like them.
 *
 * <p>Statements in a file are separated by a semicolon at the end of a line; lines starting with
 * {@code --} are comments. Migrations are written to be safe to re-run ({@code IF NOT EXISTS}),
 * because some engines (H2) commit each DDL statement on its own.
 */
final class Migrations {
  private static final Pattern FILE_NAME = Pattern.compile("V([1-9][0-9]*)__([a-z0-9_]+)\\.sql");
  private static final Pattern STATEMENT_END = Pattern.compile(";\\s*(\\r?\\n|$)");

  /** The classpath folder (relative to this package) of the migrations every engine runs. */
  static final String FOLDER = "migration";

  /** A migration's step in Java. */
  @FunctionalInterface
  interface Step {
    void run(Connection connection, Dialect dialect) throws SQLException;
  }

  /** The steps in Java, by the version whose SQL they follow. Never changed once released. */
  private static final Map<Integer, Step> AFTER_SQL =
      Map.of(
          4,
          (connection, dialect) -> LogTables.rebuildNodes(connection, LogName.MINIMIZATION),
          5,
          FollowerTables::addSellerColumns,
          10,
          (connection, dialect) -> LogTables.indexBatches(connection),
          13,
          (connection, dialect) -> RiskTables.rekeySplitGroups(connection),
          15,
          (connection, dialect) -> SplitLog.pack(connection));

  /** A migration as shipped. */
  record Migration(int version, String description, String sql, String checksum) {}

  /** A migration as recorded in the database. */
  record Applied(int version, String description, String checksum, Instant appliedAt) {}

  private Migrations() {}

  /** The migrations the gateway ships, in order: the same files for every engine. */
  static List<Migration> shipped() {
    return load(FOLDER);
  }

  /** The migrations in a classpath folder, in order. */
  static List<Migration> load(String folder) {
    List<Migration> migrations = new ArrayList<>();
    for (String line : read(folder + "/index").split("\\R")) {
      String name = line.strip();
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      Matcher matcher = FILE_NAME.matcher(name);
      if (!matcher.matches()) {
        throw new StoreException("migration file name " + name + " is not V<n>__<description>.sql");
      }
      int version = Integer.parseInt(matcher.group(1));
      if (version != migrations.size() + 1) {
        throw new StoreException(
            "migration " + name + " is out of order: expected version " + (migrations.size() + 1));
      }
      String sql = read(folder + "/" + name);
      migrations.add(new Migration(version, matcher.group(2).replace('_', ' '), sql, sha256(sql)));
    }
    return List.copyOf(migrations);
  }

  /**
   * Applies the migrations not yet recorded, after checking the recorded ones, with no other
   * gateway migrating the same database meanwhile ({@link Dialect#migrating}).
   *
   * @return how many were applied now
   */
  static int migrate(
      Connection connection, Dialect dialect, List<Migration> migrations, Clock clock)
      throws SQLException {
    return dialect.migrating(connection, c -> migrateNow(c, dialect, migrations, clock));
  }

  private static int migrateNow(
      Connection connection, Dialect dialect, List<Migration> migrations, Clock clock)
      throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS schema_version ("
              + " version INTEGER NOT NULL PRIMARY KEY,"
              + " description VARCHAR(255) NOT NULL,"
              + " checksum VARCHAR(64) NOT NULL,"
              + " applied_at_micros BIGINT NOT NULL)");
    }
    List<Applied> applied = applied(connection);
    if (applied.size() > migrations.size()) {
      throw new StoreException(
          "the database is at schema version "
              + applied.size()
              + ", newer than this gateway knows ("
              + migrations.size()
              + ")");
    }
    for (int i = 0; i < applied.size(); i++) {
      Applied done = applied.get(i);
      Migration shipped = migrations.get(i);
      if (done.version() != shipped.version() || !done.checksum().equals(shipped.checksum())) {
        throw new StoreException(
            "migration V" + shipped.version() + " changed after it was applied to this database");
      }
    }
    int count = 0;
    for (Migration migration : migrations.subList(applied.size(), migrations.size())) {
      apply(connection, dialect, migration, clock.instant());
      count++;
    }
    return count;
  }

  /** The recorded migrations, in version order. */
  static List<Applied> applied(Connection connection) throws SQLException {
    List<Applied> applied = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT version, description, checksum, applied_at_micros"
                    + " FROM schema_version ORDER BY version")) {
      while (rows.next()) {
        applied.add(
            new Applied(
                rows.getInt(1),
                rows.getString(2),
                rows.getString(3),
                JdbcGatewayStore.instant(rows.getLong(4))));
      }
    }
    return applied;
  }

  private static void apply(
      Connection connection, Dialect dialect, Migration migration, Instant now)
      throws SQLException {
    JdbcGatewayStore.inTransaction(
        connection,
        c -> {
          try (Statement statement = c.createStatement()) {
            for (String sql : statements(migration.sql())) {
              statement.execute(dialect.translate(sql));
            }
          }
          Step step = AFTER_SQL.get(migration.version());
          if (step != null) {
            step.run(c, dialect);
          }
          try (PreparedStatement record =
              c.prepareStatement(
                  "INSERT INTO schema_version (version, description, checksum, applied_at_micros)"
                      + " VALUES (?, ?, ?, ?)")) {
            record.setInt(1, migration.version());
            record.setString(2, migration.description());
            record.setString(3, migration.checksum());
            record.setLong(4, JdbcGatewayStore.micros(now));
            record.executeUpdate();
          }
          return null;
        });
  }

  static List<String> statements(String script) {
    StringBuilder withoutComments = new StringBuilder();
    for (String line : script.split("\\R")) {
      if (!line.strip().startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String statement : STATEMENT_END.split(withoutComments)) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  private static String read(String resource) {
    try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new StoreException("migration resource " + resource + " is missing");
      }
      // Line endings normalized, so a checkout with other line endings has the same checksums.
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
