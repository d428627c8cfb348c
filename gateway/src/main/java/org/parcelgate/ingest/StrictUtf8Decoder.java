package org.parcelgate.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary decoder with strict strings: every string it reads (record fields at any depth,
 * array items, union branches, map keys and values) must be well-formed UTF-8 ({@link StrictUtf8}),
 * or reading fails with {@link MalformedStringException}. Avro's own decoder turns such bytes into
 * U+FFFD without a word. Everything else is delegated unchanged, so Avro's length limits still
 * apply before any string is allocated.
 *
 * <p>Datum readers hand this decoder to their {@code ResolvingDecoder}, which reads every string
 * through it. The one path that would bypass it, a writer's {@code bytes} promoted to a reader's
 * {@code string}, does not occur between the registered writer schemas and the reader schema
 * (strings are strings in every version; {@code StrictUtf8DecoderTest} would show a change).
 */
public final class StrictUtf8Decoder extends Decoder {
  private static final char REPLACEMENT_CHARACTER = '\uFFFD';

  private final BinaryDecoder in;
  private Utf8 scratch = new Utf8();

  public StrictUtf8Decoder(BinaryDecoder in) {
    this.in = in;
  }

  /** A string value that is not well-formed UTF-8. */
  public static final class MalformedStringException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedStringException() {
      super("a string is not well-formed UTF-8");
    }
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    Utf8 value = in.readString(old);
    requireWellFormed(value);
    return value;
  }

  /**
   * The reader's path for {@code String} fields (the generated classes). Avro makes the {@code
   * String} with the JDK's lenient decoding anyway, and that decoding puts U+FFFD in place of every
   * malformed sequence: a result without U+FFFD came from well-formed bytes, and the search costs
   * nothing for Latin-1 text and a vectorized scan otherwise. Only a result that holds U+FFFD (the
   * marketplace may have sent one, as EF BF BD) needs the byte-level check.
   */
  @Override
  public String readString() throws IOException {
    scratch = in.readString(scratch);
    String value = scratch.toString();
    if (value.indexOf(REPLACEMENT_CHARACTER) >= 0) {
      requireWellFormed(scratch);
    }
    return value;
  }

  private static void requireWellFormed(Utf8 value) throws MalformedStringException {
    if (!StrictUtf8.isValid(value.getBytes(), 0, value.getByteLength())) {
      throw new MalformedStringException();
    }
  }

  @Override
  public void skipString() throws IOException {
    in.skipString();
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    return in.readBytes(old);
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipBytes();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return in.readArrayStart();
  }

  @Override
  public long arrayNext() throws IOException {
    return in.arrayNext();
  }

  @Override
  public long skipArray() throws IOException {
    return in.skipArray();
  }

  @Override
  public long readMapStart() throws IOException {
    return in.readMapStart();
  }

  @Override
  public long mapNext() throws IOException {
    return in.mapNext();
  }

  @Override
  public long skipMap() throws IOException {
    return in.skipMap();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }
}
