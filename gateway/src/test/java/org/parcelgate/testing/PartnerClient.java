package org.parcelgate.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.parcelgate.http.BatchEndpoints;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.Pem;
import org.parcelgate.pki.SamplePki;

/**
 * A mutual-TLS HTTP client presenting one identity's certificate, trusting the sample root for the
 * server.
 */
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
      Vertx vertx,
      SamplePki pki,
      Identity identity,
      int port,
      UnaryOperator<WebClientOptions> adjust) {
    WebClientOptions options =
        new WebClientOptions()
            .setDefaultHost("localhost")
            .setDefaultPort(port)
            .setSsl(true)
            .setVerifyHost(true)
            .setTrustOptions(new PemTrustOptions().addCertPath(pki.trustAnchor().toString()));
    if (identity != null) {
      options.setKeyCertOptions(KeyCertOptions.wrap(new AlwaysPresentKeyManager(identity)));
    }
    return new PartnerClient(WebClient.create(vertx, adjust.apply(options)));
  }

  public Future<HttpResponse<Buffer>> get(String path, String token) {
    return authorized(client.get(path), token).send();
  }

  public Future<HttpResponse<Buffer>> post(String path, String token, byte[] body) {
    return authorized(client.post(path), token).sendBuffer(Buffer.buffer(body));
  }

  /** {@code POST /v1/batches} with the batch media type. */
  public Future<HttpResponse<Buffer>> postBatch(byte[] body, String token) {
    return authorized(client.post(BatchEndpoints.BATCHES_PATH), token)
        .putHeader("Content-Type", BatchEndpoints.MEDIA_TYPE)
        .sendBuffer(Buffer.buffer(body));
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

  /**
   * Presents the identity's certificate whatever issuers the server names, like a misconfigured or
   * hostile client would. The JDK's own key manager withholds a certificate of an issuer the server
   * did not list, which would turn the "untrusted CA" case into "no certificate".
   */
  private static final class AlwaysPresentKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "client";
    private final X509Certificate certificate;
    private final PrivateKey key;

    AlwaysPresentKeyManager(Identity identity) {
      this.certificate = Pem.readCertificate(identity.certificate());
      this.key = Pem.readPrivateKey(identity.privateKey());
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {certificate};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return key;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return new String[0];
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
