package org.parcelgate.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.parcelgate.store.EmbeddedBackup;
import org.parcelgate.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code parcelgate restore}: a backup of the embedded store into a new data directory. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restores a file of 'parcelgate backup' into a data directory that holds no store yet.",
      "SQLite's integrity check runs first; then the store is opened once to apply migrations and to check the minimization log against its latest signed checkpoint. Start the gateway on it with the same signing and pseudonym key files (docs/operations.md)."
    })
final class RestoreCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "FILE", description = "The backup file.")
  Path from;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "The new data directory (created if missing; it must hold no store).")
  Path data;

  @Override
  public Integer call() {
    try {
      EmbeddedBackup.Summary summary = EmbeddedBackup.restore(from, data);
      spec.commandLine()
          .getOut()
          .printf(
              "restored %s into %s: %,d batches, %,d log entries, the log matches its checkpoint"
                  + " at %,d%n",
              from, data, summary.batches(), summary.logSize(), summary.checkpointSize());
      return ExitCodes.OK;
    } catch (StoreException e) {
      spec.commandLine().getErr().println("parcelgate restore: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
  }
}
