package org.parcelgate.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.parcelgate.schema.sample.SampleTransactions;

class SchemaEvolutionTest {
  private static Schema v1;
  private static Schema v2;

  @BeforeAll
  static void load() throws IOException {
    AvroTrust.install();
    v1 = parse("/org/parcelgate/schema/transaction-v1.avsc");
    v2 = parse("/org/parcelgate/schema/transaction-v2.avsc");
  }

  private static Schema parse(String resource) throws IOException {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    }
  }

  @Test
  void generatedClassesAreTheV2Schema() {
    // The generated schema carries Java-only properties; the Parsing Canonical Form, which the
    // gateway's fingerprints are taken over, ignores them.
    boolean same =
        org.apache.avro.SchemaNormalization.toParsingForm(Transaction.getClassSchema())
            .equals(org.apache.avro.SchemaNormalization.toParsingForm(v2));
    assertThat(same).as("generated classes match transaction-v2.avsc").isTrue();
  }

  @Test
  void v2ReaderCanReadV1Writers() {
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(v2, v1).getType())
        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
  }

  @Test
  void recordWrittenWithV1IsReadWithV2DefaultsForNewFields() throws IOException {
    Transaction original = SampleTransactions.valid(3, Instant.parse("2026-11-01T08:00:00Z"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    // v1 fields sit at the same positions in the v2 classes, so a v2 object can be written as v1.
    new SpecificDatumWriter<Transaction>(v1).write(original, encoder);
    encoder.flush();

    Transaction read =
        new SpecificDatumReader<Transaction>(v1, v2)
            .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

    assertThat(read.getTransactionId()).isEqualTo(original.getTransactionId());
    assertThat(read.getAmounts()).isEqualTo(original.getAmounts());
    assertThat(read.getItems().get(0).getListingUrl()).isNull();
    assertThat(read.getItems().get(0).getBrand()).isNull();
  }

  @Test
  void everyFieldOfEveryVersionIsDocumented() {
    for (Schema schema : List.of(v1, v2)) {
      List<String> undocumented = new ArrayList<>();
      collectUndocumented(schema, "", undocumented, new ArrayList<>());
      assertThat(undocumented).as("fields without doc").isEmpty();
    }
  }

  private static void collectUndocumented(
      Schema schema, String path, List<String> out, List<String> seen) {
    switch (schema.getType()) {
      case RECORD -> {
        if (seen.contains(schema.getFullName())) {
          return;
        }
        seen.add(schema.getFullName());
        if (schema.getDoc() == null || schema.getDoc().isBlank()) {
          out.add(schema.getFullName());
        }
        for (Schema.Field field : schema.getFields()) {
          if (field.doc() == null || field.doc().isBlank()) {
            out.add(path + field.name());
          }
          collectUndocumented(field.schema(), path + field.name() + ".", out, seen);
        }
      }
      case ARRAY -> collectUndocumented(schema.getElementType(), path, out, seen);
      case UNION ->
          schema.getTypes().forEach(branch -> collectUndocumented(branch, path, out, seen));
      default -> {}
    }
  }

  @Test
  void moneyIsNeverFloatingPoint() {
    List<String> floats = new ArrayList<>();
    collectFloats(v2, "", floats, new ArrayList<>());
    assertThat(floats).isEmpty();
  }

  private static void collectFloats(
      Schema schema, String path, List<String> out, List<String> seen) {
    switch (schema.getType()) {
      case FLOAT, DOUBLE -> out.add(path);
      case RECORD -> {
        if (seen.contains(schema.getFullName())) {
          return;
        }
        seen.add(schema.getFullName());
        schema
            .getFields()
            .forEach(f -> collectFloats(f.schema(), path + f.name() + ".", out, seen));
      }
      case ARRAY -> collectFloats(schema.getElementType(), path, out, seen);
      case UNION -> schema.getTypes().forEach(branch -> collectFloats(branch, path, out, seen));
      default -> {}
    }
  }
}
