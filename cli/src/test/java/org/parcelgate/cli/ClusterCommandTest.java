package org.parcelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parcelgate cluster}'s command line: wrong options end with the usage status before
 * anything starts or is written. (Running the cluster takes PostgreSQL and N JVMs; it is tried by
 * hand, docs/operations.md.)
 */
class ClusterCommandTest {
  @TempDir Path directory;

  @Test
  void refusesZeroInstancesAndStartsNothing() {
    Path cluster = directory.resolve("cluster");

    CommandRun run = run("cluster", "--instances", "0", "--dir", cluster.toString());

    assertThat(run.status).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("--instances must be between 1 and 32");
    assertThat(cluster).doesNotExist();
  }

  @Test
  void refusesPortsThatCollide() {
    CommandRun run =
        run("cluster", "--dir", directory.resolve("cluster").toString(), "--front-port", "8445");

    assertThat(run.status).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("--front-port 8445 is one of the instances' ports");
  }

  @Test
  void refusesAStoreUrlCarryingAPassword() {
    CommandRun run =
        run(
            "cluster",
            "--dir",
            directory.resolve("cluster").toString(),
            "--store-url",
            "jdbc:postgresql://db:5432/parcelgate?password=hunter2");

    assertThat(run.status).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("PARCELGATE_STORE_PASSWORD").doesNotContain("hunter2");
    assertThat(directory.resolve("cluster")).doesNotExist();
  }

  @Test
  void refusesAPostgresPortWithAnExistingServer() {
    CommandRun run =
        run(
            "cluster",
            "--dir",
            directory.resolve("cluster").toString(),
            "--store-url",
            "jdbc:postgresql://db:5432/parcelgate",
            "--postgres-port",
            "5433");

    assertThat(run.status).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("--postgres-port");
  }

  @Test
  void refusesAMissingConfigurationFile() {
    CommandRun run =
        run(
            "cluster",
            "--dir",
            directory.resolve("cluster").toString(),
            "--config",
            directory.resolve("absent.yaml").toString());

    assertThat(run.status).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("--config: file does not exist");
  }

  @Test
  void startsEachInstanceAsServeOfThisClassPath() {
    assertThat(ClusterCommand.serveCommand())
        .containsSubsequence(
            "-cp",
            System.getProperty("java.class.path"),
            ParcelgateCommand.class.getName(),
            "serve")
        .last()
        .isEqualTo("serve");
  }

  private static CommandRun run(String... args) {
    return new CommandRun(args);
  }
}
