package org.parcelgate.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.function.UnaryOperator;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SamplePki;

/** A mutual-TLS HTTP client presenting one identity's certificate, trusting the sample root for the server. */
public final class PartnerClient implements AutoCloseable {
  private final WebClient client;

  private PartnerClient(WebClient client) {
    this.client = client;
  }

  public static PartnerClient of(Vertx vertx, SamplePki pki, Identity identity, int port) {
    return of(vertx, pki, identity, port, UnaryOperator.identity());
  }

  /** With a hook to adjust TLS options (protocols, suites) for transport tests. */
  public static PartnerClient of(
      Vertx vertx, SamplePki pki, Identity identity, int port, UnaryOperator<WebClientOptions> adjust) {
    WebClientOptions options =
        new WebClientOptions()
            .setDefaultHost("localhost")
            .setDefaultPort(port)
            .setSsl(true)
            .setVerifyHost(true)
            .setTrustOptions(new PemTrustOptions().addCertPath(pki.trustAnchor().toString()));
    if (identity != null) {
      options.setKeyCertOptions(
          new PemKeyCertOptions()
              .setCertPath(identity.certificate().toString())
              .setKeyPath(identity.privateKey().toString()));
    }
    return new PartnerClient(WebClient.create(vertx, adjust.apply(options)));
  }

  public Future<HttpResponse<Buffer>> get(String path, String token) {
    return authorized(client.get(path), token).send();
  }

  public Future<HttpResponse<Buffer>> post(String path, String token, byte[] body) {
    return authorized(client.post(path), token).sendBuffer(Buffer.buffer(body));
  }

  public HttpRequest<Buffer> request(io.vertx.core.http.HttpMethod method, String path) {
    return client.request(method, path);
  }

  private static HttpRequest<Buffer> authorized(HttpRequest<Buffer> request, String token) {
    return token == null ? request : request.putHeader("Authorization", "Bearer " + token);
  }

  @Override
  public void close() {
    client.close();
  }
}
