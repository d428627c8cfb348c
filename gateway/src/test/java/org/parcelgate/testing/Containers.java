package org.parcelgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.parcelgate.schema.Transaction;

/**
 * Writes batches the way a marketplace client does: Avro object container files, v1 or v2 writer
 * schema.
 */
public final class Containers {
  static {
    org.parcelgate.schema.AvroTrust.install();
  }

  private Containers() {}

  public static Schema v1() {
    return load("/org/parcelgate/schema/transaction-v1.avsc");
  }

  public static Schema v2() {
    return Transaction.getClassSchema();
  }

  private static Schema load(String resource) {
    try (InputStream in = Containers.class.getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes records with the given writer schema. v1 fields sit at the same positions in the v2
   * classes (v2 only appends), so the generated records can be written as v1.
   */
  public static byte[] write(List<Transaction> records, Schema writer, CodecFactory codec) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<Transaction> file =
        new DataFileWriter<>(new SpecificDatumWriter<>(writer))) {
      file.setCodec(codec);
      file.create(writer, out);
      for (Transaction record : records) {
        file.append(record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] write(List<Transaction> records) {
    return write(records, v2(), CodecFactory.deflateCodec(6));
  }
}
