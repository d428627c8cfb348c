package org.parcelgate.cli.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.parcelgate.app.Gateway;
import org.parcelgate.app.IngestPipeline;
import org.parcelgate.cli.Directories;
import org.parcelgate.config.ConfigLoader;
import org.parcelgate.config.GatewayConfig;
import org.parcelgate.store.CommitListener;
import org.parcelgate.store.GatewayStore;

/**
 * One {@code parcelgate load} run: the floor first if asked, then the network run, then the report.
 */
public final class LoadRun {
  /** How often the gateway's heap is sampled during the window. */
  static final Duration HEAP_SAMPLING = Duration.ofMillis(250);

  /**
   * What to run.
   *
   * @param url the gateway's partner API
   * @param audience the gateway's id
   * @param trustAnchor the CA of the gateway's server certificate
   * @param callers the marketplaces, in turn
   * @param batchSize records per batch; 0 for {@code GET /v1/whoami}
   * @param concurrency requests in flight (and connections), or floor threads
   * @param rate requests per second; 0 for as fast as possible
   * @param ops the ops ports of the gateway's instances, to read their CPU and heap; empty to not
   *     read them
   * @param databasePid a database server's main process on this machine, to read its CPU and its
   *     children's
   * @param prepareAhead requests kept ready per marketplace; 0 to choose
   * @param preparers threads that prepare requests
   * @param prepareTime the longest to wait for the queues to fill before the warm-up starts
   * @param floor whether to run the in-process floor first
   * @param network whether to run against the gateway
   * @param floorSettings the floor's gateway settings ({@code PARCELGATE_*}); its data directory is
   *     a temporary one
   * @param floorConfig a gateway configuration file for the floor, if any
   * @param traffic which records the batches hold
   */
  public record Options(
      URI url,
      String audience,
      Path trustAnchor,
      List<Caller> callers,
      int batchSize,
      int concurrency,
      double rate,
      Duration warmup,
      Duration duration,
      boolean newConnections,
      long seed,
      List<URI> ops,
      Optional<Long> databasePid,
      int prepareAhead,
      int preparers,
      Duration requestTimeout,
      Duration prepareTime,
      boolean floor,
      boolean network,
      Map<String, String> floorSettings,
      Optional<Path> floorConfig,
      Workload.Traffic traffic) {}

  private LoadRun() {}

