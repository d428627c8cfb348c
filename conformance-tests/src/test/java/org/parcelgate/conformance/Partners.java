package org.parcelgate.conformance;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.net.ssl.SSLContext;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.Pem;
import org.parcelgate.pki.RequestTokens;

/** A partner as the protocol sees it: its certificate on the connection, its keys on the tokens. */
final class Partners {
  static final String BATCH_MEDIA_TYPE = "application/vnd.parcelgate.batch+avro";

  private final Target target;
  private final Identity identity;
  private final HttpClient client;

  Partners(Target target, Identity identity) {
    this.target = target;
    this.identity = identity;
    this.client = Tls.client(target, identity.x509(), Pem.readPrivateKey(identity.privateKey()));
  }

  Identity identity() {
    return identity;
  }

  RequestTokens token(String alg) {
    return RequestTokens.of(identity, alg, target.audience, Instant.now());
  }

  RequestTokens token() {
    return token(identity.signingKeys().get(0).getAlgorithm().getName());
  }

  HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    return send("GET", path, token, Map.of(), null);
  }

  HttpResponse<String> postBatch(byte[] body, String token)
      throws IOException, InterruptedException {
    return postBatch(HttpRequest.BodyPublishers.ofByteArray(body), token);
  }

  HttpResponse<String> postBatch(HttpRequest.BodyPublisher body, String token)
      throws IOException, InterruptedException {
    return send(
        request("/v1/batches")
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", BATCH_MEDIA_TYPE)
            .POST(body));
  }

  /** Any request: a method, a path, a token or none, extra headers, a body or none. */
  HttpResponse<String> send(
      String method, String path, String token, Map<String, String> headers, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        request(path)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    return send(request);
  }

  /** A request to the target, for the checks that shape their own headers. */
  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(target.base.resolve(path)).timeout(Duration.ofSeconds(60));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A request written byte for byte ({@link RawHttp}) on a connection of its own with this
   * partner's certificate: the header lines as given, then exactly {@code wire}.
   */
  HttpResponse<String> raw(String method, String path, List<String> headers, byte[] wire)
      throws IOException {
    SSLContext context =
        Tls.context(target, identity.x509(), Pem.readPrivateKey(identity.privateKey()));
    return RawHttp.send(target, context, method, path, headers, wire);
  }

  /**
   * A signed GET whose body is kept as bytes (signed pages are verified over their exact bytes).
   */
  HttpResponse<byte[]> getBytes(String path, String token, String accept)
      throws IOException, InterruptedException {
    HttpRequest request =
        request(path)
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Accept", accept)
            .GET()
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /**
   * {@code length} zero bytes with that Content-Length, streamed from one small buffer: a body the
   * size of any configured limit costs no memory.
   */
  static HttpRequest.BodyPublisher zeros(long length) {
    byte[] chunk = new byte[64 * 1024];
    Iterable<byte[]> chunks =
        () ->
            new Iterator<>() {
              private long left = length;

              @Override
              public boolean hasNext() {
                return left > 0;
              }

              @Override
              public byte[] next() {
                if (left <= 0) {
                  throw new NoSuchElementException();
                }
                int n = (int) Math.min(left, chunk.length);
                left -= n;
                return n == chunk.length ? chunk : Arrays.copyOf(chunk, n);
              }
            };
    return HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofByteArrays(chunks), length);
  }
}
