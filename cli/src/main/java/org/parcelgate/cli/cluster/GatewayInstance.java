package org.parcelgate.cli.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One gateway of a local cluster: {@code parcelgate serve} in a child process of its own,
 * configured by {@code PARCELGATE_*} variables, its output in a log file of its directory.
 */
public final class GatewayInstance {
  private static final Duration POLL = Duration.ofMillis(250);

  private final int number;
  private final Process process;
  private final Path log;
  private final URI readiness;

  private GatewayInstance(int number, Process process, Path log, URI readiness) {
    this.number = number;
    this.process = process;
    this.log = log;
    this.readiness = readiness;
  }

  /**
   * Starts the instance.
   *
   * @param command the command line of {@code parcelgate serve}
   * @param settings {@code PARCELGATE_*} variables of this instance, over the inherited environment
   * @param removed variables of the inherited environment the instance must not see
   */
  static GatewayInstance start(
      int number,
      List<String> command,
      Map<String, String> settings,
      List<String> removed,
      Path directory,
      URI readiness) {
    Path log = directory.resolve("gateway.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    removed.forEach(builder.environment()::remove);
    builder.environment().putAll(settings);
    try {
      Files.createDirectories(directory);
      return new GatewayInstance(number, builder.start(), log, readiness);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start instance " + number + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits until the instance's ops port answers ready, it exits, or the time is up.
   *
   * @return whether it is ready
   */
  boolean awaitReady(HttpClient http, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest request = HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build();
    while (process.isAlive() && System.nanoTime() < deadline) {
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return true;
        }
      } catch (IOException notYet) {
        // The ops port is not open yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
    return false;
  }

  /**
   * SIGTERM, which drains the gateway (docs/operations.md, "Graceful shutdown"), then waits; past
   * the grace the process is killed.
   *
   * @return its exit status
   */
  int stop(Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** The last lines of its log, to show why it did not start. */
  List<String> logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return List.of("(cannot read " + log + ": " + e.getMessage() + ")");
    }
  }

  public int number() {
    return number;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  Process process() {
    return process;
  }
}
