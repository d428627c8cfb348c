package org.parcelgate.testing;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.parcelgate.app.Main;
import org.parcelgate.pki.SamplePki;

/**
 * A real gateway in a process of its own (the test's class path, {@link Main}), configured by
 * {@code PARCELGATE_*} variables like {@link TestGateway}, its output appended to a log file in
 * UTF-8: for tests that kill it, or read everything it logged.
 */
public final class GatewayProcess implements AutoCloseable {
  private final Process process;
  private final int partnerPort;
  private final int opsPort;

  private GatewayProcess(Process process, int partnerPort, int opsPort) {
    this.process = process;
    this.partnerPort = partnerPort;
    this.opsPort = opsPort;
  }

  /**
   * Launches a gateway on {@code data} with the test environment plus {@code overrides}, on the
   * given ports (reuse them to restart on the same addresses).
   */
  public static GatewayProcess launch(
      SamplePki pki,
      Path data,
      Path log,
      int partnerPort,
      int opsPort,
      Map<String, String> overrides)
      throws IOException {
    return launch(pki, data, log, partnerPort, opsPort, overrides, List.of());
  }

  /**
   * As {@link #launch(SamplePki, Path, Path, int, int, Map)}, with options for the gateway's JVM (a
   * small {@code -Xmx} for tests of memory behaviour).
   */
  public static GatewayProcess launch(
      SamplePki pki,
      Path data,
      Path log,
      int partnerPort,
      int opsPort,
      Map<String, String> overrides,
      List<String> jvmOptions)
      throws IOException {
    Map<String, String> env = TestGateway.environment(pki);
    env.put("PARCELGATE_PARTNER_API_PORT", Integer.toString(partnerPort));
    env.put("PARCELGATE_OPS_PORT", Integer.toString(opsPort));
    env.put("PARCELGATE_STORE_DATA_DIRECTORY", data.toString());
    env.putAll(overrides);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    // Output in UTF-8 whatever the locale, so tests can search it for any text.
    command.add("-Dfile.encoding=UTF-8");
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("PARCELGATE_"));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new GatewayProcess(builder.start(), partnerPort, opsPort);
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public int partnerPort() {
    return partnerPort;
  }

  public int opsPort() {
    return opsPort;
  }

  public Process process() {
    return process;
  }

  /** Waits until the ops port reports ready; fails at once if the process exited. */
  public void awaitReady(Vertx vertx) {
    WebClient ops =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(opsPort));
    try {
      Await.until(
          () -> {
            if (!process.isAlive()) {
              throw new AssertionError("the gateway process exited with " + process.exitValue());
            }
            try {
              return ops.get("/health/ready")
                      .send()
                      .toCompletionStage()
                      .toCompletableFuture()
                      .get(2, TimeUnit.SECONDS)
                      .statusCode()
                  == 200;
            } catch (Exception notYet) {
              return false;
            }
          },
          "the gateway process is ready",
          Duration.ofSeconds(90));
    } finally {
      ops.close();
    }
  }

  /** Kills it at once (SIGKILL), as a crash would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
  }

  /** Stops it gracefully (SIGTERM) and waits for the exit. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(30, TimeUnit.SECONDS);
  }
}
