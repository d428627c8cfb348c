package org.parcelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.store.EmbeddedStore;

/**
 * {@code parcelgate backup} and {@code restore} on the command line: a round trip, and the mistakes
 * they refuse without touching anything. The backup under load is BackupRestoreTest's (gateway).
 */
class BackupCommandTest {
  @TempDir Path directory;

  @Test
  void backsUpAndRestoresIntoANewDataDirectory() throws IOException {
    Path data = directory.resolve("data");
    EmbeddedStore.open(data).close();
    Path backup = directory.resolve("store.backup");

    CommandRun backedUp =
        new CommandRun("backup", "--data", data.toString(), "--out", backup.toString());
    assertThat(backedUp.status).as(backedUp.err).isZero();
    assertThat(backedUp.out).contains("backed up").contains("0 batches");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)))
        .as("a backup holds minimized records: its owner's only, whatever the umask")
        .isEqualTo("rw-------");
    assertThat(Files.exists(directory.resolve("store.backup.partial"))).isFalse();

    Path restored = directory.resolve("restored");
    CommandRun restore =
        new CommandRun("restore", "--from", backup.toString(), "--data", restored.toString());
    assertThat(restore.status).as(restore.err).isZero();
    assertThat(Files.exists(restored.resolve("parcelgate.sqlite"))).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restored)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(restored.resolve("parcelgate.sqlite"))))
        .isEqualTo("rw-------");
  }

  @Test
  void refusesToOverwriteABackupOrAStore() throws IOException {
    Path data = directory.resolve("data");
    EmbeddedStore.open(data).close();
    Path backup = directory.resolve("store.backup");
    Files.writeString(backup, "earlier");

    CommandRun again =
        new CommandRun("backup", "--data", data.toString(), "--out", backup.toString());
    assertThat(again.status).isEqualTo(ExitCodes.FAILURE);
    assertThat(again.err).contains("exists already");
    assertThat(Files.readString(backup)).isEqualTo("earlier");

    CommandRun over =
        new CommandRun("restore", "--from", backup.toString(), "--data", data.toString());
    assertThat(over.status).isEqualTo(ExitCodes.FAILURE);
    assertThat(over.err).contains("holds a store already");
  }

  @Test
  void refusesADirectoryWithoutAStoreAndAFileThatIsNoBackup() throws IOException {
    CommandRun none =
        new CommandRun(
            "backup",
            "--data",
            directory.resolve("empty").toString(),
            "--out",
            directory.resolve("b").toString());
    assertThat(none.status).isEqualTo(ExitCodes.FAILURE);
    assertThat(none.err).contains("no embedded store in");

    Path junk = directory.resolve("junk.backup");
    Files.writeString(junk, "not a database, but long enough to be read as one ".repeat(20));
    Path target = directory.resolve("target");
    CommandRun restore =
        new CommandRun("restore", "--from", junk.toString(), "--data", target.toString());
    assertThat(restore.status).isEqualTo(ExitCodes.FAILURE);
    assertThat(restore.err).contains("restore of");
    assertThat(Files.exists(target.resolve("parcelgate.sqlite"))).isFalse();
  }
}
