package org.parcelgate.conformance;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 request written byte for byte over mutual TLS, for the framings the JDK's HTTP
 * client never sends: a POST with neither {@code Content-Length} nor {@code Transfer-Encoding}, a
 * transfer coding other than {@code chunked}. The answer comes back as an {@link HttpResponse}, so
 * it is judged like every other (status, problem document, headers). Blocking, one connection per
 * request.
 */
final class RawHttp {
  /** How long a read may wait for the gateway before the check fails (a bound, not a measure). */
  private static final int READ_BOUND_MILLIS = 30_000;

  private RawHttp() {}

  /**
   * Writes the request line, {@code Host}, the header lines as given (without line ends), an empty
   * line and exactly {@code wire}, then reads one answer by its own framing.
   *
   * @throws IOException also when the connection closes without an answer
   */
  static HttpResponse<String> send(
      Target target,
      SSLContext context,
      String method,
      String path,
      List<String> headers,
      byte[] wire)
      throws IOException {
    URI uri = target.base.resolve(path);
    int port = uri.getPort() < 0 ? 443 : uri.getPort();
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket(uri.getHost(), port)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(READ_BOUND_MILLIS);
      socket.startHandshake();
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(uri.getRawPath());
      if (uri.getRawQuery() != null) {
        head.append('?').append(uri.getRawQuery());
      }
      head.append(" HTTP/1.1\r\nHost: ").append(uri.getHost()).append(':').append(port);
      head.append("\r\n");
      for (String header : headers) {
        head.append(header).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(wire);
      out.flush();
      HttpRequest request =
          HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build();
      return read(new BufferedInputStream(socket.getInputStream()), request, socket.getSession());
    }
  }

  /** {@code body} in chunks of at most 1000 bytes, then the last chunk (RFC 9112 section 7.1). */
  static byte[] chunked(byte[] body) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (int at = 0; at < body.length; at += 1000) {
      int size = Math.min(1000, body.length - at);
      wire.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      wire.write(body, at, size);
      wire.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    wire.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return wire.toByteArray();
  }

  private static HttpResponse<String> read(InputStream in, HttpRequest request, SSLSession session)
      throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("the connection closed without an answer");
    }
    int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers
          .computeIfAbsent(line.substring(0, colon).trim(), name -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    byte[] body;
    List<String> coding = headers.getOrDefault("Transfer-Encoding", List.of());
    List<String> length = headers.getOrDefault("Content-Length", List.of());
    if (coding.stream().anyMatch(value -> value.equalsIgnoreCase("chunked"))) {
      body = dechunked(in);
    } else if (!length.isEmpty()) {
      int expected = Integer.parseInt(length.get(0));
      body = in.readNBytes(expected);
      if (body.length < expected) {
        throw new EOFException("the answer's body ended early");
      }
    } else {
      body = in.readAllBytes();
    }
    return new Answer(
        status,
        HttpHeaders.of(headers, (name, value) -> true),
        new String(body, StandardCharsets.UTF_8),
        request,
        session);
  }

  private static byte[] dechunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      if (size == null) {
        throw new EOFException("the answer's chunks ended early");
      }
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      if (n == 0) {
        for (String trailer = line(in); trailer != null && !trailer.isEmpty(); ) {
          trailer = line(in);
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes(n);
      if (chunk.length < n) {
        throw new EOFException("the answer's chunk ended early");
      }
      body.writeBytes(chunk);
      line(in);
    }
  }

  /** A line without its CRLF, or null at the end of the stream before any byte of it. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new EOFException("the answer ended inside a line");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /** An answer read off the socket, in the JDK client's shape. */
  private record Answer(
      int statusCode, HttpHeaders headers, String body, HttpRequest request, SSLSession session)
      implements HttpResponse<String> {
    @Override
    public Optional<HttpResponse<String>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.of(session);
    }

    @Override
    public URI uri() {
      return request.uri();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
