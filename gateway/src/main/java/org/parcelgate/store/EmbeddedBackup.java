package org.parcelgate.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.sqlite.SQLiteConfig;

/**
 * Online backup and restore of the embedded store (docs/operations.md, "Backup and restore of the
 * embedded store").
 *
 * <p>{@link #backup} copies a live database with SQLite's {@code VACUUM INTO} on a connection of
 * its own: the copy is one read transaction's snapshot, so it holds every batch committed before
 * that snapshot whole and none after it, while the gateway goes on writing (write-ahead log: the
 * writer never waits for a reader). The copy is written to a temporary file beside the target,
 * checked with {@code PRAGMA integrity_check}, forced to disk and only then renamed into place.
 *
 * <p>{@link #restore} puts a backup into a data directory that holds no database yet, after the
 * same check, and opens it as the store once: the migrations run, and the latest signed checkpoint
 * of the minimization log must match the restored tree.
 */
public final class EmbeddedBackup {
  private EmbeddedBackup() {}

  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  /**
   * What a backup or a restore holds.
   *
   * @param batches batches stored, each with its receipt
   * @param logSize entries of the minimization log
   * @param checkpointSize the tree size of the latest signed checkpoint; 0 if none was signed
   */
  public record Summary(long batches, long logSize, long checkpointSize) {}

  /**
   * Copies the database of this data directory, which a gateway may be using, to {@code out}.
   * Blocking.
   *
   * @throws StoreException if the directory holds no database, {@code out} exists, or the copy
   *     fails or does not pass the integrity check (then nothing is left at {@code out})
   */
  public static Summary backup(Path dataDirectory, Path out) {
    Path database = dataDirectory.resolve(SqliteDialect.FILE_NAME);
    if (!Files.isRegularFile(database)) {
      throw new StoreException("no embedded store in " + dataDirectory.toAbsolutePath());
    }
    if (Files.exists(out)) {
      throw new StoreException("the backup file exists already: " + out.toAbsolutePath());
    }
    Path temporary = sibling(out, ".partial");
    try {
      // Owner-only from its first byte (it holds the minimized records); created exclusively, so
      // two backups to one file cannot mix. VACUUM INTO accepts an empty file.
      Files.createFile(temporary, OWNER_ONLY);
    } catch (FileAlreadyExistsException e) {
      throw new StoreException(
          "a backup to " + out.toAbsolutePath() + " is in progress (" + temporary + " exists)");
    } catch (IOException e) {
      throw new StoreException("cannot create " + temporary.toAbsolutePath() + ": " + cause(e), e);
    }
    try {
      try (Connection source =
              SqliteDialect.connectReader(dataDirectory, SqliteDialect.BUSY_TIMEOUT_MILLIS);
          PreparedStatement vacuum = source.prepareStatement("VACUUM INTO ?")) {
        vacuum.setString(1, temporary.toAbsolutePath().toString());
        vacuum.execute();
      }
      Summary summary = check(temporary);
      force(temporary);
      // A link, unlike a rename, refuses a file that appeared at out meanwhile.
      Files.createLink(out, temporary);
      forceDirectory(out.toAbsolutePath().getParent());
      return summary;
    } catch (SQLException | IOException e) {
      throw new StoreException(
          "backup of " + database.toAbsolutePath() + " failed: " + cause(e), e);
    } finally {
      deleteQuietly(temporary);
    }
  }