  /** Runs and reports; progress goes to {@code err}. */
  public static LoadReport run(Options options, PrintWriter err) throws Exception {
    Instant started = Instant.now();
    Workload workload =
        options.batchSize() == 0
            ? null
            : new Workload(options.seed(), options.batchSize(), started, options.traffic());
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
    try {
      IngestFloor.Outcome floor = null;
      if (options.floor()) {
        if (workload == null) {
          throw new IllegalArgumentException("the floor runs batches: give --batch-size 1 or more");
        }
        floor = floor(vertx, options, workload, err);
      }
      if (!options.network()) {
        return new LoadReport(setup(options), null, null, null, OptionalDouble.empty(), floor);
      }
      return network(vertx, options, workload, floor, err);
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        err.println("the HTTP clients did not close within 30 s");
      }
    }
  }

  private static LoadReport network(
      Vertx vertx, Options options, Workload workload, IngestFloor.Outcome floor, PrintWriter err)
      throws Exception {
    int ahead = options.prepareAhead() > 0 ? options.prepareAhead() : ahead(options, workload);
    err.printf(
        "preparing %,d requests per marketplace ahead (%s)%n",
        ahead,
        options.callers().stream().map(Caller::toString).reduce((a, b) -> a + ", " + b).orElse(""));
    err.flush();
    long preparing = System.nanoTime();
    try (Preparer preparer =
        new Preparer(
            options.callers(),
            workload,
            options.audience(),
            Clock.systemUTC(),
            ahead,
            options.preparers())) {
      preparer.start();
      preparer.awaitFull(options.prepareTime());
      err.printf(
          "%,d prepared in %.1f s; %.1f s warm-up, then %.1f s timed%n",
          preparer.ready(),
          (System.nanoTime() - preparing) / 1e9,
          options.warmup().toMillis() / 1000.0,
          options.duration().toMillis() / 1000.0);
      err.flush();
      long preparedBefore = preparer.ready();
      NetworkRun run =
          new NetworkRun(
              vertx,
              new NetworkRun.Settings(
                  options.url(),
                  options.trustAnchor(),
                  options.concurrency(),
                  options.rate(),
                  options.warmup(),
                  options.duration(),
                  options.newConnections(),
                  options.requestTimeout()),
              options.callers(),
              preparer);
      GatewayWatch watch = new GatewayWatch(vertx, options.ops(), err);
      Optional<ProcessTreeCpu> database = options.databasePid().map(ProcessTreeCpu::new);
      AtomicReference<Long> clientCpu = new AtomicReference<>();
      NetworkRun.Outcome outcome =
          run.run(
              () -> {
                clientCpu.set(IngestFloor.processCpuNanos());
                database.ifPresent(ProcessTreeCpu::windowStarts);
                watch.windowStarts();
              },
              () -> {
                clientCpu.set(IngestFloor.processCpuNanos() - clientCpu.get());
                database.ifPresent(ProcessTreeCpu::windowEnds);
                watch.windowEnds();
              });
      LoadReport.Gateway gateway = watch.result();
      return new LoadReport(
          setup(options),
          outcome,
          gateway,
          new LoadReport.Client(
              preparedBefore, outcome.waitsForPrepared(), preparer.stale(), clientCpu.get() / 1e9),
          database.map(ProcessTreeCpu::cpuSeconds).orElse(OptionalDouble.empty()),
          floor);
    }
  }

  /**
   * Requests to keep ready per marketplace: a rate's worth for the warm-up and the window, or
   * without a rate as many as a memory budget (an eighth of the heap) allows; at most 20,000 and at
   * least four per request in flight. The run waits for them at most {@code --prepare-time}.
   */
  private static int ahead(Options options, Workload workload) {
    int callers = options.callers().size();
    long bodyBytes =
        workload == null
            ? 1
            : 1024
                + new Workload(
                        options.seed() + 1, workload.batchSize(), Instant.now(), workload.traffic())
                    .batch(0)
                    .length;
    long byMemory = Runtime.getRuntime().maxMemory() / 8 / bodyBytes / callers;
    long wanted =
        options.rate() > 0
            ? (long)
                    (options.rate()
                        * (options.warmup().plus(options.duration()).toMillis() / 1000.0)
                        / callers)
                + options.concurrency()
            : 20_000;
    long floor = 4L * options.concurrency();
    return (int) Math.max(floor, Math.min(Math.min(wanted, byMemory), 20_000));
  }

  private static IngestFloor.Outcome floor(
      Vertx vertx, Options options, Workload workload, PrintWriter err) throws Exception {
    Path data = Files.createTempDirectory("parcelgate-floor");
    try {
      Map<String, String> settings = new HashMap<>(options.floorSettings());
      settings.put("PARCELGATE_STORE_DATA_DIRECTORY", data.toString());
      GatewayConfig config =
          ConfigLoader.load(vertx, options.floorConfig(), settings)
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      Clock clock = Clock.systemUTC();
      try (GatewayStore store = Gateway.openStore(config.store(), clock, CommitListener.NONE)) {
        IngestPipeline pipeline = IngestPipeline.create(config, store, clock);
        err.printf(
            "floor: the gateway's pipeline in this process, %d threads, store %s%n",
            options.concurrency(),
            config.store().server().isPresent()
                ? "on " + config.store().server().get().url()
                : "in a temporary directory");
        err.flush();
        Duration warmup =
            options.warmup().compareTo(Duration.ofSeconds(1)) < 0
                ? Duration.ofSeconds(1)
                : options.warmup();
        return new IngestFloor(
                pipeline.ingest(),
                workload,
                options.callers().stream().map(Caller::partnerId).toList(),
                options.concurrency(),
                Runtime.getRuntime().maxMemory() / 8)
            .run(warmup, options.duration());
      }
    } finally {
      Directories.deleteTree(data);
    }
  }

  private static LoadReport.Setup setup(Options options) {
    return new LoadReport.Setup(
        options.network() ? options.url().toString() : "in-process floor",
        options.batchSize() == 0 ? "/v1/whoami" : "/v1/batches",
        options.batchSize(),
        options.concurrency(),
        options.rate(),
        options.warmup().toMillis() / 1000.0,
        options.duration().toMillis() / 1000.0,
        options.newConnections(),
        options.seed(),
        options.callers().stream().map(Caller::toString).toList());
  }

  /**
   * Reads the gateway's CPU at the window's edges and samples its heap in between; for a cluster,
   * the CPU of every instance added up and the largest heap of any.
   */
  private static final class GatewayWatch {
    private final Vertx vertx;
    private final OpsMetrics metrics;
    private final PrintWriter err;
    private final AtomicReference<OpsMetrics.Reading> before = new AtomicReference<>();
    private final AtomicReference<OpsMetrics.Reading> after = new AtomicReference<>();
    private final AtomicReference<Double> peakHeap = new AtomicReference<>();
    private final AtomicInteger samples = new AtomicInteger();
    private final java.util.concurrent.CompletableFuture<Void> done =
        new java.util.concurrent.CompletableFuture<>();
    private long sampler = -1;

    GatewayWatch(Vertx vertx, List<URI> ops, PrintWriter err) {
      this.vertx = vertx;
      this.metrics = ops.isEmpty() ? null : new OpsMetrics(vertx, ops);
      this.err = err;
      if (metrics == null) {
        done.complete(null);
      }
    }

    /** Reads the gateway's CPU (waiting for it) and starts sampling its heap. */
    void windowStarts() {
      if (metrics == null) {
        return;
      }
      before.set(readNow());
      if (before.get() != null) {
        heap(before.get());
      }
      sampler =
          vertx.setPeriodic(HEAP_SAMPLING.toMillis(), id -> metrics.read().onSuccess(this::heap));
    }

    /** Stops sampling and reads the gateway's CPU again, waiting for it. */
    void windowEnds() {
      if (metrics == null) {
        return;
      }
      vertx.cancelTimer(sampler);
      after.set(readNow());
      if (after.get() != null) {
        heap(after.get());
      }
      done.complete(null);
    }

    private OpsMetrics.Reading readNow() {
      try {
        return metrics.read().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        warn(e.getCause() == null ? e : e.getCause());
        return null;
      }
    }

    LoadReport.Gateway result() throws Exception {
      try {
        done.get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("the gateway's figures were not read within 30 s", e);
      }
      if (metrics != null) {
        metrics.close();
      }
      OptionalDouble cpu = OptionalDouble.empty();
      OpsMetrics.Reading first = before.get();
      OpsMetrics.Reading last = after.get();
      if (first != null
          && last != null
          && first.cpuNanos().isPresent()
          && last.cpuNanos().isPresent()) {
        cpu =
            OptionalDouble.of(
                (last.cpuNanos().getAsDouble() - first.cpuNanos().getAsDouble()) / 1e9);
      } else if (metrics != null) {
        err.println(
            "the gateway's " + OpsMetrics.CPU + " was not on its /metrics page: CPU not measured");
      }
      Double peak = peakHeap.get();
      return new LoadReport.Gateway(
          cpu, peak == null ? OptionalDouble.empty() : OptionalDouble.of(peak), samples.get());
    }

    private void heap(OpsMetrics.Reading reading) {
      if (reading.heapBytes().isPresent()) {
        double bytes = reading.heapBytes().getAsDouble();
        samples.incrementAndGet();
        peakHeap.accumulateAndGet(bytes, (a, b) -> a == null ? b : Math.max(a, b));
      }
    }

    private void warn(Throwable failure) {
      synchronized (err) {
        err.println("cannot read the gateway's /metrics: " + failure.getMessage());
        err.flush();
      }
    }
  }
}
