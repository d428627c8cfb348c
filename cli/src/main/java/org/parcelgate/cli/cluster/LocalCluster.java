package org.parcelgate.cli.cluster;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.parcelgate.config.ConfigLoader;

/**
 * PostgreSQL, N gateway instances on it and optionally HAProxy in front, on one machine: what
 * {@code parcelgate cluster} runs. Every instance runs the same command line in the same working
 * directory with the same inherited environment and configuration, so all of them load the same
 * signing key, pseudonym keys, registry and recipients and behave as one gateway; only the ports,
 * the store and the data directory are set per instance.
 *
 * <p>Stopping is in order: the load balancer first (no new connections), then the instances one
 * after another (each drains its requests and closes its store), then the database, which must
 * outlive every commit.
 */
public final class LocalCluster {
  /** How long one instance may take to drain; its own grace is 20 s plus its push timeout. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(90);

  private final Settings settings;
  private final PrintWriter out;
  private final List<GatewayInstance> instances = new ArrayList<>();
  private ClusterDatabase database;
  private Process haproxy;
  private boolean stopping;

  /**
   * What to run.
   *
   * @param storeUrl an existing PostgreSQL server, or empty to run one from the embedded binaries
   * @param postgresPort the embedded server's port; 0 for any free one
   * @param config a configuration file every instance reads, or empty for the embedded defaults
   * @param serveCommand the command line of {@code parcelgate serve}, without {@code --config}
   */
  public record Settings(
      ClusterLayout layout,
      Path directory,
      Optional<String> storeUrl,
      String storeUser,
      int postgresPort,
      Optional<Path> config,
      boolean haproxy,
      Duration startTimeout,
      List<String> serveCommand) {
    public Settings {
      storeUrl.ifPresent(ClusterDatabase::checkUrl);
      if (storeUser.isBlank()) {
        throw new IllegalArgumentException("--store-user must not be empty");
      }
      if (postgresPort < 0 || postgresPort > 65535) {
        throw new IllegalArgumentException("--postgres-port must be 0 (any) or 1-65535");
      }
      config.ifPresent(
          file -> {
            if (!Files.isRegularFile(file)) {
              throw new IllegalArgumentException("--config: file does not exist: " + file);
            }
          });
      serveCommand = List.copyOf(serveCommand);
    }

    Path haproxyConfig() {
      return directory.resolve("haproxy.cfg");
    }
  }

  public LocalCluster(Settings settings, PrintWriter out) {
    this.settings = settings;
    this.out = out;
  }

