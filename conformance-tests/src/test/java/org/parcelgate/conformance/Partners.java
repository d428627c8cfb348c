package org.parcelgate.conformance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
    this.client =
        HttpClient.newBuilder()
            .sslContext(sslContext(target, identity))
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  private static SSLContext sslContext(Target target, Identity identity) {
    try {
      char[] password = "conformance".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "client",
          Pem.readPrivateKey(identity.privateKey()),
          password,
          new Certificate[] {identity.x509()});
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      X509Certificate anchor = Pem.readCertificate(target.trustAnchor);
      anchors.setCertificateEntry("anchor", anchor);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the TLS context of " + identity.name(), e);
    }
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
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postBatch(byte[] body, String token)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri("/v1/batches"))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", BATCH_MEDIA_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Any request: a method, a path, a token or none, extra headers, a body or none. */
  HttpResponse<String> send(
      String method, String path, String token, java.util.Map<String, String> headers, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A signed GET whose body is kept as bytes (signed pages are verified over their exact bytes).
   */
  HttpResponse<byte[]> getBytes(String path, String token, String accept)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Accept", accept)
            .GET()
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A GET from a client that presents no certificate at all. */
  static HttpResponse<String> getWithoutCertificate(Target target, String path)
      throws IOException, InterruptedException {
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("anchor", Pem.readCertificate(target.trustAnchor));
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      HttpClient anonymous =
          HttpClient.newBuilder()
              .sslContext(context)
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      return anonymous.send(
          HttpRequest.newBuilder(target.base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context without a certificate", e);
    }
  }

  private URI uri(String path) {
    return target.base.resolve(path);
  }
}
