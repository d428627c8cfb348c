package org.parcelgate.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
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
import org.parcelgate.ingest.StrictUtf8Decoder;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;

/**
 * What the strict UTF-8 check of every string costs when records are decoded: the same 1,000
 * records (one block's bytes) read by Avro's own binary decoder ({@code avroStrings}, which
 * replaces malformed text with U+FFFD) and through {@link StrictUtf8Decoder} ({@code
 * strictStrings}, which refuses it). {@code text}: the sample records as they are ({@code latin},
 * ASCII and Latin-1), or with names, addresses and descriptions in Chinese ({@code cjk}), where the
 * check scans UTF-16.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class StringDecodingBenchmark {
  static final int RECORDS = 1_000;

  @Param({"latin", "cjk"})
  public String text;

  private byte[] block;
  private SpecificDatumReader<Transaction> reader;
  private BinaryDecoder decoder;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    AvroLimits.apply(16384, 65536, 10000, 134217728L);
    List<Transaction> records =
        SampleTransactions.batch(RECORDS, Instant.parse("2026-11-28T11:00:00Z"));
    if (text.equals("cjk")) {
      for (Transaction record : records) {
        record.getSeller().setName("深圳示例贸易有限公司");
        record.getSeller().getAddress().setLine1("南山区科技园路一号");
        record.getBuyer().setName("示例买家");
        record.getItems().forEach(item -> item.setDescription("蓝色棉质儿童T恤"));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    SpecificDatumWriter<Transaction> writer = new SpecificDatumWriter<>(Transaction.class);
    for (Transaction record : records) {
      writer.write(record, encoder);
    }
    encoder.flush();
    block = out.toByteArray();
    reader = new SpecificDatumReader<>(Transaction.getClassSchema(), Transaction.getClassSchema());
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void avroStrings(Blackhole sink) throws IOException {
    decoder = DecoderFactory.get().binaryDecoder(block, decoder);
    for (int i = 0; i < RECORDS; i++) {
      sink.consume(reader.read(null, decoder));
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void strictStrings(Blackhole sink) throws IOException {
    decoder = DecoderFactory.get().binaryDecoder(block, decoder);
    StrictUtf8Decoder strict = new StrictUtf8Decoder(decoder);
    for (int i = 0; i < RECORDS; i++) {
      sink.consume(reader.read(null, strict));
    }
  }
}
