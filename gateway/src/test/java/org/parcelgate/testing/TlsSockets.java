package org.parcelgate.testing;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.Pem;
import org.parcelgate.pki.SamplePki;

/**
 * Raw mutual-TLS sockets to the partner port, for tests that need what an HTTP client hides:
 * requests sent a byte at a time, bodies left unfinished, a renegotiation, a reset.
 */
public final class TlsSockets {
  /** How long a read may block before the test fails: only a hang reaches it. */
  public static final int READ_BOUND_MILLIS = 30_000;

  private TlsSockets() {}

  /**
   * A socket to localhost:port that has completed its handshake with the identity's certificate.
   */
  public static SSLSocket open(SamplePki pki, Identity identity, int port, String protocol)
      throws IOException {
    SSLSocket socket =
        (SSLSocket) context(pki, identity).getSocketFactory().createSocket("localhost", port);
    socket.setEnabledProtocols(new String[] {protocol});
    socket.setSoTimeout(READ_BOUND_MILLIS);
    socket.startHandshake();
    return socket;
  }

  private static SSLContext context(SamplePki pki, Identity identity) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] password = "test".toCharArray();
      keys.setKeyEntry(
          "client",
          Pem.readPrivateKey(identity.privateKey()),
          password,
          new Certificate[] {Pem.readCertificate(identity.certificate())});
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("root", Pem.readCertificate(pki.trustAnchor()));
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the client's TLS context", e);
    }
  }

  /** The head of a request: request line and headers, without the blank line that ends them. */
  public static String head(String method, String path, Map<String, String> headers) {
    StringBuilder head =
        new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    return head.toString();
  }

  public static void write(SSLSocket socket, String ascii) throws IOException {
    write(socket, ascii.getBytes(StandardCharsets.US_ASCII));
  }

  public static void write(SSLSocket socket, byte[] bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  /** One HTTP/1.1 response with a Content-Length body, read from the socket. */
  public static Response read(SSLSocket socket) throws IOException {
    InputStream in = socket.getInputStream();
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("the connection closed before a response");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers, body);
  }

  /**
   * Whether the peer closed the connection: the next read ends the stream or fails, instead of
   * blocking until the read bound.
   */
  public static boolean closedByPeer(SSLSocket socket) {
    try {
      return socket.getInputStream().read() == -1;
    } catch (SSLException | SocketException closed) {
      return true;
    } catch (IOException timeout) {
      return false;
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.US_ASCII);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
  }

  /** A response as read from the socket; header names in lower case. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public JsonObject json() {
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }
  }
}
