package org.parcelgate.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.parcelgate.cli.cluster.ClusterLayout;
import org.parcelgate.cli.cluster.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code parcelgate cluster}: several gateway instances on one PostgreSQL, on this machine, with an
 * HAProxy configuration in front: the deployment of docs/operations.md ("Several instances on
 * PostgreSQL") in one command, to try it and to test failover by killing an instance.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {
      "Runs PostgreSQL and N gateway instances on it, on consecutive ports, until Ctrl-C.",
      "Without --store-url: PostgreSQL from the embedded binaries, its data in DIR/postgres (kept across restarts). Each instance is 'parcelgate serve' in a child process with the same configuration (--config, PARCELGATE_* variables, or the embedded defaults with the sample PKI: run from the project root) and its own ports; its log is DIR/instance-N/gateway.log. Writes DIR/haproxy.cfg (TCP, TLS passthrough, readiness checks) and with --haproxy runs it. Ctrl-C stops HAProxy, the instances one by one, then PostgreSQL."
    })
final class ClusterCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--instances",
      paramLabel = "N",
      defaultValue = "3",
      description = "Gateway instances (default ${DEFAULT-VALUE}).")
  int instances;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = "cluster",
      description = "The cluster's working directory (default ${DEFAULT-VALUE}).")
  Path directory;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address of every port (default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--front-port",
      paramLabel = "PORT",
      defaultValue = "8443",
      description = "The load balancer's port (default ${DEFAULT-VALUE}).")
  int frontPort;

  @Option(
      names = "--partner-port",
      paramLabel = "PORT",
      defaultValue = "8444",
      description =
          "Partner API port of instance 1; instance i has PORT+i-1 (default ${DEFAULT-VALUE}).")
  int partnerPort;

  @Option(
      names = "--ops-port",
      paramLabel = "PORT",
      defaultValue = "9091",
      description = "Ops port of instance 1; instance i has PORT+i-1 (default ${DEFAULT-VALUE}).")
  int opsPort;

  @Option(
      names = "--store-url",
      paramLabel = "URL",
      description =
          "An existing PostgreSQL database, jdbc:postgresql://host:5432/parcelgate, instead of the embedded server; its password from PARCELGATE_STORE_PASSWORD.")
  String storeUrl;

  @Option(
      names = "--store-user",
      paramLabel = "ROLE",
      defaultValue = "parcelgate",
      description = "The role on the --store-url server (default ${DEFAULT-VALUE}).")
  String storeUser;

  @Option(
      names = "--postgres-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "The embedded server's port; 0 (default): any free one.")
  int postgresPort;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "A YAML configuration file every instance reads.")
  Path config;

  @Option(names = "--haproxy", description = "Also run haproxy on the written haproxy.cfg.")
  boolean haproxy;

  @Option(
      names = "--start-timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description = "How long each instance may take to be ready (default ${DEFAULT-VALUE}).")
  int startTimeoutSeconds;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (startTimeoutSeconds < 1) {
      throw new UsageException("--start-timeout must be at least 1 second");
    }
    if (storeUrl != null && postgresPort != 0) {
      throw new UsageException("--postgres-port is for the embedded server, not --store-url");
    }
    LocalCluster.Settings settings =
        new LocalCluster.Settings(
            new ClusterLayout(instances, host, frontPort, partnerPort, opsPort),
            directory,
            Optional.ofNullable(storeUrl),
            storeUser,
            postgresPort,
            Optional.ofNullable(config),
            haproxy,
            Duration.ofSeconds(startTimeoutSeconds),
            serveCommand());
    LocalCluster cluster = new LocalCluster(settings, out);
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "parcelgate-cluster-stop"));
    try {
      cluster.start();
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      spec.commandLine().getErr().println("parcelgate: " + e.getMessage());
      return ExitCodes.FAILURE;
    }
    cluster.printTable();
    new CountDownLatch(1).await(); // until Ctrl-C or SIGTERM: the shutdown hook stops the cluster
    return ExitCodes.OK;
  }

  /**
   * {@code parcelgate serve} in a new JVM of this one's class path and {@code JAVA_OPTS}. Through
   * {@code setsid} where it exists: a Ctrl-C in the terminal then reaches this command only, which
   * stops the instances one after another instead of all of them draining at once.
   */
  static List<String> serveCommand() {
    List<String> command = new ArrayList<>();
    LocalCluster.onPath("setsid").ifPresent(setsid -> command.add(setsid.toString()));
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    String javaOptions = System.getenv("JAVA_OPTS");
    if (javaOptions != null && !javaOptions.isBlank()) {
      command.addAll(Arrays.asList(javaOptions.trim().split("\\s+")));
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ParcelgateCommand.class.getName());
    command.add("serve");
    return command;
  }
}
