package org.parcelgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.app.Gateway;
import org.parcelgate.app.Main;
import org.parcelgate.config.ConfigLoader;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.Pem;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.MetricsScrape;
import org.parcelgate.testing.MutableClock;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;
import org.parcelgate.tls.PemFiles;

/**
 * What {@code /metrics} shows an operator: a description for every family, the build, how long the
 * certificates and CRLs have left, and requests and records per registered partner. The gateway
 * runs as {@link Main} runs it, with Vert.x's and the JVM's meters beside its own, on a clock that
 * stands still so expiry values are exact.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class GatewayMetricsTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final Identity ALPHA = PKI.identity("marketplace-alpha");

  private static MutableClock clock;
  private static Vertx gatewayVertx;
  private static Gateway gateway;

  @BeforeAll
  static void start() {
    clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    gatewayVertx = Main.instrumentedVertx(meters);
    gateway = startOn(gatewayVertx, TestGateway.environment(PKI), meters);
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.stop());
    Await.result(gatewayVertx.close());
  }

  private static Gateway startOn(
      Vertx vertx, Map<String, String> environment, PrometheusMeterRegistry meters) {
    return Await.result(
        ConfigLoader.load(vertx, Optional.empty(), environment)
            .compose(config -> Gateway.start(vertx, config, meters, clock)));
  }

  @Test
  void everyMetricFamilyHasHelpText(Vertx vertx) {
    // A request on each port first, so that Vert.x's request meters exist too.
    assertThat(whoami(vertx, ALPHA, gateway.partnerPort())).isEqualTo(200);
    MetricsScrape.of(vertx, gateway.opsPort());
    MetricsScrape scrape = MetricsScrape.of(vertx, gateway.opsPort());

    assertThat(scrape.families())
        .as("families of the gateway, Vert.x and the JVM")
        .contains(
            "parcelgate_requests_total",
            "vertx_http_server_requests_total",
            "jvm_memory_used_bytes");
    assertThat(scrape.families())
        .allSatisfy(family -> assertThat(scrape.described()).contains(family));
  }

  @Test
  void reportsTheBuildItRuns() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new GatewayMetrics(meters, clock, new BuildInfo("1.2.3", "0123abc", "17.0.9+9"));
    MetricsScrape scrape = MetricsScrape.of(meters.scrape());

    assertThat(scrape.samples("parcelgate_build_info"))
        .singleElement()
        .satisfies(
            sample -> {
              assertThat(sample.labels())
                  .containsEntry("version", "1.2.3")
                  .containsEntry("commit", "0123abc")
                  .containsEntry("java", "17.0.9+9");
              assertThat(sample.value()).isEqualTo(1.0);
            });
  }

  @Test
  void theBuildRecordsItsVersionCommitAndJava(Vertx vertx) {
    MetricsScrape scrape = MetricsScrape.of(vertx, gateway.opsPort());

    assertThat(scrape.samples("parcelgate_build_info"))
        .singleElement()
        .satisfies(
            sample -> {
              assertThat(sample.labels().get("version")).matches("\\d+\\.\\d+\\.\\d+.*");
              // The tests run from a git checkout.
              assertThat(sample.labels().get("commit")).matches("[0-9a-f]{40}");
              assertThat(sample.labels()).containsEntry("java", Runtime.version().toString());
            });
  }

  @Test
  void certificateAndCrlExpiryCountFromTheGatewaysClock(Vertx vertx) throws Exception {
    X509Certificate server = PemFiles.certificates(PKI.serverCertificate()).get(0);
    X509CRL crl = PemFiles.crl(Files.readAllBytes(PKI.crl()));
    X509Certificate alpha = PemFiles.certificates(ALPHA.certificate()).get(0);
    assertThat(whoami(vertx, ALPHA, gateway.partnerPort())).isEqualTo(200);

    MetricsScrape scrape = MetricsScrape.of(vertx, gateway.opsPort());

    assertThat(scrape.value("parcelgate_tls_server_certificate_expiry_seconds", Map.of()))
        .hasValue(secondsFromClock(server.getNotAfter().toInstant()));
    assertThat(
            scrape.value(
                "parcelgate_tls_crl_next_update_seconds",
                Map.of("issuer", crl.getIssuerX500Principal().getName())))
        .hasValue(secondsFromClock(crl.getNextUpdate().toInstant()));
    assertThat(
            scrape.value(
                "parcelgate_tls_partner_certificate_expiry_seconds",
                Map.of("partner", "marketplace-alpha")))
        .hasValue(secondsFromClock(alpha.getNotAfter().toInstant()));
    assertThat(
            scrape.value(
                "parcelgate_tls_partner_certificate_expiry_seconds",
                Map.of("partner", "marketplace-beta")))
        .as("no series for a partner that has not connected")
        .isEmpty();
  }

  @Test
  void countsRequestsAndRecordsPerRegisteredPartner(Vertx vertx) {
    MetricsScrape before = MetricsScrape.of(vertx, gateway.opsPort());
    assertThat(whoami(vertx, ALPHA, gateway.partnerPort())).isEqualTo(200);
    try (PartnerClient client = PartnerClient.of(vertx, PKI, ALPHA, gateway.partnerPort())) {
      assertThat(Await.result(client.get(PartnerApiRouter.WHOAMI_PATH, "not-a-token")).statusCode())
          .isEqualTo(401);
    }
    assertThat(whoami(vertx, PKI.identity("unregistered"), gateway.partnerPort())).isEqualTo(401);
    Partners.pushAccepted(
        vertx,
        PKI,
        "marketplace-alpha",
        gateway.partnerPort(),
        SampleTransactions.batch(3, clock.instant().minus(1, ChronoUnit.HOURS)));

    MetricsScrape after = MetricsScrape.of(vertx, gateway.opsPort());

    assertThat(
            increase(
                before,
                after,
                "parcelgate_partner_requests_total",
                "marketplace-alpha",
                "accepted"))
        .isEqualTo(2.0);
    assertThat(
            increase(
                before,
                after,
                "parcelgate_partner_requests_total",
                "marketplace-alpha",
                "rejected"))
        .isEqualTo(1.0);
    assertThat(
            increase(
                before, after, "parcelgate_partner_requests_total", "unregistered", "rejected"))
        .isEqualTo(1.0);
    assertThat(
            increase(
                before, after, "parcelgate_partner_records_total", "marketplace-alpha", "accepted"))
        .isEqualTo(3.0);
    assertThat(
            increase(
                before, after, "parcelgate_partner_requests_total", "marketplace-beta", "accepted"))
        .isEqualTo(0.0);
    // Exactly the registry's partners and "unregistered": nothing a client sent becomes a tag.
    List<String> registered = new ArrayList<>();
    new JsonObject(read(PKI.registry()))
        .getJsonArray("partners")
        .forEach(partner -> registered.add(((JsonObject) partner).getString("id")));
    registered.add(GatewayMetrics.UNREGISTERED);
    assertThat(
            after.samples("parcelgate_partner_requests_total").stream()
                .map(sample -> sample.labels().get("partner"))
                .distinct())
        .containsExactlyInAnyOrderElementsOf(registered);
  }

  @Test
  void expiryAndPartnerMetersFollowRegistryAndCrlReloads(Vertx vertx) throws Exception {
    Path directory = TestPki.temporaryDirectory("metrics-reload");
    Path registry = directory.resolve("partners.json");
    Path crlFile = directory.resolve("crl.pem");
    Files.copy(PKI.registry(), registry);
    Files.copy(PKI.crl(), crlFile);
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_REGISTRY_FILE", registry.toString());
    env.put("PARCELGATE_REGISTRY_RELOAD_INTERVAL", "200ms");
    env.put("PARCELGATE_TLS_CRLS", crlFile.toString());
    env.put("PARCELGATE_TLS_RELOAD_INTERVAL", "200ms");
    Gateway reloading = startOn(vertx, env, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    try {
      assertThat(whoami(vertx, PKI.identity("marketplace-beta"), reloading.partnerPort()))
          .isEqualTo(200);
      assertThat(partnerSeries(vertx, reloading, "marketplace-beta")).isNotEmpty();

      // A new CRL, valid for 3 more days, and a registry without marketplace-beta.
      X509CRL old = PemFiles.crl(Files.readAllBytes(crlFile));
      List<BigInteger> revoked = new ArrayList<>();
      if (old.getRevokedCertificates() != null) {
        for (X509CRLEntry entry : old.getRevokedCertificates()) {
          revoked.add(entry.getSerialNumber());
        }
      }
      Instant nextUpdate = clock.instant().plus(Duration.ofDays(3));
      X509CRL fresh = PKI.rootCa().issueCrl(revoked, clock.instant(), nextUpdate);
      Files.writeString(crlFile, Pem.encode(fresh));
      JsonObject content = new JsonObject(read(registry));
      JsonArray kept = new JsonArray();
      content.getJsonArray("partners").stream()
          .map(JsonObject.class::cast)
          .filter(partner -> !partner.getString("id").equals("marketplace-beta"))
          .forEach(kept::add);
      Files.writeString(registry, content.put("partners", kept).encodePrettily());

      String issuer = fresh.getIssuerX500Principal().getName();
      Await.until(
          () ->
              MetricsScrape.of(vertx, reloading.opsPort())
                      .value("parcelgate_tls_crl_next_update_seconds", Map.of("issuer", issuer))
                      .orElse(0)
                  == secondsFromClock(nextUpdate),
          "the CRL gauge shows the reloaded CRL's nextUpdate");
      Await.until(
          () -> partnerSeries(vertx, reloading, "marketplace-beta").isEmpty(),
          "marketplace-beta's series are gone with it from the registry");
      assertThat(partnerSeries(vertx, reloading, "marketplace-alpha")).isNotEmpty();
    } finally {
      Await.result(reloading.stop());
    }
  }

  private static List<MetricsScrape.Sample> partnerSeries(
      Vertx vertx, Gateway gateway, String partner) {
    MetricsScrape scrape = MetricsScrape.of(vertx, gateway.opsPort());
    List<MetricsScrape.Sample> series = new ArrayList<>();
    for (String name :
        List.of(
            "parcelgate_partner_requests_total",
            "parcelgate_partner_records_total",
            "parcelgate_tls_partner_certificate_expiry_seconds")) {
      scrape.samples(name).stream()
          .filter(sample -> partner.equals(sample.labels().get("partner")))
          .forEach(series::add);
    }
    return series;
  }

  private static double increase(
      MetricsScrape before, MetricsScrape after, String name, String partner, String outcome) {
    Map<String, String> labels = Map.of("partner", partner, "outcome", outcome);
    return after.value(name, labels).orElseThrow() - before.value(name, labels).orElseThrow();
  }

  private static double secondsFromClock(Instant instant) {
    return Duration.between(clock.instant(), instant).toMillis() / 1000.0;
  }

  private static int whoami(Vertx vertx, Identity identity, int port) {
    // An identity without signing keys (not registered) is refused before its token is read.
    String token =
        identity.signingKeys().isEmpty()
            ? "none"
            : RequestTokens.of(
                    identity,
                    identity.signingKeys().get(0).getAlgorithm().getName(),
                    TestGateway.GATEWAY_ID,
                    clock.instant())
                .sign();
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, port)) {
      return Await.result(client.get(PartnerApiRouter.WHOAMI_PATH, token)).statusCode();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
