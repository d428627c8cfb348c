package org.parcelgate.ingest;

import static org.parcelgate.error.ProblemCode.DECOMPRESSED_TOO_LARGE;
import static org.parcelgate.error.ProblemCode.EMPTY_BATCH;
import static org.parcelgate.error.ProblemCode.INVALID_CONTAINER;
import static org.parcelgate.error.ProblemCode.MALFORMED_RECORD;
import static org.parcelgate.error.ProblemCode.TOO_MANY_RECORDS;
import static org.parcelgate.error.ProblemCode.UNKNOWN_WRITER_SCHEMA;
import static org.parcelgate.error.ProblemCode.UNSUPPORTED_CODEC;
import static org.parcelgate.error.ProblemCode.VALUE_TOO_LARGE;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.Adler32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.apache.avro.Schema;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.parcelgate.error.GatewayException;
import org.parcelgate.schema.Transaction;

/**
 * Decodes one batch, an Avro object container file of {@link Transaction} records, under the
 * configured limits.
 *
 * <p>The container framing (magic, metadata, sync marker, blocks) is read here rather than by
 * Avro's {@code DataFileStream}, so that every hostile shape has its own refusal and no limit
 * depends on a codec's cooperation: block counts and sizes are checked against what remains before
 * anything is allocated, deflate output is bounded across the whole batch, a deflate stream may be
 * followed only by the zlib checksum bytes mainstream writers leave (checked), every block must end
 * exactly after its records and be followed by the file's sync marker, and nothing may follow the
 * last block. Records are decoded with the registered copy of the writer schema, resolved to the
 * gateway's reader schema, and every string must be well-formed UTF-8 ({@link StrictUtf8Decoder}):
 * a record holding one that is not refuses the batch as {@code malformed_record}, like any record
 * that cannot be decoded. CPU-bound and synchronous: run it on a worker thread.
 */
public final class BatchDecoder {
  private static final byte[] MAGIC = {'O', 'b', 'j', 1};
  private static final int SYNC_SIZE = 16;
  private static final int MAX_METADATA_ENTRIES = 64;
  private static final int MAX_METADATA_VALUE = 1 << 20;

  /**
   * At most this many spellings of the registered schemas are remembered: clients embed the JSON
   * their Avro library writes, so a few per version in practice. Beyond it a spelling is parsed
   * every time, as before, so that nobody can grow the map by sending variants.
   */
  private static final int MAX_REMEMBERED_SPELLINGS = 32;

  private final WriterSchemas schemas;
  private final IngestLimits limits;

  /**
   * The registered writer schema of each schema text seen, so that a known text is not parsed
   * again: keyed by the exact bytes of {@code avro.schema}, holding only texts whose fingerprint is
   * registered.
   */
  private final Map<ByteBuffer, WriterSchemas.WriterSchema> known = new ConcurrentHashMap<>();

  /**
   * Per thread, a reader per registered writer schema: the reader resolves the writer schema to the
   * reader schema once, on its first record, and keeps the result; Avro's readers are not meant to
   * be shared between threads.
   */
  private final ThreadLocal<Map<String, SpecificDatumReader<Transaction>>> readers =
      ThreadLocal.withInitial(HashMap::new);

  public BatchDecoder(WriterSchemas schemas, IngestLimits limits) {
    this.schemas = schemas;
    this.limits = limits;
  }

  /**
   * A decoded batch: the registered writer schema it was written with and its records, in order.
   */
  public record DecodedBatch(WriterSchemas.WriterSchema writer, List<Transaction> records) {}

