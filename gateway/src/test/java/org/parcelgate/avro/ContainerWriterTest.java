package org.parcelgate.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.TestAvroLimits;

class ContainerWriterTest {
  private static final Instant ORDERED = Instant.parse("2026-11-28T11:00:00Z");
  private static final byte[] SYNC = "sixteen-byte-syn".getBytes();

  @BeforeAll
  static void limits() {
    TestAvroLimits.apply();
  }

  private final ContainerWriter<Transaction> writer =
      ContainerWriter.of(
          Transaction.getClassSchema(), new SpecificDatumWriter<>(Transaction.class));

  @Test
  void writesTheBytesOfDataFileWriterForTheSameSyncMarker() throws IOException {
    for (int count : new int[] {0, 1, 7, 1_000}) {
      List<Transaction> records = SampleTransactions.batch(count, ORDERED);

      assertThat(Arrays.equals(writer.write(records, SYNC), avro(records)))
          .as("the same bytes for %d records", count)
          .isTrue();
    }
  }

  @Test
  void cutsBlocksWhereDataFileWriterDoes() throws IOException {
    List<Transaction> records = SampleTransactions.batch(1_000, ORDERED);
    byte[] container = writer.write(records, SYNC);

    assertThat(container.length).isGreaterThan(3 * ContainerWriter.BLOCK_BYTES);
    assertThat(read(container)).isEqualTo(records);
  }

  @Test
  void aFailedWriteLeavesNothingForTheNext() throws IOException {
    List<Transaction> broken = new ArrayList<>(SampleTransactions.batch(3, ORDERED));
    broken.get(2).setItems(null);
    assertThatThrownBy(() -> writer.write(broken, SYNC)).isInstanceOf(RuntimeException.class);

    List<Transaction> records = SampleTransactions.batch(5, ORDERED);
    assertThat(Arrays.equals(writer.write(records, SYNC), avro(records))).isTrue();
  }

  @Test
  void everyFileGetsItsOwnRandomSyncMarker() {
    List<Transaction> records = SampleTransactions.batch(1, ORDERED);
    byte[] first = writer.write(records);
    byte[] second = writer.write(records);

    assertThat(Arrays.equals(first, second)).isFalse();
    assertThat(first).hasSameSizeAs(second);
  }

  private static byte[] avro(List<Transaction> records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<Transaction> file =
        new DataFileWriter<>(new SpecificDatumWriter<>(Transaction.class))) {
      file.create(Transaction.getClassSchema(), out, SYNC);
      for (Transaction record : records) {
        file.append(record);
      }
    }
    return out.toByteArray();
  }

  private static List<Transaction> read(byte[] container) throws IOException {
    List<Transaction> records = new ArrayList<>();
    try (DataFileStream<Transaction> stream =
        new DataFileStream<>(
            new ByteArrayInputStream(container), new SpecificDatumReader<>(Transaction.class))) {
      stream.forEach(records::add);
    }
    return records;
  }
}
