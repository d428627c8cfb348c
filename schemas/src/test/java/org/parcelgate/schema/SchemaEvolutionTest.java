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
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;
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
  void v1ReaderCanReadV2Writers() {
    // Full compatibility: a consumer still on v1 skips the fields v2 added.
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(v1, v2).getType())
        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
  }

  @Test
  void recordWrittenByAV1WriterIsReadWithV2DefaultsForNewFields() throws IOException {
    Transaction original = SampleTransactions.valid(4, Instant.parse("2026-11-01T08:00:00Z"));
    assertThat(original.getItems()).anySatisfy(item -> assertThat(item.getBrand()).isNotNull());
    // A v1 writer knows nothing of the generated classes: a generic record of the v1 schema.
    GenericRecord written = (GenericRecord) asGeneric(v1, original);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(v1, GenericData.get()).write(written, encoder);
    encoder.flush();

    Transaction read =
        new SpecificDatumReader<Transaction>(v1, v2)
            .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

    Transaction expected = Transaction.newBuilder(original).build();
    expected.getItems().forEach(item -> item.setBrand(null));
    expected.getItems().forEach(item -> item.setListingUrl(null));
    assertThat(read).isEqualTo(expected);
    assertThat(read.getItems())
        .allSatisfy(
            item -> {
              assertThat(item.getBrand()).isNull();
              assertThat(item.getListingUrl()).isNull();
            });
  }

  /** Copies a generated record into a generic one of {@code schema}, field by field, by name. */
  private static Object asGeneric(Schema schema, Object value) {
    return switch (schema.getType()) {
      case RECORD -> {
        SpecificRecordBase specific = (SpecificRecordBase) value;
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
          record.put(field.name(), asGeneric(field.schema(), specific.get(field.name())));
        }
        yield record;
      }
      case ARRAY ->
          ((List<?>) value)
              .stream().map(element -> asGeneric(schema.getElementType(), element)).toList();
      case UNION -> {
        // Every union of the contract is [null, T].
        Schema branch =
            schema.getTypes().stream()
                .filter(type -> type.getType() != Schema.Type.NULL)
                .findFirst()
                .orElseThrow();
        yield value == null ? null : asGeneric(branch, value);
      }
      case ENUM -> new GenericData.EnumSymbol(schema, value.toString());
      case LONG -> value instanceof Instant instant ? instant.toEpochMilli() : value;
      default -> value;
    };
  }

  @Test
  void everyFieldOfEveryVersionIsDocumented() {
    for (Schema schema : List.of(v1, v2)) {
      List<String> undocumented = new ArrayList<>();
      List<String> walked = new ArrayList<>();
      collectUndocumented(schema, "", undocumented, walked);
      assertThat(undocumented).as("fields without doc").isEmpty();
      // The walk reached every named type, so an empty result means something.
      assertThat(walked)
          .extracting(name -> name.substring(name.lastIndexOf('.') + 1))
          .containsExactlyInAnyOrder(
              "Transaction",
              "Seller",
              "SellerType",
              "Address",
              "VerificationStatus",
              "Buyer",
              "LineItem",
              "Amounts",
              "Payment",
              "PaymentMethod",
              "Shipment");
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
      case ENUM -> {
        if (!seen.contains(schema.getFullName())) {
          seen.add(schema.getFullName());
          if (schema.getDoc() == null || schema.getDoc().isBlank()) {
            out.add(schema.getFullName());
          }
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
