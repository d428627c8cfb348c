package org.parcelgate.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.parcelgate.testing.TestAvroLimits;

/**
 * Every place Avro reads a string goes through the strict check: record fields, nested records,
 * array items, union branches, map keys and map values, read as {@code String} or as {@code Utf8}.
 */
class StrictUtf8DecoderTest {
  /** Each string holds its own 8-byte marker, so a test can spoil exactly one of them. */
  private static final Schema SCHEMA =
      SchemaBuilder.record("Probe")
          .fields()
          .requiredString("field")
          .name("nested")
          .type(SchemaBuilder.record("Inner").fields().requiredString("inner").endRecord())
          .noDefault()
          .name("items")
          .type()
          .array()
          .items()
          .stringType()
          .noDefault()
          .optionalString("branch")
          .name("attributes")
          .type()
          .map()
          .values()
          .stringType()
          .noDefault()
          .endRecord();

  @BeforeAll
  static void limits() {
    TestAvroLimits.apply();
  }

  private static byte[] encoded() throws IOException {
    GenericRecord inner = new GenericData.Record(SCHEMA.getField("nested").schema());
    inner.put("inner", "INNERxxx");
    GenericRecord probe = new GenericData.Record(SCHEMA);
    probe.put("field", "FIELDxxx");
    probe.put("nested", inner);
    probe.put("items", List.of("ITEMxxxx"));
    probe.put("branch", "BRANCHxx");
    probe.put("attributes", Map.of("MAPKEYxx", "MAPVALxx"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(SCHEMA).write(probe, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static GenericRecord read(byte[] bytes, boolean asJavaStrings) throws IOException {
    Schema schema = new Schema.Parser().parse(SCHEMA.toString());
    if (asJavaStrings) {
      GenericData.setStringType(schema, GenericData.StringType.String);
    }
    return new GenericDatumReader<GenericRecord>(schema)
        .read(null, new StrictUtf8Decoder(DecoderFactory.get().binaryDecoder(bytes, null)));
  }

  /** The bytes with the marker's first bytes replaced (same length, so the framing holds). */
  private static byte[] spoiled(byte[] bytes, String marker, String hex) {
    byte[] from = marker.getBytes(StandardCharsets.US_ASCII);
    byte[] to = HexFormat.of().parseHex(hex);
    for (int i = 0; i + from.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
        byte[] out = bytes.clone();
        System.arraycopy(to, 0, out, i, to.length);
        return out;
      }
    }
    throw new AssertionError("no marker " + marker);
  }

  @Test
  void readsWellFormedStringsUnchanged() throws IOException {
    byte[] bytes = spoiled(encoded(), "FIELDxxx", "c3a9e282ac"); // "é€" in place of "FIELD"

    for (boolean asJavaStrings : new boolean[] {true, false}) {
      GenericRecord probe = read(bytes, asJavaStrings);
      assertThat(probe.get("field").toString()).isEqualTo("é€xxx");
      assertThat(probe.get("attributes").toString()).contains("MAPKEYxx").contains("MAPVALxx");
    }
  }

  @ParameterizedTest(name = "{1} in {0}")
  @CsvSource({
    "FIELDxxx, eda080, a lone surrogate",
    "INNERxxx, c0af, an overlong form",
    "ITEMxxxx, e282, a sequence cut short",
    "BRANCHxx, ff, a byte never in UTF-8",
    "MAPKEYxx, eda080, a lone surrogate",
    "MAPVALxx, f08080af, an overlong form"
  })
  void refusesMalformedUtf8WhereverAStringIsRead(String marker, String hex, String what)
      throws IOException {
    byte[] bytes = spoiled(encoded(), marker, hex);

    for (boolean asJavaStrings : new boolean[] {true, false}) {
      assertThatThrownBy(() -> read(bytes, asJavaStrings))
          .isInstanceOf(StrictUtf8Decoder.MalformedStringException.class);
    }
  }

  /**
   * A writer's {@code bytes} read as the reader's {@code string} would bypass the check (Avro's
   * resolver decodes those itself); no registered writer schema has a {@code bytes} value.
   */
  @Test
  void registeredWriterSchemasHoldNoBytesThatCouldBeReadAsStrings() {
    for (WriterSchemas.WriterSchema writer : WriterSchemas.shipped().all()) {
      assertThat(types(writer.schema(), new ArrayList<>()))
          .as("writer v%d", writer.version())
          .doesNotContain(Schema.Type.BYTES);
    }
  }

  private static List<Schema.Type> types(Schema schema, List<Schema.Type> seen) {
    seen.add(schema.getType());
    switch (schema.getType()) {
      case RECORD -> schema.getFields().forEach(field -> types(field.schema(), seen));
      case ARRAY -> types(schema.getElementType(), seen);
      case MAP -> types(schema.getValueType(), seen);
      case UNION -> schema.getTypes().forEach(branch -> types(branch, seen));
      default -> {}
    }
    return seen;
  }
}
