package org.parcelgate.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
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
import org.parcelgate.delivery.FeedRecords;
import org.parcelgate.delivery.RecipientFeed;
import org.parcelgate.delivery.Routing;
import org.parcelgate.ingest.AvroLimits;
import org.parcelgate.ingest.BatchDecoder;
import org.parcelgate.ingest.IngestLimits;
import org.parcelgate.ingest.IngestService;
import org.parcelgate.ingest.WriterSchemas;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.privacy.MinimizationPolicy;
import org.parcelgate.privacy.Minimizer;
import org.parcelgate.privacy.PolicySources;
import org.parcelgate.privacy.Pseudonymizer;
import org.parcelgate.privacy.RecipientPolicies;
import org.parcelgate.protocol.Digests;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.signing.ReceiptSigner;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.validation.TransactionValidator;
import org.parcelgate.validation.ValidationPolicy;

/**
 * Batches per second through the whole {@link IngestService#ingest}, as the batch endpoint calls it
 * on a worker thread: idempotency look-up, decoding, validation, amendment rules, minimization for
 * the shipped customs policy, one fsynced commit to the embedded store, the signed receipt and the
 * answer's JSON. Every batch holds new orders (a repeat would be answered from the store); its
 * container is written before the timed call. Parameter {@code records}: 1 (where the fixed costs
 * per batch show) and 1,000 (where the costs per record do). The store starts empty in a temporary
 * folder and grows during the trial, as in production.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class WholeIngestBenchmark {
  private static final String MARKETPLACE = "marketplace-alpha";

  @Param({"1", "1000"})
  public int records;

  private Path directory;
  private GatewayStore store;
  private IngestService ingest;
  private Instant orderTime;
  private int nextOrder = 1;
  private IngestService.Submission submission;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    AvroLimits.apply(16384, 65536, 10000, 134217728L);
    directory = Files.createTempDirectory("parcelgate-bench");
    Clock clock = Clock.systemUTC();
    orderTime = clock.instant().minusSeconds(3600);
    SamplePki pki = SamplePki.generate(directory.resolve("pki"), clock);
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 7);
    Minimizer customs =
        Minimizer.compile(
            MinimizationPolicy.parse(
                PolicySources.builtin("customs-default"), "builtin:customs-default"),
            Transaction.getClassSchema(),
            new Pseudonymizer("customs-nl", 1, secret));
    RecipientPolicies recipients = new RecipientPolicies(List.of(customs));
    store = EmbeddedStore.open(directory.resolve("data"), clock);
    ingest =
        new IngestService(
            new BatchDecoder(WriterSchemas.shipped(), new IngestLimits(10_000, 1L << 30)),
            new TransactionValidator(ValidationPolicy.defaults(), clock),
            store,
            recipients,
            new FeedRecords(
                new Routing(Map.of("customs-nl", Routing.Destinations.every())),
                List.of(new RecipientFeed(customs))),
            new ReceiptSigner(
                GatewaySigningKeys.load(pki.gatewaySigningKey(), Optional.empty()),
                "parcelgate-bench"),
            clock);
  }

  /** A batch of orders never sent before, outside the measured time. */
  @Setup(Level.Invocation)
  public void nextBatch() throws IOException {
    byte[] body = container(SampleTransactions.batch(nextOrder, records, orderTime));
    nextOrder += records;
    submission =
        new IngestService.Submission(
            MARKETPLACE, "jti-" + nextOrder, body, Digests.sha256Base64Url(body));
  }

  @Benchmark
  public IngestService.Result ingest() {
    IngestService.Result result = ingest.ingest(submission);
    if (result.accepted() != records) {
      throw new IllegalStateException("the benchmark's batch was not accepted: " + result.json());
    }
    return result;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    store.close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  private static byte[] container(List<Transaction> batch) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<Transaction> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(Transaction.class))) {
      writer.create(Transaction.getClassSchema(), out);
      for (Transaction record : batch) {
        writer.append(record);
      }
    }
    return out.toByteArray();
  }
}
