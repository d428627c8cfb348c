package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.GatewayProcess;
import org.parcelgate.testing.TestPki;

/**
 * A gateway that starts, serves and stops normally logs no warning: an operator's alerting on WARN
 * lines must not fire on a healthy instance. Runs {@link Main} in a process of its own, with the
 * Vert.x metrics it enables (the in-process test gateway has none).
 *
 * <p>Not covered: a connection that reaches the ops port in the instant it is bound can make Vert.x
 * Micrometer's request metrics fail with a NullPointerException ({@code socketMetric} is null) and
 * Netty log a WARN; seen once while polling readiness during start-up. That is a race inside Vert.x
 * (5.0.7), not a gateway behaviour, so the test waits for the ready line instead of polling.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class QuietLogTest {
  private static final SamplePki PKI = TestPki.shared();

  @Test
  void aHealthyGatewayLogsNoWarningWhileConnectionsComeAndGo(Vertx vertx) throws Exception {
    Path data = TestPki.temporaryDirectory("quiet-log");
    Path log = data.resolve("gateway.log");
    int opsPort = GatewayProcess.freePort();
    GatewayProcess gateway =
        GatewayProcess.launch(PKI, data, log, GatewayProcess.freePort(), opsPort, Map.of());
    try {
      // Ready as the log says, not by polling the ops port: a connection that arrives in the
      // instant the port is bound meets a Vert.x metrics race (see the class comment), which this
      // test is not about.
      Await.until(
          () -> {
            if (!gateway.process().isAlive()) {
              throw new AssertionError("the gateway process exited");
            }
            return logged(log).contains(" ready: partner API");
          },
          "the gateway logs that it is ready",
          Duration.ofSeconds(90));
      // Each request on a connection of its own: Vert.x registers its connection gauges again for
      // every new connection, which Micrometer warned about.
      for (int i = 0; i < 3; i++) {
        WebClient client =
            WebClient.create(
                vertx,
                new WebClientOptions(new HttpClientOptions().setKeepAlive(false))
                    .setDefaultHost("127.0.0.1")
                    .setDefaultPort(opsPort));
        try {
          assertThat(Await.result(client.get("/health/live").send()).statusCode()).isEqualTo(200);
          assertThat(Await.result(client.get("/metrics").send()).statusCode()).isEqualTo(200);
        } finally {
          client.close();
        }
      }
    } finally {
      gateway.close();
    }

    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(lines).anyMatch(line -> line.contains(" stopped"));
    assertThat(lines).noneMatch(line -> line.contains(" WARN ") || line.contains(" ERROR "));
  }

  private static String logged(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (java.io.IOException notYet) {
      return "";
    }
  }
}
