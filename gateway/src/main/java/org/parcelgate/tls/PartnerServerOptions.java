package org.parcelgate.tls;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The partner port's server options: TLS 1.3 and 1.2 only, forward-secret AEAD suites only, a
 * client certificate required and judged by the {@link PartnerTrustManager}, handshake work
 * delegated to worker threads, and no renegotiation started by a client.
 *
 * <p>The port uses the JDK's SSL engine ({@link JdkSSLEngineOptions}). Refusing a TLS 1.2 client's
 * renegotiation (a handshake per request for the client's few bytes, and a new certificate in the
 * middle of a connection) is a JVM-wide switch of that engine, {@value #REJECT_RENEGOTIATION}, read
 * once, when the first server handshake of the JVM loads the engine's server classes. This class
 * sets it when it loads, which is before the partner port can exist; {@code Main} loads it first
 * thing, and the test JVM sets it on its command line too (gateway/pom.xml). TLS 1.3 has no
 * renegotiation.
 */
public final class PartnerServerOptions {
  /** The JDK system property that makes its server engine refuse client-initiated renegotiation. */
  public static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

  static {
    rejectClientInitiatedRenegotiation();
  }

  /** TLS 1.3 suites are all AEAD with ephemeral key exchange. */
  public static final List<String> TLS13_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /**
   * TLS 1.2: ECDHE key exchange with AEAD ciphers only; no RSA key transport, no CBC, no static DH.
   */
  public static final List<String> TLS12_SUITES =
      List.of(
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  public static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

  private PartnerServerOptions() {}

  /**
   * Puts the refusal of client-initiated TLS renegotiation in force for this JVM. Idempotent; it
   * only works before the JVM's first server handshake, so call it before anything serves TLS.
   */
  public static void rejectClientInitiatedRenegotiation() {
    System.setProperty(REJECT_RENEGOTIATION, "true");
  }

  public static HttpServerOptions create(
      String host,
      int port,
      Path certificate,
      Path privateKey,
      PartnerTrustManager trustManager,
      Set<String> protocols,
      Duration idleTimeout,
      Duration handshakeTimeout) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(host)
            .setPort(port)
            .setSsl(true)
            .setUseAlpn(false)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertPath(certificate.toString())
                    .setKeyPath(privateKey.toString()))
            .setTrustOptions(TrustOptions.wrap(trustManager))
            .setClientAuth(ClientAuth.REQUIRED)
            .setEnabledSecureTransportProtocols(protocols)
            .setSslEngineOptions(new JdkSSLEngineOptions().setUseWorkerThread(true))
            .setSslHandshakeTimeout(handshakeTimeout.toMillis())
            .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
            .setIdleTimeout((int) idleTimeout.toSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            // Room for an 8 KiB token plus ordinary headers; anything larger is refused with 431.
            .setMaxHeaderSize(16 * 1024)
            .setCompressionSupported(false)
            .setDecompressionSupported(false);
    TLS13_SUITES.forEach(options::addEnabledCipherSuite);
    TLS12_SUITES.forEach(options::addEnabledCipherSuite);
    return options;
  }
}
