package org.parcelgate.cli.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;

/**
 * The figures of a load run, as text for a person and as JSON for a script. Every rate is over the
 * timed window only (after the warm-up). Figures that were not measured (no {@code --ops}, no
 * floor) are absent from the text and {@code null} in the JSON.
 */
public final class LoadReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What was run. */
  record Setup(
      String target,
      String path,
      int batchSize,
      int concurrency,
      double rate,
      double warmupSeconds,
      double durationSeconds,
      boolean newConnections,
      long seed,
      java.util.List<String> callers) {}

  /**
   * The gateway's own figures over the window, from its ops port.
   *
   * @param cpuSeconds CPU time its process used during the window
   * @param peakHeapBytes the most heap in use in any sample taken during the window
   * @param heapSamples how many samples that is the maximum of
   */
  record Gateway(OptionalDouble cpuSeconds, OptionalDouble peakHeapBytes, int heapSamples) {}

  /** What preparing requests cost the client. */
  record Client(
      long preparedAhead, long waitsForPrepared, long staleDiscarded, double cpuSeconds) {}

  private final Setup setup;
  private final NetworkRun.Outcome network;
  private final Gateway gateway;
  private final Client client;
  private final OptionalDouble databaseCpuSeconds;
  private final IngestFloor.Outcome floor;

  LoadReport(
      Setup setup,
      NetworkRun.Outcome network,
      Gateway gateway,
      Client client,
      OptionalDouble databaseCpuSeconds,
      IngestFloor.Outcome floor) {
    this.setup = setup;
    this.network = network;
    this.gateway = gateway;
    this.client = client;
    this.databaseCpuSeconds = databaseCpuSeconds;
    this.floor = floor;
  }

  /** Requests refused with a problem answer or left without an answer, in the window. */
  public long errors() {
    return network == null ? 0 : network.tally().refused() + network.tally().unanswered();
  }

  /** The report as JSON; see docs/performance.md for each field. */
  public ObjectNode json() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode run = root.putObject("setup");
    run.put("target", setup.target());
    run.put("path", setup.path());
    run.put("batchSize", setup.batchSize());
    run.put("concurrency", setup.concurrency());
    if (setup.rate() > 0) {
      run.put("rate", setup.rate());
    } else {
      run.putNull("rate");
    }
    run.put("warmupSeconds", setup.warmupSeconds());
    run.put("durationSeconds", setup.durationSeconds());
    run.put("newConnections", setup.newConnections());
    run.put("seed", setup.seed());
    setup.callers().forEach(run.putArray("marketplaces")::add);
    if (network == null) {
      root.putNull("endToEnd");
    } else {
      ObjectNode e2e = root.putObject("endToEnd");
      Tally.Snapshot tally = network.tally();
      double window = network.windowSeconds();
      e2e.put("windowSeconds", window);
      e2e.put("requests", tally.succeeded() + tally.refused() + tally.unanswered());
      e2e.put("succeeded", tally.succeeded());
      e2e.put("requestsPerSecond", (tally.succeeded() + tally.refused()) / window);
      e2e.put("records", tally.records());
      e2e.put("recordsPerSecond", tally.records() / window);
      e2e.put("accepted", tally.accepted());
      e2e.put("unchanged", tally.unchanged());
      e2e.put("rejected", tally.rejected());
      e2e.put("repeats", tally.repeats());
      ObjectNode latency = e2e.putObject("latencyMillis");
      Histogram h = tally.latencyMicros();
      latency.put("count", h.getTotalCount());
      latency.put("p50", h.getValueAtPercentile(50) / 1000.0);
      latency.put("p99", h.getValueAtPercentile(99) / 1000.0);
      latency.put("p999", h.getValueAtPercentile(99.9) / 1000.0);
      latency.put("max", h.getMaxValue() / 1000.0);
      ObjectNode errors = e2e.putObject("errors");
      tally.problems().forEach(errors::put);
      ObjectNode transport = e2e.putObject("transportErrors");
      tally.transport().forEach(transport::put);
      e2e.put("connectionsOpened", network.connectionsOpened());
      e2e.put("connectionsPerSecond", network.connectionsOpened() / window);
      e2e.put("late", network.late());
      ObjectNode gw = e2e.putObject("gateway");
      putOrNull(gw, "cpuSeconds", gateway.cpuSeconds());
      putOrNull(gw, "cpuSecondsPer1000Records", perThousand(gateway.cpuSeconds(), units()));
      putOrNull(gw, "cores", divide(gateway.cpuSeconds(), window));
      putOrNull(gw, "peakHeapBytes", gateway.peakHeapBytes());
      gw.put("heapSamples", gateway.heapSamples());
      if (databaseCpuSeconds.isPresent()) {
        ObjectNode db = e2e.putObject("database");
        db.put("cpuSeconds", databaseCpuSeconds.getAsDouble());
        putOrNull(db, "cpuSecondsPer1000Records", perThousand(databaseCpuSeconds, units()));
        putOrNull(db, "cores", divide(databaseCpuSeconds, window));
      }
      gw.put("per", setup.batchSize() == 0 ? "request" : "record");
      ObjectNode cl = e2e.putObject("client");
      cl.put("preparedAhead", client.preparedAhead());
      cl.put("waitsForPrepared", client.waitsForPrepared());
      cl.put("staleDiscarded", client.staleDiscarded());
      cl.put("cpuSeconds", client.cpuSeconds());
    }
    if (floor == null) {
      root.putNull("floor");
    } else {
      ObjectNode f = root.putObject("floor");
      f.put("windowSeconds", floor.windowSeconds());
      f.put("batches", floor.batches());
      f.put("records", floor.records());
      f.put("accepted", floor.accepted());
      f.put("failures", floor.failures());
      f.put("recordsPerSecond", floor.records() / floor.windowSeconds());
      f.put("cpuSeconds", floor.cpuSeconds());
      f.put(
          "cpuSecondsPer1000Records",
          floor.records() == 0 ? null : floor.cpuSeconds() * 1000 / floor.records());
      f.put("ranOutOfBodies", floor.ranOut());
      if (network != null && floor.records() > 0) {
        root.put(
            "endToEndOfFloor",
            (network.tally().records() / network.windowSeconds())
                / (floor.records() / floor.windowSeconds()));
      }
    }
    return root;
  }

  /** The report for a person. */
  public void print(PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "load: %s, %s, concurrency %d, %s, %s warm-up + %s timed%s, seed %d%n",
        setup.target(),
        setup.batchSize() == 0
            ? "GET /v1/whoami"
            : "batches of " + setup.batchSize() + (setup.batchSize() == 1 ? " record" : " records"),
        setup.concurrency(),
        setup.rate() > 0
            ? String.format(Locale.ROOT, "%.1f requests/s", setup.rate())
            : "as fast as possible",
        seconds(setup.warmupSeconds()),
        seconds(setup.durationSeconds()),
        setup.newConnections() ? ", a new TLS connection per request" : ", connections kept alive",
        setup.seed());
    out.println("  marketplaces: " + String.join(", ", setup.callers()));
    if (floor != null) {
      out.printf(
          Locale.ROOT,
          "floor (in-process pipeline, no network): %,.0f records/s, %.3f CPU s per 1,000 records"
              + " (%,d batches, %,d records in %.1f s%s%s)%n",
          floor.records() / floor.windowSeconds(),
          floor.records() == 0 ? Double.NaN : floor.cpuSeconds() * 1000 / floor.records(),
          floor.batches(),
          floor.records(),
          floor.windowSeconds(),
          floor.failures() == 0 ? "" : ", " + floor.failures() + " failed",
          floor.ranOut() ? ", ran out of prepared bodies" : "");
    }
    if (network == null) {
      out.flush();
      return;
    }
    Tally.Snapshot tally = network.tally();
    double window = network.windowSeconds();
    Histogram h = tally.latencyMicros();
    if (setup.batchSize() == 0) {
      out.printf(
          Locale.ROOT,
          "end to end: %,.1f requests/s (%,d answered 2xx in %.1f s)%n",
          (tally.succeeded() + tally.refused()) / window,
          tally.succeeded(),
          window);
    } else {
      out.printf(
          Locale.ROOT,
          "end to end: %,.0f records/s, %,.1f requests/s (%,d answered 2xx in %.1f s; records %,d"
              + " accepted, %,d unchanged, %,d rejected; %d repeats)%n",
          tally.records() / window,
          (tally.succeeded() + tally.refused()) / window,
          tally.succeeded(),
          window,
          tally.accepted(),
          tally.unchanged(),
          tally.rejected(),
          tally.repeats());
    }
    out.printf(
        Locale.ROOT,
        "  latency ms: p50 %.2f, p99 %.2f, p99.9 %.2f, max %.2f (%,d requests%s)%n",
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0,
        h.getTotalCount(),
        setup.rate() > 0 ? ", from when each was due; " + network.late() + " started late" : "");
    out.printf(
        Locale.ROOT,
        "  errors: %s; transport: %s%n",
        counts(tally.problems()),
        counts(tally.transport()));
    out.printf(
        Locale.ROOT,
        "  connections opened in the window: %,d (%,.1f/s)%n",
        network.connectionsOpened(),
        network.connectionsOpened() / window);
    if (gateway.cpuSeconds().isPresent()) {
      out.printf(
          Locale.ROOT,
          "  gateway: %.2f CPU s in the window (%.2f cores), %.3f CPU s per 1,000 %s%n",
          gateway.cpuSeconds().getAsDouble(),
          gateway.cpuSeconds().getAsDouble() / window,
          perThousand(gateway.cpuSeconds(), units()).orElse(Double.NaN),
          setup.batchSize() == 0 ? "requests" : "records");
    } else {
      out.println("  gateway CPU: not measured (give --ops, a gateway with JVM metrics)");
    }
    if (databaseCpuSeconds.isPresent()) {
      out.printf(
          Locale.ROOT,
          "  database: %.2f CPU s in the window (%.2f cores), %.3f CPU s per 1,000 %s%n",
          databaseCpuSeconds.getAsDouble(),
          databaseCpuSeconds.getAsDouble() / window,
          perThousand(databaseCpuSeconds, units()).orElse(Double.NaN),
          setup.batchSize() == 0 ? "requests" : "records");
    }
    if (gateway.peakHeapBytes().isPresent()) {
      out.printf(
          Locale.ROOT,
          "  gateway peak heap: %,.0f MiB (max of %d samples)%n",
          gateway.peakHeapBytes().getAsDouble() / (1024 * 1024),
          gateway.heapSamples());
    }
    out.printf(
        Locale.ROOT,
        "  client: %,d requests prepared ahead, %,d waits for a prepared request, %,d discarded"
            + " as stale, %.2f CPU s in the window%n",
        client.preparedAhead(),
        client.waitsForPrepared(),
        client.staleDiscarded(),
        client.cpuSeconds());
    if (floor != null && floor.records() > 0) {
      out.printf(
          Locale.ROOT,
          "  end to end is %.0f%% of the floor's records/s%n",
          100 * (tally.records() / window) / (floor.records() / floor.windowSeconds()));
    }
    out.flush();
  }

  /** Records for batches, requests for whoami. */
  private long units() {
    return setup.batchSize() == 0
        ? network.tally().succeeded() + network.tally().refused()
        : network.tally().records();
  }

  private static OptionalDouble perThousand(OptionalDouble seconds, long units) {
    return seconds.isPresent() && units > 0
        ? OptionalDouble.of(seconds.getAsDouble() * 1000 / units)
        : OptionalDouble.empty();
  }

  private static OptionalDouble divide(OptionalDouble value, double by) {
    return value.isPresent() ? OptionalDouble.of(value.getAsDouble() / by) : OptionalDouble.empty();
  }

  private static void putOrNull(ObjectNode node, String field, OptionalDouble value) {
    if (value.isPresent()) {
      node.put(field, value.getAsDouble());
    } else {
      node.putNull(field);
    }
  }

  private static String counts(Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return "none";
    }
    StringBuilder text = new StringBuilder();
    counts.forEach(
        (key, count) ->
            text.append(text.length() == 0 ? "" : ", ").append(key).append(' ').append(count));
    return text.toString();
  }

  private static String seconds(double value) {
    return String.format(Locale.ROOT, "%.0f s", value);
  }
}
