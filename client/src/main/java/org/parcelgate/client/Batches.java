package org.parcelgate.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.parcelgate.protocol.Digests;
import org.parcelgate.schema.AvroTrust;
import org.parcelgate.schema.Transaction;

/**
 * The body of a batch: an Avro object container of {@link Transaction} records with the current
 * registered writer schema, deflate codec (protocol.md, section 6).
 *
 * <p>The gateway recognizes a batch by the SHA-256 of its exact body. The container's sync marker,
 * random in Avro's default writer, is here derived from the records, so the same transactions in
 * the same order give the same bytes (with the same Avro and zlib builds): sending them again, even
 * from a new run of the integration, is recognized as the same batch and answered with the original
 * receipt.
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
      writer.create(Transaction.getClassSchema(), out, syncMarker(transactions));
      for (Transaction transaction : transactions) {
        writer.append(transaction);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /**
   * The {@code transactionId} of each record of a container, in order, whatever its writer schema
   * (so a rejected index can be named by its id); empty if the container cannot be read.
   */
  public static List<String> transactionIds(byte[] container) {
    List<String> ids = new java.util.ArrayList<>();
    AvroTrust.install();
    try (org.apache.avro.file.DataFileStream<org.apache.avro.generic.GenericRecord> records =
        new org.apache.avro.file.DataFileStream<>(
            new java.io.ByteArrayInputStream(container),
            new org.apache.avro.generic.GenericDatumReader<>())) {
      for (org.apache.avro.generic.GenericRecord record : records) {
        Object id = record.hasField("transactionId") ? record.get("transactionId") : null;
        ids.add(id == null ? null : id.toString());
      }
      return ids;
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** The first 16 bytes of the SHA-256 of the records' binary encoding. */
  private static byte[] syncMarker(List<Transaction> transactions) throws IOException {
    MessageDigest digest = Digests.sha256();
    SpecificDatumWriter<Transaction> records = new SpecificDatumWriter<>(Transaction.class);
    BinaryEncoder encoder = null;
    try (DigestOutputStream hashed =
        new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
      encoder = EncoderFactory.get().binaryEncoder(hashed, encoder);
      for (Transaction transaction : transactions) {
        records.write(transaction, encoder);
      }
      encoder.flush();
    }
    return Arrays.copyOf(digest.digest(), 16);
  }
}
