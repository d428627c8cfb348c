package org.parcelgate.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes Avro object container files (uncompressed) of one schema, as {@code DataFileWriter} does
 * but without its set-up per file: the header (magic and metadata, with the schema's JSON) is
 * encoded once, and each thread keeps its encoder and block buffer. The bytes are those {@code
 * DataFileWriter} writes for the same sync marker: the same metadata in the same order, blocks cut
 * at the same size.
 *
 * <p>Made for the gateway's many small containers (a minimized copy per batch and recipient, a feed
 * page per request), where {@code DataFileWriter}'s set-up (the schema's JSON, a sync marker from
 * MD5 of a random UUID, two buffers of 64 KB and more) cost more than the records. Thread-safe: the
 * datum writer holds only its schema and data model, no state per write.
 */
public final class ContainerWriter<T> {
  /** {@code DataFileWriter}'s default sync interval: a block is written once it holds this much. */
  static final int BLOCK_BYTES = 64_000;

  static final int SYNC_SIZE = 16;
  private static final byte[] MAGIC = {'O', 'b', 'j', 1};
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DatumWriter<T> datumWriter;
  private final byte[] header;
  private final ThreadLocal<Block> blocks = ThreadLocal.withInitial(Block::new);

  private ContainerWriter(Schema schema, DatumWriter<T> datumWriter) {
    this.datumWriter = datumWriter;
    this.header = header(schema);
  }

  /** A writer of generic records of a schema. */
  public static <T> ContainerWriter<T> generic(Schema schema) {
    return new ContainerWriter<>(schema, new GenericDatumWriter<>(schema, GenericData.get()));
  }

  /** A writer whose records the given datum writer encodes with the given schema. */
  public static <T> ContainerWriter<T> of(Schema schema, DatumWriter<T> datumWriter) {
    datumWriter.setSchema(schema);
    return new ContainerWriter<>(schema, datumWriter);
  }

  /** The records as one container file with a fresh random sync marker. */
  public byte[] write(List<? extends T> records) {
    byte[] sync = new byte[SYNC_SIZE];
    RANDOM.nextBytes(sync);
    return write(records, sync);
  }

  byte[] write(List<? extends T> records, byte[] sync) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(header.length + SYNC_SIZE + records.size() * 256 + 64);
    out.writeBytes(header);
    out.writeBytes(sync);
    Block block = blocks.get();
    try {
      block.reset();
      long count = 0;
      for (T record : records) {
        datumWriter.write(record, block.encoder);
        count++;
        if (block.size() >= BLOCK_BYTES) {
          block.writeTo(out, count, sync);
          count = 0;
        }
      }
      if (count > 0) {
        block.writeTo(out, count, sync);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Magic, then the metadata map as {@code DataFileWriter} writes it for uncompressed files: the
   * schema only (a file without {@code avro.codec} is uncompressed).
   */
  private static byte[] header(Schema schema) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(MAGIC);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
    try {
      encoder.writeMapStart();
      encoder.setItemCount(1);
      encoder.startItem();
      encoder.writeString("avro.schema");
      encoder.writeBytes(schema.toString().getBytes(StandardCharsets.UTF_8));
      encoder.writeMapEnd();
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** One thread's block under construction: the records' bytes and the encoder writing them. */
  private static final class Block {
    /** A buffer grown beyond this by an unusually large record is not kept for the next file. */
    private static final int KEPT_BYTES = 4 * BLOCK_BYTES;

    private ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    private BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    private final byte[] number = new byte[10];

    /** Empty, including whatever a write that failed left in the encoder's buffer. */
    void reset() throws IOException {
      encoder.flush();
      bytes.reset();
    }

    int size() {
      return bytes.size() + encoder.bytesBuffered();
    }

    void writeTo(ByteArrayOutputStream out, long count, byte[] sync) throws IOException {
      encoder.flush();
      out.write(number, 0, BinaryData.encodeLong(count, number, 0));
      out.write(number, 0, BinaryData.encodeLong(bytes.size(), number, 0));
      bytes.writeTo(out);
      out.writeBytes(sync);
      if (bytes.size() > KEPT_BYTES) {
        bytes = new ByteArrayOutputStream(8192);
        encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
      }
      bytes.reset();
    }
  }
}
