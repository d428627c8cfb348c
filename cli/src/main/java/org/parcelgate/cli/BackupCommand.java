package org.parcelgate.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.parcelgate.store.EmbeddedBackup;
import org.parcelgate.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code parcelgate backup}: an online copy of the embedded store. */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = {
      "Copies the embedded store of a data directory into one file while the gateway runs.",
      "The copy is a consistent snapshot (SQLite's VACUUM INTO), checked before it is renamed into place. The signing and pseudonym key files are not in the data directory: back them up apart (docs/operations.md, \"Backup and restore of the embedded store\"). For PostgreSQL use pg_dump or pg_basebackup."
    })
final class BackupCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--data",
      defaultValue = "data",
      paramLabel = "DIR",
      description = "The gateway's store.data-directory (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The backup file to write; it must not exist.")
  Path out;

  @Override
  public Integer call() {
    try {
      EmbeddedBackup.Summary summary = EmbeddedBackup.backup(data, out);
      spec.commandLine()
          .getOut()
          .printf(
              "backed up %s to %s: %,d batches, %,d log entries, latest checkpoint at %,d%n",
              data, out, summary.batches(), summary.logSize(), summary.checkpointSize());
      return ExitCodes.OK;
    } catch (StoreException e) {
      spec.commandLine().getErr().println("parcelgate backup: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
  }
}
