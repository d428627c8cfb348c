package org.parcelgate.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.parcelgate.client.Batches;
import org.parcelgate.client.TransactionJson;
import org.parcelgate.schema.AvroTrust;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;

/**
 * What the client library costs a marketplace per batch, on one thread: writing the container of
 * 1,000 typed transactions (the baseline), and the same from plain JSON ({@link
 * ClientTokenBenchmark} measures the token).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClientBenchmark {
  private static final int RECORDS = 1_000;

  private List<Transaction> transactions;
  private byte[] json;

  @Setup
  public void prepare() {
    AvroTrust.install();
    transactions = SampleTransactions.batch(1, RECORDS, Instant.now().minusSeconds(3600));
    json = TransactionJson.write(transactions).getBytes(StandardCharsets.UTF_8);
  }

  /** Typed transactions to the container bytes (the sync marker is a hash of the records). */
  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public byte[] typedToContainer() {
    return Batches.write(transactions);
  }

  /** Plain JSON, read strictly, to the same container bytes. */
  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public byte[] jsonToContainer() throws IOException {
    return Batches.write(TransactionJson.read(new ByteArrayInputStream(json)));
  }
}
