package org.parcelgate.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.parcelgate.privacy.LogEntries;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.LogAppend;
import org.parcelgate.store.LogName;
import org.parcelgate.store.NewBatch;

/**
 * What the minimization log's reads cost as the log grows: the tree head a checkpoint signs, an
 * inclusion proof and a consistency proof, each through {@link GatewayStore} on the embedded
 * database, at {@code entries} = 1,000 and 1,000,000. The store computes them from O(log n) stored
 * tree nodes, so the two sizes should cost about the same; before the nodes were stored, each of
 * these read every leaf hash of the tree.
 *
 * <p>The log is filled once per trial, through {@link GatewayStore#commit} with batches of 20,000
 * read entries each (so the tree nodes are written as in production), in a temporary folder. The
 * indexes and sizes asked for are drawn at random from the whole log.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class LogBenchmark {
  private static final int FILL_BATCH = 20_000;

  @Param({"1000", "1000000"})
  public int entries;

  private Path directory;
  private GatewayStore store;
  private final SplittableRandom random = new SplittableRandom(7);

  @Setup(Level.Trial)
  public void fill() throws Exception {
    directory = Files.createTempDirectory("parcelgate-log-benchmark");
    store = EmbeddedStore.open(directory);
    Instant time = Instant.parse("2026-12-01T00:00:00Z");
    for (int from = 0; from < entries; from += FILL_BATCH) {
      List<LogAppend> log = new ArrayList<>();
      for (int i = from; i < Math.min(entries, from + FILL_BATCH); i++) {
        log.add(
            LogEntries.read(
                time,
                "privacy-officer",
                "minimization",
                "entries",
                "recipient=customs-" + i,
                null,
                "customs-" + i));
      }
      store.commit(
          new NewBatch(
              "log-fill-" + from,
              "marketplace-alpha",
              "digest-" + from,
              "jti-" + from,
              time,
              "fingerprint-v2",
              0,
              0,
              0,
              "receipt",
              "{}",
              List.of(),
              List.of(),
              log,
              List.of()));
    }
    if (store.logSize(LogName.MINIMIZATION) != entries) {
      throw new IllegalStateException(
          "the log holds " + store.logSize(LogName.MINIMIZATION) + ", not " + entries);
    }
  }

  @TearDown(Level.Trial)
  public void delete() throws Exception {
    store.close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** The tree head of the whole log, as a checkpoint signs it. */
  @Benchmark
  public byte[] checkpointRoot() {
    return store.logRoot(LogName.MINIMIZATION, entries);
  }

  /** The audit path of a random entry in the whole log. */
  @Benchmark
  public List<byte[]> inclusionProof() {
    return store.logInclusionProof(LogName.MINIMIZATION, random.nextLong(entries), entries);
  }

  /** The consistency proof from a random earlier size to the whole log. */
  @Benchmark
  public List<byte[]> consistencyProof() {
    return store.logConsistencyProof(LogName.MINIMIZATION, 1 + random.nextLong(entries), entries);
  }
}
