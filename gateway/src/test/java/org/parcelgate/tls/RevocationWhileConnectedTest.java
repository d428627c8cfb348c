package org.parcelgate.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.Pem;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * A certificate revoked while its connection stays open (keep-alive, or a resumed TLS session that
 * skips the trust manager) stops working at the next request, not at the next full handshake.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RevocationWhileConnectedTest {
  private static final SamplePki PKI = TestPki.shared();

  @Test
  void revocationTakesEffectOnAnOpenConnection(Vertx vertx) throws Exception {
    Path crl = TestPki.temporaryDirectory("crl").resolve("root.crl.pem");
    Files.copy(PKI.crl(), crl);
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_TLS_CRLS", crl.toString());
    env.put("PARCELGATE_TLS_RELOAD_INTERVAL", "1h");
    TestGateway.Running gateway = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
    Identity alpha = PKI.identity("marketplace-alpha");
    WebClient ops =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(gateway.opsPort()));
    try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, gateway.partnerPort())) {
      assertThat(whoami(client, alpha).statusCode()).isEqualTo(200);

      Instant now = Instant.now();
      Files.writeString(
          crl,
          Pem.encode(
              PKI.rootCa()
                  .issueCrl(
                      List.of(alpha.x509().getSerialNumber()),
                      now.minusSeconds(5),
                      now.plus(Duration.ofDays(1)))));
      assertThat(
              Await.result(
                      ops.post("/admin/crls/reload")
                          .putHeader("Authorization", TestGateway.ADMIN_AUTHORIZATION)
                          .send())
                  .statusCode())
          .isEqualTo(200);

      HttpResponse<Buffer> refused = whoami(client, alpha);
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.bodyAsJsonObject().getString("code"))
          .isEqualTo("client_certificate_rejected");
      // A new connection may resume the earlier TLS session, which skips the trust manager: the
      // per-request check refuses it all the same.
      HttpResponse<Buffer> resumed = whoami(client, alpha);
      assertThat(resumed.statusCode()).isEqualTo(401);
      assertThat(resumed.bodyAsJsonObject().getString("code"))
          .isEqualTo("client_certificate_rejected");
      // Closing the connection after the answer must not cut short the request's own end: both
      // refusals are counted and nothing stays in flight.
      Await.until(
          () ->
              gateway
                          .meters()
                          .get("parcelgate.requests")
                          .tag("reason", "client_certificate_rejected")
                          .counter()
                          .count()
                      == 2
                  && gateway.meters().get("parcelgate.requests.in_flight").gauge().value() == 0,
          "both refusals are counted and none stays in flight");
    } finally {
      ops.close();
      Await.result(gateway.gateway().stop());
    }
  }

  private static HttpResponse<Buffer> whoami(PartnerClient client, Identity identity) {
    String token =
        RequestTokens.of(identity, "ES256", TestGateway.GATEWAY_ID, Instant.now()).sign();
    return Await.result(client.get(PartnerApiRouter.WHOAMI_PATH, token));
  }
}
