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
  Buffer body();

  /**
   * A buffer allocated at once for the announced length (the budget already holds it, so the heap
   * never sees a body grow by copying), or for a chunked body ({@code expectedBytes} {@code -1})
   * one that grows.
   */
  static BodySink allocate(long expectedBytes) {
    Buffer buffer =
        Buffer.buffer(expectedBytes < 0 ? CHUNKED_INITIAL_BYTES : Math.toIntExact(expectedBytes));
    return new BodySink() {
      @Override
      public void append(Buffer chunk) {
        buffer.appendBuffer(chunk);
      }

      @Override
      public Buffer body() {
        return buffer;
      }
    };
  }
}