  public DecodedBatch decode(byte[] container) {
    if (container.length == 0) {
      // Not a container without records (empty_batch), which would name a writer schema: nothing.
      throw refuse(
          INVALID_CONTAINER, "the body is empty; a batch is an Avro object container file");
    }
    Cursor in = new Cursor(container);
    if (!Arrays.equals(in.fixed(MAGIC.length, "magic"), MAGIC)) {
      throw refuse(
          INVALID_CONTAINER, "the body does not start with the Avro object container magic");
    }
    Map<String, byte[]> metadata = metadata(in);
    WriterSchemas.WriterSchema writer = writerSchema(metadata.get("avro.schema"));
    Codec codec = codec(metadata.get("avro.codec"));
    byte[] sync = in.fixed(SYNC_SIZE, "sync marker");

    SpecificDatumReader<Transaction> reader =
        readers
            .get()
            .computeIfAbsent(
                writer.fingerprint(),
                fingerprint ->
                    new SpecificDatumReader<>(writer.schema(), Transaction.getClassSchema()));
    List<Transaction> records = new ArrayList<>();
    long decompressedBudget = limits.maxDecompressedBytes();
    BinaryDecoder decoder = null;
    while (!in.atEnd()) {
      long count = in.varLong("block count");
      long size = in.varLong("block size");
      if (count < 1) {
        throw refuse(INVALID_CONTAINER, "a block declares no records");
      }
      if (count > limits.maxRecords() - records.size()) {
        throw refuse(
            TOO_MANY_RECORDS, "the batch holds more than " + limits.maxRecords() + " records");
      }
      if (size < 0 || size > in.remaining()) {
        throw refuse(INVALID_CONTAINER, "a block is truncated or declares an impossible size");
      }
      byte[] block = codec.decompress(in.fixed((int) size, "block"), decompressedBudget);
      decompressedBudget -= block.length;
      decoder = DecoderFactory.get().binaryDecoder(block, decoder);
      StrictUtf8Decoder strings = new StrictUtf8Decoder(decoder);
      for (long i = 0; i < count; i++) {
        records.add(record(reader, strings, records.size()));
      }
      if (!isEnd(decoder)) {
        throw refuse(INVALID_CONTAINER, "a block holds bytes after its declared records");
      }
      if (!Arrays.equals(in.fixed(SYNC_SIZE, "sync marker"), sync)) {
        throw refuse(INVALID_CONTAINER, "a block is not followed by the file's sync marker");
      }
    }
    if (records.isEmpty()) {
      throw refuse(EMPTY_BATCH, "the container holds no record");
    }
    return new DecodedBatch(writer, records);
  }

  private static Map<String, byte[]> metadata(Cursor in) {
    Map<String, byte[]> metadata = new HashMap<>();
    long entries = in.varLong("metadata");
    while (entries != 0) {
      if (entries < 0) {
        // A negative count is followed by the block's byte size, which we do not need.
        entries = -entries;
        in.varLong("metadata block size");
      }
      if (metadata.size() + entries > MAX_METADATA_ENTRIES) {
        throw refuse(INVALID_CONTAINER, "the container header has too many metadata entries");
      }
      for (long i = 0; i < entries; i++) {
        String key = new String(in.bytes("metadata key", 256), StandardCharsets.UTF_8);
        metadata.put(key, in.bytes("metadata value", MAX_METADATA_VALUE));
      }
      entries = in.varLong("metadata");
    }
    return metadata;
  }

