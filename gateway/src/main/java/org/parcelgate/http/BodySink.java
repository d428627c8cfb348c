package org.parcelgate.http;

import io.vertx.core.buffer.Buffer;

/**
 * Where a request body's bytes go while they arrive. A seam: a test makes appending fail, as a full
 * heap does.
 */
interface BodySink {
  /** The first bytes of a chunked body's buffer; it grows as the body arrives. */
  int CHUNKED_INITIAL_BYTES = 64 * 1024;

  void append(Buffer chunk);

  /** The bytes received; the sink is not used afterwards. */
  byte[] body();

  /**
   * For an announced length ({@code expectedBytes} of zero or more), the array the body is kept in,
   * allocated at once (the budget already holds it, so the heap never sees a body grow by copying)
   * and handed on as it is: the only copy of the body the gateway keeps. For a chunked body ({@code
   * expectedBytes} {@code -1}), a buffer that grows, copied once into an array of the real size at
   * the end.
   */
  static BodySink allocate(long expectedBytes) {
    return expectedBytes < 0 ? growing() : fixed(Math.toIntExact(expectedBytes));
  }

  private static BodySink fixed(int length) {
    byte[] bytes = new byte[length];
    return new BodySink() {
      private int filled;

      @Override
      public void append(Buffer chunk) {
        if (chunk.length() > length - filled) {
          throw new IllegalStateException("more body bytes than the announced Content-Length");
        }
        chunk.getBytes(bytes, filled);
        filled += chunk.length();
      }

      @Override
      public byte[] body() {
        if (filled != length) {
          throw new IllegalStateException("fewer body bytes than the announced Content-Length");
        }
        return bytes;
      }
    };
  }

  private static BodySink growing() {
    Buffer buffer = Buffer.buffer(CHUNKED_INITIAL_BYTES);
    return new BodySink() {
      @Override
      public void append(Buffer chunk) {
        buffer.appendBuffer(chunk);
      }

      @Override
      public byte[] body() {
        return buffer.getBytes();
      }
    };
  }
}
