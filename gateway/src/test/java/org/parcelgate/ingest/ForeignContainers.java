package org.parcelgate.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Adler32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The batches other Avro implementations wrote (test resources {@code
 * org/parcelgate/ingest/foreign/}, made by {@code scripts/make-foreign-containers}; its README
 * names the writer versions), and a way to change what follows the deflate stream in one of them.
 */
public final class ForeignContainers {
  /** The three sample transactions every foreign container holds start at this order number. */
  public static final int FIRST_ORDER = 7001;

  public static final int RECORDS = 3;

  /** Every committed container, by file name without {@code .avro}: writer, then codec. */
  public static final List<String> ALL =
      List.of(
          "java-deflate",
          "fastavro-null",
          "fastavro-deflate",
          "avro-python-null",
          "avro-python-deflate",
          "avsc-null",
          "avsc-deflate");

  private static final int SYNC_SIZE = 16;

  private ForeignContainers() {}

  public static byte[] read(String name) {
    String resource = "/org/parcelgate/ingest/foreign/" + name + ".avro";
    try (InputStream in = ForeignContainers.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no such fixture: " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The container's only block, split into its raw deflate stream, what follows that stream, and
   * the Adler-32 of the inflated data.
   */
  public record DeflateBlock(byte[] stream, byte[] tail, long adler32) {
    /** The first {@code n} bytes of the big-endian checksum, as a zlib trailer holds it. */
    public byte[] checksumPrefix(int n) {
      byte[] bytes = new byte[n];
      for (int i = 0; i < n; i++) {
        bytes[i] = (byte) (adler32 >>> (24 - 8 * i));
      }
      return bytes;
    }
  }

  /** The bytes of a single-block container's block, as the codec left them. */
  public static byte[] block(byte[] container) {
    Layout layout = Layout.of(container);
    return Arrays.copyOfRange(container, layout.blockStart, layout.blockEnd);
  }

  /** The deflate block of a single-block container. */
  public static DeflateBlock deflateBlock(byte[] container) {
    byte[] block = block(container);
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(block);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && inflater.needsInput()) {
          throw new IllegalArgumentException("the block's deflate stream is truncated");
        }
        out.write(chunk, 0, n);
      }
      int end = block.length - inflater.getRemaining();
      Adler32 adler = new Adler32();
      adler.update(out.toByteArray());
      return new DeflateBlock(
          Arrays.copyOf(block, end),
          Arrays.copyOfRange(block, end, block.length),
          adler.getValue());
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("the block is not a deflate stream", e);
    } finally {
      inflater.end();
    }
  }

  /** The same single-block container whose block is {@code stream} followed by {@code tail}. */
  public static byte[] withBlock(byte[] container, byte[] stream, byte[] tail) {
    Layout layout = Layout.of(container);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(container, 0, layout.sizeStart);
    writeVarLong(out, stream.length + tail.length);
    out.writeBytes(stream);
    out.writeBytes(tail);
    out.write(container, layout.blockEnd, container.length - layout.blockEnd);
    return out.toByteArray();
  }

  private static void writeVarLong(ByteArrayOutputStream out, long value) {
    long zigzag = (value << 1) ^ (value >> 63);
    while ((zigzag & ~0x7fL) != 0) {
      out.write((int) ((zigzag & 0x7f) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
  }

  /**
   * Where the block of a single-block container lies: the header ends with the sync marker, which
   * the file's last 16 bytes repeat; then come the record count, the block size and the block.
   */
  private record Layout(int sizeStart, int blockStart, int blockEnd) {
    static Layout of(byte[] container) {
      byte[] sync = Arrays.copyOfRange(container, container.length - SYNC_SIZE, container.length);
      int headerEnd = -1;
      for (int i = 4; i + SYNC_SIZE <= container.length - SYNC_SIZE; i++) {
        if (Arrays.equals(container, i, i + SYNC_SIZE, sync, 0, SYNC_SIZE)) {
          headerEnd = i + SYNC_SIZE;
          break;
        }
      }
      if (headerEnd < 0) {
        throw new IllegalArgumentException("not a single-block container");
      }
      int sizeStart = skipVarint(container, headerEnd);
      long[] size = new long[1];
      int blockStart = readVarLong(container, sizeStart, size);
      int blockEnd = blockStart + (int) size[0];
      if (blockEnd != container.length - SYNC_SIZE) {
        throw new IllegalArgumentException("not a single-block container");
      }
      return new Layout(sizeStart, blockStart, blockEnd);
    }
  }

  private static int skipVarint(byte[] bytes, int position) {
    while ((bytes[position] & 0x80) != 0) {
      position++;
    }
    return position + 1;
  }

  private static int readVarLong(byte[] bytes, int position, long[] value) {
    long raw = 0;
    int shift = 0;
    int b;
    do {
      b = bytes[position++] & 0xff;
      raw |= (long) (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    value[0] = (raw >>> 1) ^ -(raw & 1);
    return position;
  }
}