  /**
   * Writes {@code haproxy.cfg}, starts the database and the instances and waits until each is
   * ready; then HAProxy if asked. On any failure stops what it started and throws.
   *
   * @throws IllegalStateException with what failed
   */
  public void start() {
    ClusterLayout layout = settings.layout();
    try {
      Files.createDirectories(settings.directory());
      Files.writeString(
          settings.haproxyConfig(), HaproxyConfig.render(layout), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write into " + settings.directory(), e);
    }
    try {
      startDatabase();
      startInstances();
      if (settings.haproxy()) {
        startHaproxy();
      }
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  private void startDatabase() {
    ClusterDatabase started;
    if (settings.storeUrl().isPresent()) {
      say("PostgreSQL: connecting to " + settings.storeUrl().get());
      started =
          ClusterDatabase.existing(
              settings.storeUrl().get(),
              settings.storeUser(),
              Optional.ofNullable(System.getenv(ConfigLoader.STORE_PASSWORD_VARIABLE)));
    } else {
      Path data = settings.directory().resolve("postgres");
      say("PostgreSQL: starting the embedded server on " + data);
      started =
          ClusterDatabase.embedded(
              data,
              settings.postgresPort(),
              settings.layout().instances(),
              settings.directory().resolve("postgres.log"));
    }
    synchronized (this) {
      database = started;
      if (stopping) {
        throw new IllegalStateException("stopped while starting");
      }
    }
  }

  private void startInstances() {
    ClusterLayout layout = settings.layout();
    List<String> command = new ArrayList<>(settings.serveCommand());
    settings
        .config()
        .ifPresent(
            file -> {
              command.add("--config");
              command.add(file.toAbsolutePath().toString());
            });
    // An embedded server trusts local connections; a password meant for another server stays out.
    // The command's own caller variables (PARCELGATE_URL, ...) are no gateway settings.
    List<String> removed = new ArrayList<>(org.parcelgate.cli.CallerSettings.variables());
    if (database.embedded()) {
      removed.add(ConfigLoader.STORE_PASSWORD_VARIABLE);
    }
    say(
        "starting "
            + layout.instances()
            + (layout.instances() == 1 ? " gateway instance" : " gateway instances"));
    for (int i = 1; i <= layout.instances(); i++) {
      GatewayInstance instance =
          GatewayInstance.start(
              i,
              command,
              instanceSettings(i),
              removed,
              settings.directory().resolve("instance-" + i),
              readiness(i));
      synchronized (this) {
        instances.add(instance);
        if (stopping) {
          throw new IllegalStateException("stopped while starting");
        }
      }
      instance.process().onExit().thenAccept(this::exited);
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    List<GatewayInstance> started;
    synchronized (this) {
      started = List.copyOf(instances);
    }
    for (GatewayInstance instance : started) {
      if (!instance.awaitReady(http, settings.startTimeout())) {
        StringBuilder why = new StringBuilder();
        why.append("instance ")
            .append(instance.number())
            .append(
                instance.process().isAlive()
                    ? " was not ready within " + settings.startTimeout().toSeconds() + " s"
                    : " exited with status " + instance.process().exitValue())
            .append("; the end of ")
            .append(instance.log())
            .append(':');
        instance.logTail(15).forEach(line -> why.append(System.lineSeparator()).append(line));
        throw new IllegalStateException(why.toString());
      }
    }
  }

  /** The {@code PARCELGATE_*} variables that make instance {@code i} itself. */
  Map<String, String> instanceSettings(int i) {
    ClusterLayout layout = settings.layout();
    Map<String, String> variables = new TreeMap<>();
    variables.put("PARCELGATE_PARTNER_API_HOST", layout.host());
    variables.put("PARCELGATE_PARTNER_API_PORT", Integer.toString(layout.partnerPort(i)));
    variables.put("PARCELGATE_OPS_HOST", layout.host());
    variables.put("PARCELGATE_OPS_PORT", Integer.toString(layout.opsPort(i)));
    variables.put("PARCELGATE_STORE_URL", database.url());
    variables.put("PARCELGATE_STORE_USER", database.user());
    variables.put(
        "PARCELGATE_STORE_DATA_DIRECTORY",
        settings.directory().resolve("instance-" + i).resolve("data").toAbsolutePath().toString());
    return variables;
  }

  private URI readiness(int i) {
    String host = settings.layout().host();
    String authority = host.contains(":") ? "[" + host + "]" : host;
    return URI.create(
        "http://" + authority + ":" + settings.layout().opsPort(i) + HaproxyConfig.READINESS_PATH);
  }

  private void startHaproxy() {
    Optional<Path> executable = onPath("haproxy");
    if (executable.isEmpty()) {
      say(
          "haproxy is not installed (Debian: apt-get install haproxy); the instances run without"
              + " it");
      return;
    }
    Path log = settings.directory().resolve("haproxy.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                executable.get().toString(), "-db", "-f", settings.haproxyConfig().toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      Process started = builder.start();
      synchronized (this) {
        haproxy = started;
      }
      // A configuration HAProxy refuses, or a port taken, ends it at once.
      if (started.waitFor(1, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "haproxy exited with status " + started.exitValue() + "; see " + log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start haproxy", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while haproxy started", e);
    }
  }

  /** Prints what runs where. */
  public void printTable() {
    ClusterLayout layout = settings.layout();
    out.println();
    out.printf("%-9s %-28s %-28s %-8s %s%n", "instance", "partner API", "ops", "pid", "log");
    for (GatewayInstance instance : instances) {
      int i = instance.number();
      out.printf(
          "%-9d %-28s %-28s %-8d %s%n",
          i,
          "https://" + layout.host() + ":" + layout.partnerPort(i),
          "http://" + layout.host() + ":" + layout.opsPort(i),
          instance.pid(),
          instance.log());
    }
    out.println();
    out.println(
        "store:         "
            + database.url()
            + (database.embedded()
                ? " (embedded, data in " + settings.directory().resolve("postgres") + ")"
                : ""));
    if (haproxy != null) {
      out.println(
          "load balancer: haproxy, pid "
              + haproxy.pid()
              + ", https://"
              + layout.host()
              + ":"
              + layout.frontPort()
              + " -> the partner ports (TLS passthrough)");
    } else {
      out.println(
          "load balancer: not started; "
              + (onPath("haproxy").isPresent()
                  ? "run: haproxy -f " + settings.haproxyConfig()
                  : "install HAProxy (apt-get install haproxy), then: haproxy -f "
                      + settings.haproxyConfig())
              + " (or add --haproxy)");
    }
    out.println("Ctrl-C stops the load balancer, the instances one by one, then the database.");
    out.flush();
  }

  private void exited(Process process) {
    List<GatewayInstance> started;
    synchronized (this) {
      if (stopping) {
        return;
      }
      started = List.copyOf(instances);
    }
    started.stream()
        .filter(instance -> instance.process() == process)
        .findFirst()
        .ifPresent(
            instance ->
                say(
                    "instance "
                        + instance.number()
                        + " (pid "
                        + process.pid()
                        + ") exited with status "
                        + process.exitValue()
                        + "; the others go on"));
  }

  /** Stops HAProxy, then each instance in order, then the database; a second call does nothing. */
  public void stop() {
    Process balancer;
    List<GatewayInstance> running;
    ClusterDatabase store;
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
      balancer = haproxy;
      running = List.copyOf(instances);
      store = database;
    }
    if (balancer != null) {
      balancer.destroy();
      waitFor(balancer);
      say("haproxy stopped");
    }
    for (GatewayInstance instance : running) {
      boolean wasRunning = instance.process().isAlive();
      int status = instance.stop(STOP_GRACE);
      say(
          "instance "
              + instance.number()
              + (wasRunning ? " stopped" : " had already exited")
              + " (exit status "
              + status
              + ")");
    }
    if (store != null && store.embedded()) {
      store.close();
      say("PostgreSQL stopped");
    }
  }

  private static void waitFor(Process process) {
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void say(String line) {
    out.println("==> " + line);
    out.flush();
  }

  /** The executable of this name on {@code PATH}, if any. */
  public static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String directory : path.split(File.pathSeparator)) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
