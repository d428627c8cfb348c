package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.metrics.GatewayMetrics;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The ops port and the gateway's life: health, readiness, metrics, and a graceful stop that lets
 * requests finish.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class LifecycleTest {
  private static final SamplePki PKI = TestPki.shared();
  private final Identity alpha = PKI.identity("marketplace-alpha");

  private static WebClient ops(Vertx vertx, TestGateway.Running gateway) {
    return WebClient.create(
        vertx,
        new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(gateway.opsPort()));
  }

  @Test
  void servesHealthReadinessAndPrometheusMetrics(Vertx vertx) {
    TestGateway.Running gateway = Await.result(TestGateway.start(vertx, PKI));
    WebClient ops = ops(vertx, gateway);
    try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, gateway.partnerPort())) {
      Await.result(client.get(PartnerApiRouter.WHOAMI_PATH, null));

      assertThat(Await.result(ops.get("/health/live").send()).statusCode()).isEqualTo(200);
      HttpResponse<Buffer> ready = Await.result(ops.get("/health/ready").send());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.bodyAsJsonObject().getInteger("partners")).isEqualTo(PKI.partners().size());
      JsonObject policy =
          ready.bodyAsJsonObject().getJsonObject("policies").getJsonObject("customs-nl");
      assertThat(policy.getString("policy")).isEqualTo("customs-default");
      assertThat(policy.getString("sha256")).hasSize(43);
      assertThat(policy.getInteger("keyVersion")).isEqualTo(1);
      assertThat(policy.getString("destinations")).isEqualTo("*");
      assertThat(policy.getString("delivery")).isEqualTo("pull");
      Await.until(
          () ->
              Await.result(ops.get("/metrics").send())
                  .bodyAsString()
                  .contains("reason=\"missing_token\""),
          "the refusal shows in the metrics");
      String metrics = Await.result(ops.get("/metrics").send()).bodyAsString();
      assertThat(metrics)
          .contains("parcelgate_requests_total{outcome=\"rejected\",reason=\"missing_token\"}")
          .contains("parcelgate_request_duration_seconds_bucket")
          .contains("parcelgate_tls_rejected_total");
    } finally {
      ops.close();
      Await.result(gateway.gateway().stop());
    }
  }

  @Test
  void stopLetsInFlightRequestFinishAndRefusesNewConnections(Vertx vertx) {
    TestGateway.Running gateway = Await.result(TestGateway.start(vertx, PKI));
    WebClient ops = ops(vertx, gateway);
    NetClient net =
        vertx.createNetClient(
            new NetClientOptions()
                .setSsl(true)
                .setHostnameVerificationAlgorithm("HTTPS")
                .setTrustOptions(new PemTrustOptions().addCertPath(PKI.trustAnchor().toString()))
                .setKeyCertOptions(
                    new PemKeyCertOptions()
                        .setCertPath(alpha.certificate().toString())
                        .setKeyPath(alpha.privateKey().toString())));
    try {
      byte[] body = "0123456789".getBytes(StandardCharsets.UTF_8);
      String token =
          RequestTokens.of(alpha, "ES256", TestGateway.GATEWAY_ID, Instant.now()).body(body).sign();
      NetSocket socket = Await.result(net.connect(gateway.partnerPort(), "localhost"));
      Buffer received = Buffer.buffer();
      Promise<Void> closed = Promise.promise();
      socket.handler(received::appendBuffer);
      socket.closeHandler(v -> closed.tryComplete());

      // Headers and half of the body: the request is in flight.
      Await.result(
          socket.write(
              "GET "
                  + PartnerApiRouter.WHOAMI_PATH
                  + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + token
                  + "\r\nContent-Length: 10\r\n\r\n01234"));
      // In flight and past admission: its body is being read (the gauge of requests in flight
      // moves in the first handler, before the drain check).
      Await.until(
          () -> inFlight(gateway) == 1 && bodyMemoryInUse(gateway) == body.length,
          "the request is in flight, its body being read");

      Future<Void> stopping = gateway.gateway().stop();
      HttpResponse<Buffer> readiness = Await.result(ops.get("/health/ready").send());
      assertThat(readiness.statusCode()).isEqualTo(503);
      assertThat(readiness.bodyAsJsonObject().getString("status")).isEqualTo("draining");
      assertThat(Await.failure(net.connect(gateway.partnerPort(), "localhost"))).isNotNull();

      Await.result(socket.write("56789"));
      Await.result(closed.future());
      Await.result(stopping);

      String response = received.toString(StandardCharsets.UTF_8);
      assertThat(response)
          .startsWith("HTTP/1.1 200")
          .contains("\"partnerId\":\"marketplace-alpha\"");
    } finally {
      net.close();
      ops.close();
    }
  }

  private static double inFlight(TestGateway.Running gateway) {
    return gateway.meters().get(GatewayMetrics.REQUESTS_IN_FLIGHT).gauge().value();
  }

  private static double bodyMemoryInUse(TestGateway.Running gateway) {
    return gateway.meters().get(GatewayMetrics.BODY_MEMORY_IN_USE).gauge().value();
  }
}
