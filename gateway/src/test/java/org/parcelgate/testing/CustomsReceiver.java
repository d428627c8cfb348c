package org.parcelgate.testing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.HashMap;
import java.util.Map;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.Pem;
import org.parcelgate.pki.SamplePki;

/**
 * A stand-in for a customs administration's push endpoint: WireMock over HTTPS with the sample
 * server certificate, requiring a client certificate from the sample CA, as a real receiver would.
 * Its key and trust stores are written from the generated PKI when it starts.
 */
public final class CustomsReceiver {
  private static final char[] PASSWORD = "wiremock-test".toCharArray();

  private CustomsReceiver() {}

  /** Starts a receiver on a free port; stop it with {@link WireMockServer#stop()}. */
  public static WireMockServer start(SamplePki pki) {
    try {
      KeyStore server = KeyStore.getInstance("PKCS12");
      server.load(null, null);
      server.setKeyEntry(
          "server",
          Pem.readPrivateKey(pki.serverKey()),
          PASSWORD,
          new Certificate[] {Pem.readCertificate(pki.serverCertificate())});
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("root", Pem.readCertificate(pki.trustAnchor()));
      Path keystore = store(server, "customs-endpoint");
      Path truststore = store(trust, "customs-trust");
      WireMockServer receiver =
          new WireMockServer(
              WireMockConfiguration.options()
                  .httpDisabled(true)
                  .dynamicHttpsPort()
                  .keystorePath(keystore.toString())
                  .keystoreType("PKCS12")
                  .keystorePassword(new String(PASSWORD))
                  .keyManagerPassword(new String(PASSWORD))
                  .needClientAuth(true)
                  .trustStorePath(truststore.toString())
                  .trustStoreType("PKCS12")
                  .trustStorePassword(new String(PASSWORD)));
      receiver.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the receiver's key stores", e);
    }
  }

  /**
   * The test environment of a gateway that pushes the feeds of {@code recipient} to {@code url},
   * presenting the sample {@code gateway-client} certificate, polling and retrying quickly.
   */
  public static Map<String, String> pushEnvironment(SamplePki pki, String recipient, String url) {
    Identity client = pki.identity("gateway-client");
    Map<String, String> env = new HashMap<>(TestGateway.environment(pki));
    env.put("PARCELGATE_DELIVERY_PUSH_ENDPOINTS", recipient + "=" + url);
    env.put("PARCELGATE_DELIVERY_PUSH_CLIENT_CERTIFICATE", client.certificate().toString());
    env.put("PARCELGATE_DELIVERY_PUSH_CLIENT_PRIVATE_KEY", client.privateKey().toString());
    env.put("PARCELGATE_DELIVERY_PUSH_TRUST_ANCHORS", pki.trustAnchor().toString());
    env.put("PARCELGATE_DELIVERY_PUSH_POLL_INTERVAL", "50ms");
    env.put("PARCELGATE_DELIVERY_PUSH_RETRY_INITIAL_DELAY", "50ms");
    env.put("PARCELGATE_DELIVERY_PUSH_RETRY_MAX_DELAY", "200ms");
    return env;
  }

  private static Path store(KeyStore keyStore, String prefix)
      throws IOException, GeneralSecurityException {
    Path file = Files.createTempFile(prefix, ".p12");
    file.toFile().deleteOnExit();
    try (OutputStream out = Files.newOutputStream(file)) {
      keyStore.store(out, PASSWORD);
    }
    return file;
  }
}
