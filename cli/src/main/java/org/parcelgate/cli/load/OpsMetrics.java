package org.parcelgate.cli.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The gateway's own figures, read from the Prometheus page of its ops port, or of each instance's
 * ({@code GET /metrics}): the CPU time its process has used ({@code process_cpu_time_ns_total},
 * Micrometer's processor metrics, exposed when the gateway runs with JVM metrics, as {@code
 * parcelgate serve} does) and the heap in use ({@code jvm_memory_used_bytes} summed over the pools
 * with {@code area="heap"}).
 */
final class OpsMetrics implements AutoCloseable {
  static final String CPU = "process_cpu_time_ns_total";
  static final String MEMORY = "jvm_memory_used_bytes";

  private final HttpClient http;
  private final List<URI> bases;

  /** Reads the ops ports of a gateway's instances: one for a single gateway. */
  OpsMetrics(Vertx vertx, List<URI> bases) {
    if (bases.isEmpty()) {
      throw new IllegalArgumentException("no ops port");
    }
    this.bases = List.copyOf(bases);
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
  }

  /**
   * One reading of every instance, fails if a page cannot be read: their CPU added up (absent if
   * any instance does not expose it), the largest heap of any.
   */
  Future<Reading> read() {
    List<Future<Reading>> pages = bases.stream().map(this::read).toList();
    return Future.all(pages)
        .map(
            all -> {
              double cpu = 0;
              boolean cpuEverywhere = true;
              OptionalDouble heap = OptionalDouble.empty();
              for (Future<Reading> page : pages) {
                Reading reading = page.result();
                if (reading.cpuNanos().isPresent()) {
                  cpu += reading.cpuNanos().getAsDouble();
                } else {
                  cpuEverywhere = false;
                }
                if (reading.heapBytes().isPresent()
                    && (heap.isEmpty() || reading.heapBytes().getAsDouble() > heap.getAsDouble())) {
                  heap = reading.heapBytes();
                }
              }
              return new Reading(
                  cpuEverywhere ? OptionalDouble.of(cpu) : OptionalDouble.empty(), heap);
            });
  }

  private Future<Reading> read(URI base) {
    return http.request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(base.getHost())
                .setPort(base.getPort() < 0 ? 80 : base.getPort())
                .setURI(base.getPath().replaceAll("/$", "") + "/metrics")
                .setIdleTimeout(10_000))
        .compose(request -> request.send())
        .compose(
            response ->
                response.statusCode() == 200
                    ? response.body()
                    : Future.failedFuture(
                        base + ": GET /metrics answered " + response.statusCode()))
        .map(body -> parse(body.toString()));
  }

  /** The figures of one Prometheus text page; absent when the page does not expose them. */
  static Reading parse(String page) {
    double cpu = Double.NaN;
    double heap = 0;
    boolean heapSeen = false;
    for (String line : page.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      if (line.startsWith(CPU + " ") || line.startsWith(CPU + "{")) {
        cpu = value(line);
      } else if (line.startsWith(MEMORY + "{") && line.contains("area=\"heap\"")) {
        heap += value(line);
        heapSeen = true;
      }
    }
    return new Reading(
        Double.isNaN(cpu) ? OptionalDouble.empty() : OptionalDouble.of(cpu),
        heapSeen ? OptionalDouble.of(heap) : OptionalDouble.empty());
  }

  private static double value(String line) {
    String[] parts = line.substring(line.lastIndexOf('}') + 1).trim().split("\\s+");
    if (line.indexOf('}') < 0) {
      parts = line.trim().split("\\s+");
      return Double.parseDouble(parts[1]);
    }
    return Double.parseDouble(parts[0]);
  }

  @Override
  public void close() {
    http.close();
  }

  /**
   * @param cpuNanos CPU time of the gateway's process since it started
   * @param heapBytes heap in use
   */
  record Reading(OptionalDouble cpuNanos, OptionalDouble heapBytes) {}
}
