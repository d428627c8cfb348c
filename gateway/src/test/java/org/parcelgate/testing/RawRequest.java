package org.parcelgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SamplePki;

/**
 * One HTTP/1.1 request written byte for byte over mutual TLS (TLS 1.3, JDK engine), for what a
 * well-behaved client library never sends: a Content-Length larger than the body, a body cut off by
 * a half-closed connection. Blocking: call it on the test thread, never on an event loop.
 */
public final class RawRequest {
  /** How long a read may wait for the gateway before the test fails (a bound, not a measure). */
  private static final int READ_BOUND_MILLIS = 30_000;

  private RawRequest() {}

  /** What came back: an HTTP answer, or nothing before the connection closed. */
  public record Answer(int status, Map<String, String> headers, byte[] body) {
    public Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * Sends {@code head} (request line and headers, each ending in CRLF, without the empty line) and
   * {@code body}; with a non-null {@code beforeHalfClose}, runs it once the bytes are written (to
   * wait until the gateway holds the request) and then half-closes the connection (TLS
   * close_notify, then the TCP write side). Reads one answer.
   *
   * @return the answer, or empty if the gateway closed the connection without one
   */
  public static Optional<Answer> send(
      SamplePki pki,
      Identity identity,
      int port,
      String head,
      byte[] body,
      Runnable beforeHalfClose) {
    try (SSLSocket socket = TlsSockets.open(pki, identity, port, "TLSv1.3")) {
      return exchange(socket, head, body, beforeHalfClose);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * As {@link #send(SamplePki, Identity, int, String, byte[], Runnable)} in plain HTTP (ops port).
   */
  public static Optional<Answer> sendPlain(
      int port, String head, byte[] body, Runnable beforeHalfClose) {
    try (Socket socket = new Socket("localhost", port)) {
      return exchange(socket, head, body, beforeHalfClose);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Answer> exchange(
      Socket socket, String head, byte[] body, Runnable beforeHalfClose) throws IOException {
    socket.setSoTimeout(READ_BOUND_MILLIS);
    OutputStream out = socket.getOutputStream();
    out.write((head + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
    if (beforeHalfClose != null) {
      beforeHalfClose.run();
      socket.shutdownOutput();
    }
    try {
      return read(socket.getInputStream());
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the gateway neither answered nor closed the connection", e);
    }
  }

  private static Optional<Answer> read(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try {
      for (int n; (n = in.read(chunk)) >= 0; ) {
        received.write(chunk, 0, n);
        Optional<Answer> answer = parse(received.toByteArray());
        if (answer.isPresent()) {
          return answer;
        }
      }
    } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
      // The gateway closed the connection without a TLS close_notify: no (further) answer.
    }
    return parse(received.toByteArray());
  }

  /** One complete answer with a Content-Length body, if the bytes hold one. */
  private static Optional<Answer> parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return Optional.empty();
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    int start = end + 4;
    if (bytes.length < start + length) {
      return Optional.empty();
    }
    byte[] body = java.util.Arrays.copyOfRange(bytes, start, start + length);
    return Optional.of(new Answer(status, headers, body));
  }
}
