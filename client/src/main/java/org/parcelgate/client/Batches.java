package org.parcelgate.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.parcelgate.schema.AvroTrust;
import org.parcelgate.schema.Transaction;

/**
 * The body of a batch: an Avro object container of {@link Transaction} records with the current
 * registered writer schema, deflate codec (protocol.md, section 6).
 *
 * <p>Keep the bytes to retry: the gateway recognizes a batch by the SHA-256 of its exact body, so
 * only the same bytes are the same batch. Writing the same records again may give other bytes (the
 * container's sync marker is random), which the gateway treats as a new batch whose records are all
 * {@code unchanged}.
 */
public final class Batches {
  /** The media type of a batch body. */
  public static final String MEDIA_TYPE = "application/vnd.parcelgate.batch+avro";

  private Batches() {}

  /** The container of the transactions, in order; index {@code i} in the answer is element i. */
  public static byte[] write(List<Transaction> transactions) {
    if (transactions.isEmpty()) {
      throw new IllegalArgumentException("a batch holds at least one transaction");
    }
    AvroTrust.install();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<Transaction> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(Transaction.class))) {
      writer.setCodec(CodecFactory.deflateCodec(6));
      writer.create(Transaction.getClassSchema(), out);
      for (Transaction transaction : transactions) {
        writer.append(transaction);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }
}
