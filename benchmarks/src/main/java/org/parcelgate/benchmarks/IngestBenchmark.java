package org.parcelgate.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.parcelgate.ingest.AvroLimits;
import org.parcelgate.ingest.BatchDecoder;
import org.parcelgate.ingest.IngestLimits;
import org.parcelgate.ingest.WriterSchemas;
import org.parcelgate.privacy.MinimizationPolicy;
import org.parcelgate.privacy.Minimizer;
import org.parcelgate.privacy.PolicySources;
import org.parcelgate.privacy.Pseudonymizer;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.validation.TransactionValidator;
import org.parcelgate.validation.ValidationPolicy;

/**
 * Records per second through the CPU-bound part of ingest, one batch of 1,000 records per
 * invocation.
 *
 * <ul>
 *   <li>{@code plainAvroDecode}: the baseline, Avro's own {@code DataFileStream} into the generated
 *       classes;
 *   <li>{@code gatewayDecode}: the gateway's {@link BatchDecoder}, with its framing checks, bounded
 *       inflation and writer-schema resolution;
 *   <li>{@code gatewayDecodeAndValidate}: that plus {@link TransactionValidator} on every record;
 *   <li>{@code rawContainer}: the baseline of storing, decoded records written back into one Avro
 *       container unchanged (what storing raw records would cost);
 *   <li>{@code minimizedContainer}: the shipped customs policy applied to the decoded records
 *       (pseudonyms, prefixes, free-text scan, counts) and the result written into one container:
 *       what the gateway does per recipient instead.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class IngestBenchmark {
  static final int RECORDS = 1_000;

  @Param({"null", "deflate"})
  public String codec;

  private byte[] container;
  private BatchDecoder decoder;
  private TransactionValidator validator;
  private List<Transaction> decoded;
  private Minimizer minimizer;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    AvroLimits.apply(16384, 65536, 10000, 134217728L);
    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    List<Transaction> records = SampleTransactions.batch(RECORDS, now.minusSeconds(3600));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<Transaction> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(Transaction.class))) {
      writer.setCodec(
          codec.equals("deflate") ? CodecFactory.deflateCodec(6) : CodecFactory.nullCodec());
      writer.create(Transaction.getClassSchema(), out);
      for (Transaction record : records) {
        writer.append(record);
      }
    }
    container = out.toByteArray();
    decoder = new BatchDecoder(WriterSchemas.shipped(), new IngestLimits(10_000, 1L << 30));
    validator =
        new TransactionValidator(ValidationPolicy.defaults(), Clock.fixed(now, ZoneOffset.UTC));
    decoded = decoder.decode(container).records();
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 7);
    minimizer =
        Minimizer.compile(
            MinimizationPolicy.parse(
                PolicySources.builtin("customs-default"), "builtin:customs-default"),
            Transaction.getClassSchema(),
            new Pseudonymizer("customs-nl", 1, secret));
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void plainAvroDecode(Blackhole sink) throws IOException {
    try (DataFileStream<Transaction> stream =
        new DataFileStream<>(
            new ByteArrayInputStream(container), new SpecificDatumReader<>(Transaction.class))) {
      for (Transaction record : stream) {
        sink.consume(record);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public Object gatewayDecode() {
    return decoder.decode(container);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public Object gatewayDecodeAndValidate() {
    return validator.validateBatch(decoder.decode(container).records());
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public byte[] rawContainer() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(RECORDS * 512);
    try (DataFileWriter<Transaction> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(Transaction.class))) {
      writer.create(Transaction.getClassSchema(), out);
      for (Transaction record : decoded) {
        writer.append(record);
      }
    }
    return out.toByteArray();
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public byte[] minimizedContainer() {
    return minimizer.container(minimizer.minimize("marketplace-alpha", decoded).records());
  }
}