  /**
   * Restores a backup into a data directory (created if missing) that holds no database, then opens
   * it as the store once to apply migrations and check the minimization log against its latest
   * signed checkpoint. Blocking; no gateway may use the directory meanwhile.
   *
   * @throws StoreException if the directory holds a database already, the backup does not pass the
   *     integrity check, or the restored log does not match its checkpoint (then the directory is
   *     left without a database)
   */
  public static Summary restore(Path backup, Path dataDirectory) {
    if (!Files.isRegularFile(backup)) {
      throw new StoreException("no backup file " + backup.toAbsolutePath());
    }
    Path database = dataDirectory.resolve(SqliteDialect.FILE_NAME);
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      if (Files.exists(sibling(database, suffix))) {
        throw new StoreException(
            dataDirectory.toAbsolutePath()
                + " holds a store already: restore into a new or empty data directory");
      }
    }
    Path temporary = sibling(database, ".restoring");
    try {
      if (!Files.isDirectory(dataDirectory)) {
        Files.createDirectories(dataDirectory, OWNER_ONLY_DIRECTORY);
      }
      Files.deleteIfExists(temporary);
      Files.createFile(temporary, OWNER_ONLY);
      try (OutputStream copy = Files.newOutputStream(temporary, StandardOpenOption.WRITE)) {
        Files.copy(backup, copy);
      }
      Summary summary = check(temporary);
      force(temporary);
      Files.move(temporary, database, StandardCopyOption.ATOMIC_MOVE);
      forceDirectory(dataDirectory.toAbsolutePath());
    } catch (SQLException | IOException e) {
      deleteQuietly(temporary);
      throw new StoreException("restore of " + backup.toAbsolutePath() + " failed: " + cause(e), e);
    }
    GatewayStore store;
    try {
      store = EmbeddedStore.open(dataDirectory, Clock.systemUTC());
    } catch (StoreException e) {
      removeDatabase(database);
      throw e;
    }
    try {
      long size = store.logSize(LogName.MINIMIZATION);
      Optional<StoredCheckpoint> latest = store.latestCheckpoint(LogName.MINIMIZATION);
      for (LogName log : LogName.values()) {
        checkLatestCheckpoint(store, log);
      }
      return new Summary(
          batchCount(database), size, latest.map(StoredCheckpoint::treeSize).orElse(0L));
    } catch (RuntimeException e) {
      store.close();
      store = null;
      removeDatabase(database);
      throw e;
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }

  /** Runs SQLite's integrity check on a database file, read only, and counts what it holds. */
  private static Summary check(Path file) throws SQLException {
    try (Connection connection = readOnly(file);
        Statement statement = connection.createStatement()) {
      try (ResultSet result = statement.executeQuery("PRAGMA integrity_check")) {
        String first = result.next() ? result.getString(1) : "no answer";
        if (!"ok".equals(first)) {
          throw new SQLException("the copy fails SQLite's integrity check: " + first);
        }
      }
      return new Summary(
          count(statement, "SELECT COUNT(*) FROM batch"),
          count(statement, "SELECT COUNT(*) FROM minimization_log"),
          count(statement, "SELECT COALESCE(MAX(tree_size), 0) FROM log_checkpoint"));
    }
  }

  private static long batchCount(Path database) {
    try (Connection connection = readOnly(database);
        Statement statement = connection.createStatement()) {
      return count(statement, "SELECT COUNT(*) FROM batch");
    } catch (SQLException e) {
      throw new StoreException("cannot read " + database + ": " + cause(e), e);
    }
  }

  private static Connection readOnly(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    return DriverManager.getConnection(
        "jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
  }

  private static long count(Statement statement, String sql) throws SQLException {
    try (ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  private static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /** Makes a rename in this directory durable; where directories cannot be opened, skips it. */
  private static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // not supported on this platform: the rename is as durable as the file system makes it
    }
  }

  private static void removeDatabase(Path database) {
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      deleteQuietly(sibling(database, suffix));
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // best effort: the caller reports the original failure
    }
  }

  private static String cause(Exception e) {
    if (e instanceof SQLException sql) {
      return new SqliteDialect().describe(sql);
    }
    return e.getClass().getSimpleName() + " " + e.getMessage();
  }

  /** Fails unless the restored log's entries match its latest signed checkpoint, if any. */
  private static void checkLatestCheckpoint(GatewayStore store, LogName log) {
    Optional<StoredCheckpoint> latest = store.latestCheckpoint(log);
    if (latest.isEmpty()) {
      return;
    }
    StoredCheckpoint checkpoint = latest.get();
    if (checkpoint.treeSize() <= store.logSize(log)) {
      String root =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(store.logRoot(log, checkpoint.treeSize()));
      if (root.equals(checkpoint.rootHash())) {
        return;
      }
    }
    throw new StoreException(
        "the restored "
            + log.wireName()
            + " log does not match its latest checkpoint (size "
            + checkpoint.treeSize()
            + "): the backup is damaged");
  }
}
