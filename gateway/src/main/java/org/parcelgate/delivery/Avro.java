package org.parcelgate.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/** Small reads of minimized records, whose schema depends on the policy. */
final class Avro {
  private Avro() {}

  /** The value at a path of nested records, or null where a step is missing or null. */
  static Object path(GenericRecord record, String... names) {
    Object current = record;
    for (String name : names) {
      if (!(current instanceof GenericRecord step) || step.getSchema().getField(name) == null) {
        return null;
      }
      current = step.get(name);
    }
    return current;
  }

  /** The text at a path (a string or an enum symbol), or null. */
  static String text(GenericRecord record, String... names) {
    Object value = path(record, names);
    return value == null ? null : value.toString();
  }

  /** The record schema of a field (a nullable union unwrapped), or null if there is none. */
  static Schema fieldRecordSchema(Schema record, String field) {
    Schema.Field found = record.getField(field);
    if (found == null) {
      return null;
    }
    Schema schema = found.schema();
    if (schema.getType() == Schema.Type.UNION) {
      schema =
          schema.getTypes().stream()
              .filter(s -> s.getType() == Schema.Type.RECORD)
              .findFirst()
              .orElse(null);
    }
    return schema != null && schema.getType() == Schema.Type.RECORD ? schema : null;
  }

  /** Decodes one record written in Avro binary with {@code schema}. */
  static GenericRecord decode(Schema schema, byte[] binary) {
    try {
      return new GenericDatumReader<GenericRecord>(schema)
          .read(null, DecoderFactory.get().binaryDecoder(binary, null));
    } catch (IOException e) {
      throw new UncheckedIOException("a stored record does not decode with its schema", e);
    }
  }
}
