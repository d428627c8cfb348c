package org.parcelgate.conformance;

import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.parcelgate.pki.Pem;

/**
 * The suite's TLS clients: HTTP/1.1 over the JDK's engine, trusting only the target's server trust
 * anchor, presenting one client certificate or none.
 */
final class Tls {
  private Tls() {}

  /** A client that presents this certificate, whichever CAs the server says it accepts. */
  static HttpClient client(Target target, X509Certificate certificate, PrivateKey key) {
    return client(target, new KeyManager[] {new Presenting(certificate, key)}, null);
  }

  /** A client that presents no certificate at all. */
  static HttpClient anonymous(Target target) {
    return client(target, (KeyManager[]) null, null);
  }

  /** A client that presents this certificate and offers only these protocols and suites. */
  static HttpClient client(
      Target target, X509Certificate certificate, PrivateKey key, SSLParameters offer) {
    return client(target, new KeyManager[] {new Presenting(certificate, key)}, offer);
  }

  static HttpResponse<String> get(HttpClient client, Target target, String path)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(target.base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A TLS context that presents this certificate and trusts only the target's anchor, for the raw
   * requests of {@link RawHttp}.
   */
  static SSLContext context(Target target, X509Certificate certificate, PrivateKey key) {
    return context(target, new KeyManager[] {new Presenting(certificate, key)});
  }

  private static HttpClient client(Target target, KeyManager[] keys, SSLParameters offer) {
    HttpClient.Builder client =
        HttpClient.newBuilder()
            .sslContext(context(target, keys))
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1);
    if (offer != null) {
      client.sslParameters(offer);
    }
    return client.build();
  }

  private static SSLContext context(Target target, KeyManager[] keys) {
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("anchor", Pem.readCertificate(target.trustAnchor));
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS client", e);
    }
  }

  /**
   * Always presents its certificate. The JDK's own key managers pick a certificate whose issuer is
   * among the CAs the server lists, and send none otherwise: a certificate of an untrusted CA would
   * never reach the gateway, and its refusal would be the refusal of a handshake without one.
   */
  private static final class Presenting extends X509ExtendedKeyManager {
    private static final String ALIAS = "client";
    private final X509Certificate[] chain;
    private final PrivateKey key;

    Presenting(X509Certificate certificate, PrivateKey key) {
      this.chain = new X509Certificate[] {certificate};
      this.key = key;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine e) {
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
      return chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return key;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