  private WriterSchemas.WriterSchema writerSchema(byte[] json) {
    if (json == null) {
      throw refuse(INVALID_CONTAINER, "the container header has no avro.schema");
    }
    WriterSchemas.WriterSchema remembered = known.get(ByteBuffer.wrap(json));
    if (remembered != null) {
      return remembered;
    }
    if (!StrictUtf8.isValid(json, 0, json.length)) {
      throw refuse(UNKNOWN_WRITER_SCHEMA, "the container's writer schema is not UTF-8 text");
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(new String(json, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw refuse(UNKNOWN_WRITER_SCHEMA, "the container's writer schema cannot be parsed");
    }
    WriterSchemas.WriterSchema registered =
        schemas
            .byFingerprint(WriterSchemas.fingerprint(schema))
            .orElseThrow(
                () ->
                    refuse(
                        UNKNOWN_WRITER_SCHEMA,
                        "the writer schema's fingerprint is not registered; write with a published version"));
    if (known.size() < MAX_REMEMBERED_SPELLINGS) {
      known.putIfAbsent(ByteBuffer.wrap(json), registered);
    }
    return registered;
  }

  private static Codec codec(byte[] name) {
    String codec = name == null ? "null" : new String(name, StandardCharsets.UTF_8);
    return switch (codec) {
      case "null" -> Codec.NULL;
      case "deflate" -> Codec.DEFLATE;
      default -> throw refuse(UNSUPPORTED_CODEC, "accepted codecs are null and deflate");
    };
  }

  private static Transaction record(
      SpecificDatumReader<Transaction> reader, StrictUtf8Decoder decoder, int index) {
    try {
      return reader.read(null, decoder);
    } catch (StrictUtf8Decoder.MalformedStringException e) {
      // Refused, never repaired: Avro alone would store U+FFFD where the marketplace sent bytes.
      throw refuse(
          MALFORMED_RECORD, "record " + index + " holds a string that is not well-formed UTF-8");
    } catch (SystemLimitException e) {
      throw refuse(
          VALUE_TOO_LARGE, "record " + index + " holds a value over the configured limits");
    } catch (EOFException e) {
      throw refuse(MALFORMED_RECORD, "record " + index + " ends before its block does");
    } catch (IOException | RuntimeException e) {
      // Hostile bytes can surface as any runtime exception inside the decoder (bad union index, bad
      // enum
      // ordinal, negative length...): all of them are the client's, none may become a 500.
      throw refuse(
          MALFORMED_RECORD, "record " + index + " cannot be decoded with its writer schema");
    }
  }

  private static boolean isEnd(BinaryDecoder decoder) {
    try {
      return decoder.isEnd();
    } catch (IOException e) {
      return false;
    }
  }

  private static GatewayException refuse(org.parcelgate.error.ProblemCode code, String detail) {
    return new GatewayException(code, detail);
  }

  /**
   * The codecs accepted: raw bytes, and raw deflate (RFC 1951, as Avro writes it) inflated under a
   * budget, followed by nothing or by the part of the zlib checksum some writers leave ({@link
   * #checkZlibChecksumTail}).
   */
  private enum Codec {
    NULL {
      @Override
      byte[] decompress(byte[] block, long budget) {
        if (block.length > budget) {
          throw refuse(DECOMPRESSED_TOO_LARGE, "the batch is larger than the configured limit");
        }
        return block;
      }
    },
    DEFLATE {
      @Override
      byte[] decompress(byte[] block, long budget) {
        Inflater inflater = new Inflater(true);
        try {
          inflater.setInput(block);
          ByteArrayOutputStream out =
              new ByteArrayOutputStream(Math.min(block.length * 4, 1 << 20));
          byte[] chunk = new byte[64 * 1024];
          while (!inflater.finished()) {
            int n = inflater.inflate(chunk);
            if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
              throw refuse(INVALID_CONTAINER, "a deflate block is truncated");
            }
            if (out.size() + (long) n > budget) {
              throw refuse(
                  DECOMPRESSED_TOO_LARGE,
                  "the batch decompresses to more than the configured limit");
            }
            out.write(chunk, 0, n);
          }
          byte[] inflated = out.toByteArray();
          int trailing = inflater.getRemaining();
          if (trailing > 0) {
            checkZlibChecksumTail(block, block.length - trailing, inflated);
          }
          return inflated;
        } catch (DataFormatException e) {
          throw refuse(INVALID_CONTAINER, "a deflate block is corrupt");
        } finally {
          inflater.end();
        }
      }
    };

    abstract byte[] decompress(byte[] block, long budget);

    /**
     * The only bytes accepted after a raw deflate stream: what writers that make a block with
     * zlib's {@code compress} and cut off its 2-byte header leave of the 4-byte zlib trailer, the
     * big-endian Adler-32 of the uncompressed data. The Python writers (fastavro, Apache Avro's
     * own) write {@code zlib.compress(data)[2:-1]}, so 3 of its bytes; a writer that keeps the
     * whole trailer leaves 4. Java's Avro reader ignores them; here they must be exactly those
     * bytes of the checksum of the block's inflated data, so that a block cannot carry anything
     * else after its end, and a block that inflates to other data than its writer compressed is
     * caught as corrupt.
     */
    private static void checkZlibChecksumTail(byte[] block, int from, byte[] inflated) {
      int trailing = block.length - from;
      if (trailing < 3 || trailing > 4) {
        throw refuse(INVALID_CONTAINER, "a deflate block has bytes after its end");
      }
      Adler32 adler = new Adler32();
      adler.update(inflated);
      long checksum = adler.getValue();
      for (int i = 0; i < trailing; i++) {
        if ((block[from + i] & 0xff) != ((checksum >>> (24 - 8 * i)) & 0xff)) {
          throw refuse(
              INVALID_CONTAINER, "a deflate block's trailing checksum does not match its data");
        }
      }
    }
  }

  /**
   * Reads the container's framing: fixed bytes and Avro zig-zag varints, with bounds checked before
   * allocation.
   */
  private static final class Cursor {
    private final byte[] bytes;
    private int position;

    Cursor(byte[] bytes) {
      this.bytes = bytes;
    }

    boolean atEnd() {
      return position == bytes.length;
    }

    int remaining() {
      return bytes.length - position;
    }

    byte[] fixed(int length, String what) {
      if (length > remaining()) {
        throw refuse(INVALID_CONTAINER, "the container is truncated in its " + what);
      }
      byte[] out = Arrays.copyOfRange(bytes, position, position + length);
      position += length;
      return out;
    }

    byte[] bytes(String what, int max) {
      long length = varLong(what);
      if (length < 0 || length > max || length > remaining()) {
        throw refuse(
            INVALID_CONTAINER, "the container header's " + what + " has an impossible length");
      }
      return fixed((int) length, what);
    }

    long varLong(String what) {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (atEnd()) {
          throw refuse(INVALID_CONTAINER, "the container is truncated in its " + what);
        }
        int b = bytes[position++] & 0xff;
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return (value >>> 1) ^ -(value & 1);
        }
      }
      throw refuse(INVALID_CONTAINER, "the container has an over-long number in its " + what);
    }
  }
}
