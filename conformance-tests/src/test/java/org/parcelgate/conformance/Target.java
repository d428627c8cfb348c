package org.parcelgate.conformance;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.parcelgate.app.Gateway;
import org.parcelgate.config.ConfigLoader;
import org.parcelgate.pki.SamplePki;

/**
 * The gateway under test: a deployment named by {@code parcelgate.url}, {@code parcelgate.pki} and
 * {@code parcelgate.audience}, or, without them, the packaged gateway started in-process on a
 * freshly generated PKI and an empty store.
 */
final class Target {
  private static Target current;

  final URI base;
  final SamplePki pki;
  final String audience;

  private Target(URI base, SamplePki pki, String audience) {
    this.base = base;
    this.pki = pki;
    this.audience = audience;
  }

  static synchronized Target get() {
    if (current == null) {
      String url = System.getProperty("parcelgate.url");
      current = url == null || url.isBlank() ? inProcess() : remote(url);
    }
    return current;
  }

  private static Target remote(String url) {
    String pki = System.getProperty("parcelgate.pki");
    if (pki == null) {
      throw new IllegalStateException(
          "parcelgate.pki must name the PKI directory of the partners to use");
    }
    return new Target(
        URI.create(url),
        SamplePki.open(Path.of(pki)),
        System.getProperty("parcelgate.audience", "parcelgate-local"));
  }

  private static Target inProcess() {
    try {
      Path root = Files.createTempDirectory("parcelgate-conformance");
      SamplePki pki = SamplePki.generate(root.resolve("pki"), Clock.systemUTC());
      Map<String, String> env = new HashMap<>();
      env.put("PARCELGATE_GATEWAY_ID", "parcelgate-conformance");
      env.put("PARCELGATE_PARTNER_API_PORT", "0");
      env.put("PARCELGATE_OPS_PORT", "0");
      env.put("PARCELGATE_TLS_CERTIFICATE", pki.serverCertificate().toString());
      env.put("PARCELGATE_TLS_PRIVATE_KEY", pki.serverKey().toString());
      env.put("PARCELGATE_TLS_TRUST_ANCHORS", pki.trustAnchor().toString());
      env.put("PARCELGATE_TLS_CRLS", pki.crl().toString());
      env.put("PARCELGATE_REGISTRY_FILE", pki.registry().toString());
      env.put("PARCELGATE_SIGNING_KEY_FILE", pki.gatewaySigningKey().toString());
      env.put("PARCELGATE_PRIVACY_PSEUDONYM_KEY_FILE", pki.pseudonymKeys().toString());
      env.put("PARCELGATE_STORE_DATA_DIRECTORY", root.resolve("data").toString());
      Vertx vertx = Vertx.vertx();
      Gateway gateway =
          ConfigLoader.load(vertx, Optional.empty(), env)
              .compose(
                  config ->
                      Gateway.start(
                          vertx,
                          config,
                          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                          Clock.systemUTC()))
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> gateway.stop().eventually(vertx::close)));
      return new Target(
          URI.create("https://localhost:" + gateway.partnerPort()), pki, "parcelgate-conformance");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the in-process gateway", e);
    }
  }
}
