package org.parcelgate.cli.load;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.parcelgate.ingest.IngestService;

/**
 * The in-process floor: the gateway's own batch pipeline ({@link IngestService}: decoding,
 * validation, minimization, the durable commit, the signed receipt) on {@code concurrency} threads,
 * without TLS, HTTP, tokens or the network. What it reaches is the most the network run can
 * approach on the same machine.
 *
 * <p>Bodies are made before the timer starts so that making them costs nothing inside the window:
 * the warm-up runs on bodies made as it goes and measures the rate; then enough bodies for the
 * window at that rate (three times as many, within a memory budget) are made; then the window runs.
 * If they run out early, the window ends there and says so. CPU is this process's CPU time over the
 * window (every thread: the pipeline's, the store's, the garbage collector's).
 */
final class IngestFloor {
  /** What the floor measured. */
  record Outcome(
      long batches,
      long records,
      long accepted,
      long failures,
      double windowSeconds,
      double cpuSeconds,
      boolean ranOut) {}

  private final IngestService ingest;
  private final Workload workload;
  private final List<String> marketplaces;
  private final int concurrency;
  private final long bodyBudgetBytes;
  private long nextBatch;

  IngestFloor(
      IngestService ingest,
      Workload workload,
      List<String> marketplaces,
      int concurrency,
      long bodyBudgetBytes) {
    this.ingest = ingest;
    this.workload = workload;
    this.marketplaces = List.copyOf(marketplaces);
    this.concurrency = concurrency;
    this.bodyBudgetBytes = bodyBudgetBytes;
  }

  Outcome run(Duration warmup, Duration duration) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(concurrency);
    try {
      double rate = warmUp(threads, warmup);
      List<byte[]> bodies = bodies(rate * duration.toNanos() / 1e9 * 3);
      return timed(threads, bodies, duration);
    } finally {
      threads.shutdownNow();
    }
  }

  /** Batches per second during the warm-up, with bodies made as it goes. */
  private double warmUp(ExecutorService threads, Duration warmup) throws Exception {
    long end = System.nanoTime() + warmup.toNanos();
    // The rate counts the second half only: the first runs cold (JIT, caches) and would make the
    // floor's window run out of bodies.
    long settled = end - warmup.toNanos() / 2;
    LongAdder done = new LongAdder();
    LongAdder ingesting = new LongAdder();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      workers.add(
          threads.submit(
              () -> {
                while (System.nanoTime() < end) {
                  long k;
                  synchronized (this) {
                    k = nextBatch++;
                  }
                  byte[] body = workload.batch(k, marketplace(k));
                  long before = System.nanoTime();
                  submit(k, body);
                  if (before >= settled) {
                    ingesting.add(System.nanoTime() - before);
                    done.increment();
                  }
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    // Time spent in the pipeline only: making bodies here would make the rate look lower.
    double seconds = Math.max(1e-3, ingesting.sum() / 1e9 / concurrency);
    return Math.max(1, done.sum()) / seconds;
  }

  private List<byte[]> bodies(double wanted) {
    List<byte[]> bodies = new ArrayList<>();
    long bytes = 0;
    long count = Math.max(concurrency * 4L, (long) Math.ceil(wanted));
    while (bodies.size() < count && bytes < bodyBudgetBytes) {
      long k = nextBatch++;
      byte[] body = workload.batch(k, marketplace(k));
      bodies.add(body);
      bytes += body.length;
    }
    return bodies;
  }

  private Outcome timed(ExecutorService threads, List<byte[]> bodies, Duration duration)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    LongAdder batches = new LongAdder();
    LongAdder records = new LongAdder();
    LongAdder accepted = new LongAdder();
    LongAdder failures = new LongAdder();
    long cpuBefore = processCpuNanos();
    long started = System.nanoTime();
    long end = started + duration.toNanos();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < concurrency; t++) {
      workers.add(
          threads.submit(
              () -> {
                int i;
                while (System.nanoTime() < end && (i = next.getAndIncrement()) < bodies.size()) {
                  try {
                    IngestService.Result result = submit(i, bodies.get(i));
                    batches.increment();
                    records.add(result.records());
                    accepted.add(result.accepted());
                  } catch (RuntimeException e) {
                    failures.increment();
                  }
                  bodies.set(i, null);
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    long stopped = System.nanoTime();
    long cpuAfter = processCpuNanos();
    return new Outcome(
        batches.sum(),
        records.sum(),
        accepted.sum(),
        failures.sum(),
        (stopped - started) / 1e9,
        (cpuAfter - cpuBefore) / 1e9,
        next.get() >= bodies.size() && stopped < end);
  }

  private String marketplace(long k) {
    return marketplaces.get((int) (k % marketplaces.size()));
  }

  private IngestService.Result submit(long k, byte[] body) {
    return ingest.ingest(
        new IngestService.Submission(
            marketplace(k),
            UUID.randomUUID().toString(),
            body,
            // On the network path the token check computes the digest; the floor pays for it too.
            org.parcelgate.protocol.Digests.sha256Base64Url(body)));
  }

  /** CPU time of this whole process (all threads, garbage collection included). */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    throw new IllegalStateException("this JVM does not report its process CPU time");
  }
}
