package org.parcelgate.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.IndexEntry;
import org.parcelgate.store.LogAppend;
import org.parcelgate.store.MinimizedBatch;
import org.parcelgate.store.NewBatch;
import org.parcelgate.store.PriceRow;

/**
 * The store under concurrent writers, as the gateway runs it: several request threads commit
 * batches and record token ids at once, and the store's one writer thread commits them.
 *
 * <ul>
 *   <li>{@code commitBatch}: each thread commits batches of {@code batchRecords} records (blob,
 *       index rows, one recipient's price records, a log entry). The score is batches per second;
 *       times {@code batchRecords} it is records per second.
 *   <li>{@code firstUse}: each thread records new token ids, as every authenticated request does.
 * </ul>
 *
 * <p>{@code maxWritesPerCommit=1} is the store without group commit (one transaction and one fsync
 * per write, in queue order); {@code 64} is the default, where the writes waiting share one commit.
 * Both at the store's durability settings (WAL, synchronous=FULL).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@Threads(8)
public class StoreConcurrencyBenchmark {
  static final int SELLERS = 10_000;
  static final String RECEIPT = "receipt-jws-of-about-this-length-".repeat(20);
  static final String RESULT = "{\"result\":\"of about this length\"}".repeat(40);
  static final Instant RETAIN_UNTIL = Instant.parse("2100-01-01T00:00:00Z");

  /** The store, shared by the benchmark's threads. */
  @State(Scope.Benchmark)
  public static class Shared {
    /** 1: one commit per write; 64: group commit as shipped. */
    @Param({"1", "64"})
    public int maxWritesPerCommit;

    /** Records per batch; small batches are where a commit's fsync weighs most. */
    @Param({"100"})
    public int batchRecords;

    Path directory;
    GatewayStore store;
    final AtomicInteger threads = new AtomicInteger();

    @Setup(Level.Trial)
    public void open() throws Exception {
      directory = Files.createTempDirectory("parcelgate-store-concurrency-bench");
      store =
          EmbeddedStore.open(
              directory,
              Clock.systemUTC(),
              new EmbeddedStore.Settings(
                  Duration.ofSeconds(30), Duration.ofSeconds(5), maxWritesPerCommit));
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
      store.close();
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** One thread's next batch and token id, made before the timer starts. */
  @State(Scope.Thread)
  public static class Writer {
    private int thread;
    private long n;
    private Random random;
    private byte[] records;
    NewBatch next;

    @Setup(Level.Trial)
    public void setUp(Shared shared) {
      thread = shared.threads.incrementAndGet();
      random = new Random(thread);
      records = new byte[shared.batchRecords * 600];
      random.nextBytes(records);
    }

    @Setup(Level.Invocation)
    public void prepare(Shared shared) {
      long batch = ++n;
      String prefix = "w" + thread + "-" + batch;
      List<IndexEntry> entries = new ArrayList<>(shared.batchRecords);
      List<PriceRow> prices = new ArrayList<>(shared.batchRecords);
      for (int i = 0; i < shared.batchRecords; i++) {
        String seller = "seller-" + random.nextInt(SELLERS);
        String tracking = String.format("LX%09dCN", random.nextInt(1_000_000_000));
        IndexEntry entry =
            new IndexEntry(
                String.format("ORD-%d-%012d-%04d", thread, batch, i),
                1,
                i,
                String.format("%064x", (batch * 100_003L + i) * 31 + thread),
                "FR");
        entries.add(entry);
        prices.add(
            new PriceRow(
                "customs-nl",
                entry.transactionId(),
                1,
                i,
                i,
                "FR",
                tracking,
                seller,
                "EUR",
                (long) random.nextInt(100_000),
                "seller-fingerprint",
                java.util.Arrays.copyOfRange(records, i * 600, i * 600 + 120)));
      }
      next =
          new NewBatch(
              "batch-" + prefix,
              "marketplace-alpha",
              String.format("%064x", batch * 1_000_003L + thread),
              "jti-" + prefix,
              Instant.now(),
              "fingerprint-v2",
              shared.batchRecords,
              shared.batchRecords,
              0,
              RECEIPT,
              RESULT,
              entries,
              List.of(
                  new MinimizedBatch(
                      "customs-nl",
                      "customs-default",
                      1,
                      "policy-sha256",
                      1,
                      "minimized-fingerprint",
                      shared.batchRecords,
                      records)),
              List.of(
                  new LogAppend(
                      "minimization",
                      Instant.now(),
                      "marketplace-alpha",
                      "customs-nl",
                      "{\"batch\":\"" + prefix + "\"}",
                      prefix.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                      List.of(new LogAppend.Count("buyer.name", "drop", shared.batchRecords)))),
              prices);
    }
  }

  /** One thread's next token id. */
  @State(Scope.Thread)
  public static class Token {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final int thread = THREADS.incrementAndGet();
    private long n;
    String jti;

    @Setup(Level.Invocation)
    public void next() {
      jti = "jti-" + thread + "-" + ++n;
    }
  }

  @Benchmark
  public void commitBatch(Shared shared, Writer writer) {
    shared.store.commit(writer.next);
  }

  @Benchmark
  public boolean firstUse(Shared shared, Token token) {
    return shared.store.firstUse("marketplace-alpha", token.jti, RETAIN_UNTIL);
  }
}
