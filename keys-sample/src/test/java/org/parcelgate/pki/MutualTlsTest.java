package org.parcelgate.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK's own TLS engine accepts the sample as it is: the server certificate for {@code
 * localhost} and partner client certificates, EC and RSA. The JDK checks certificates against the
 * real time, so this sample is generated with the system clock.
 */
@Timeout(30)
class MutualTlsTest {
  private static final char[] PASSWORD = "sample".toCharArray();

  @TempDir static Path directory;
  private static SamplePki pki;

  @BeforeAll
  static void generate() {
    pki = SamplePki.generate(directory, Clock.systemUTC());
  }

  @Test
  void ecAndRsaPartnersCompleteMutualTlsWithTheGatewayOnLocalhost() throws Exception {
    for (String partner : new String[] {"marketplace-alpha", "marketplace-beta"}) {
      Identity identity = pki.identity(partner);
      assertThat(handshake(identity)).as(partner).isEqualTo(identity.x509());
    }
  }

  @Test
  void untrustedClientIsRefusedByTheServer() {
    assertThatThrownBy(() -> handshake(pki.identity("untrusted")))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SSLHandshakeException.class)
        .hasStackTraceContaining("PKIX path");
  }

  /** Runs one handshake on loopback and returns the client certificate the server saw. */
  private static X509Certificate handshake(Identity client) throws Exception {
    SSLContext server = context(Pem.readCertificate(pki.serverCertificate()), pki.serverKey());
    SSLContext clientContext = context(client.x509(), client.privateKey());
    try (SSLServerSocket listener =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      listener.setSoTimeout(10_000);
      CompletableFuture<X509Certificate> seen =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                  accepted.setSoTimeout(10_000);
                  accepted.startHandshake();
                  return (X509Certificate) accepted.getSession().getPeerCertificates()[0];
                } catch (IOException e) {
                  throw new CompletionException(e);
                }
              });
      try (Socket raw = new Socket()) {
        raw.connect(
            new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), 10_000);
        raw.setSoTimeout(10_000);
        try (SSLSocket socket =
            (SSLSocket)
                clientContext
                    .getSocketFactory()
                    .createSocket(raw, "localhost", listener.getLocalPort(), true)) {
          SSLParameters parameters = socket.getSSLParameters();
          parameters.setEndpointIdentificationAlgorithm("HTTPS");
          socket.setSSLParameters(parameters);
          socket.startHandshake();
        }
      } catch (IOException e) {
        // the server's outcome below tells why
      }
      return seen.get(10, TimeUnit.SECONDS);
    }
  }

  private static SSLContext context(X509Certificate certificate, Path privateKey)
      throws GeneralSecurityException, IOException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "key", Pem.readPrivateKey(privateKey), PASSWORD, new Certificate[] {certificate});
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("SunX509");
    keyManagers.init(keys, PASSWORD);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("root", Pem.readCertificate(pki.trustAnchor()));
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    KeyManager[] presentAlways = {
      new AlwaysPresent((X509ExtendedKeyManager) keyManagers.getKeyManagers()[0])
    };
    context.init(presentAlways, trustManagers.getTrustManagers(), null);
    return context;
  }

  /**
   * Presents its one certificate whatever issuers the peer asks for. The JDK's own key manager
   * would withhold a certificate of an issuer the server does not list, and the server would then
   * see no certificate at all.
   */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager delegate;

    AlwaysPresent(X509ExtendedKeyManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return "key";
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return delegate.getClientAliases(keyType, null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }
  }
}
