package org.parcelgate.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.parcelgate.schema.Transaction;
import org.parcelgate.testing.Containers;

/**
 * Finds byte positions inside a single-block, null-codec container, to craft hostile variants of
 * real batches.
 */
final class RecordOffsets {
  private RecordOffsets() {}

  /**
   * Where the first record's bytes start: after the header, the sync marker and the block's two
   * varints.
   */
  static int firstRecord(byte[] container) {
    int header = Containers.write(List.of(), Containers.v2(), CodecFactory.nullCodec()).length;
    int position = header;
    position = skipVarint(container, position); // record count
    position = skipVarint(container, position); // block size
    return position;
  }

  /**
   * The union branch byte of the record's iossNumber: after transactionId, amendment and orderTime.
   */
  static int iossUnionIndex(byte[] container, Transaction record) {
    int position = firstRecord(container);
    position = skipVarint(container, position);
    position += record.getTransactionId().getBytes(StandardCharsets.UTF_8).length;
    position += 1; // amendment
    position = skipVarint(container, position); // orderTime
    return position;
  }

  /** Replaces the varint at {@code position} by {@code value} (zig-zag encoded). */
  static byte[] spliceVarint(byte[] bytes, int position, long value) {
    int end = skipVarint(bytes, position);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, position);
    long zigzag = (value << 1) ^ (value >> 63);
    while ((zigzag & ~0x7fL) != 0) {
      out.write((int) ((zigzag & 0x7f) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
    out.write(bytes, end, bytes.length - end);
    return out.toByteArray();
  }

  private static int skipVarint(byte[] bytes, int position) {
    while ((bytes[position] & 0x80) != 0) {
      position++;
    }
    return position + 1;
  }
}
