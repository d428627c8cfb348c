package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.GatewayProcess;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The ops port's admin commands need an operator's token and leave an audit line; health and
 * metrics stay open. Against a gateway process, so that the audit lines are read from its real
 * output.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class OpsAdminAccessTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final String WRONG_TOKEN = TestGateway.randomToken();

  private static GatewayProcess gateway;
  private static Path log;
  private static WebClient ops;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    Path data = TestPki.temporaryDirectory("ops-admin");
    log = data.resolve("gateway.log");
    gateway =
        GatewayProcess.launch(
            PKI, data, log, GatewayProcess.freePort(), GatewayProcess.freePort(), Map.of());
    gateway.awaitReady(vertx);
    ops =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(gateway.opsPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    ops.close();
    gateway.close();
    assertThat(Files.readString(log, StandardCharsets.UTF_8))
        .as("no token in the log")
        .doesNotContain(TestGateway.OPERATOR_TOKEN)
        .doesNotContain(WRONG_TOKEN);
  }

  @Test
  void healthAndMetricsNeedNoToken() {
    assertThat(send(ops.get("/health/live")).statusCode()).isEqualTo(200);
    assertThat(send(ops.get("/health/ready")).statusCode()).isEqualTo(200);
    assertThat(send(ops.get("/metrics")).statusCode()).isEqualTo(200);
  }

  @Test
  void adminCommandWithoutTokenIsUnauthorized() {
    HttpResponse<Buffer> answer = send(ops.post("/admin/registry/reload"));

    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.bodyAsJsonObject().getString("status")).isEqualTo("unauthorized");
    assertThat(answer.getHeader("WWW-Authenticate")).startsWith("Bearer");
    awaitLogged("admin refused: POST /admin/registry/reload from 127.0.0.1: no operator token");
  }

  @Test
  void adminCommandWithWrongTokenIsUnauthorized() {
    for (String authorization :
        new String[] {"Bearer " + WRONG_TOKEN, "Basic " + TestGateway.OPERATOR_TOKEN, "Bearer"}) {
      HttpResponse<Buffer> answer =
          send(ops.get("/admin/delivery").putHeader("Authorization", authorization));

      assertThat(answer.statusCode()).as(authorization).isEqualTo(401);
      assertThat(answer.bodyAsJsonObject().getString("status")).isEqualTo("unauthorized");
    }
    awaitLogged("admin refused: GET /admin/delivery from 127.0.0.1: not an operator's token");
  }

  @Test
  void noSpellingOfAnAdminPathOrMethodGetsPastTheGateWithoutAToken() {
    record Attempt(HttpMethod method, String path) {}
    List<Attempt> attempts =
        List.of(
            new Attempt(HttpMethod.HEAD, "/admin/delivery"),
            new Attempt(HttpMethod.OPTIONS, "/admin/delivery"),
            new Attempt(HttpMethod.GET, "/admin/delivery/"),
            new Attempt(HttpMethod.GET, "/admin"),
            new Attempt(HttpMethod.GET, "/admin/"),
            new Attempt(HttpMethod.GET, "//admin/delivery"),
            new Attempt(HttpMethod.GET, "/health/../admin/delivery"),
            new Attempt(HttpMethod.GET, "/admin/./delivery"),
            new Attempt(HttpMethod.GET, "/admin/%64elivery"),
            new Attempt(HttpMethod.POST, "/admin/registry/reload/"),
            new Attempt(HttpMethod.POST, "/admin/delivery/customs-nl/dead-letters/redrive"));
    for (Attempt attempt : attempts) {
      HttpResponse<Buffer> answer = send(ops.request(attempt.method(), attempt.path()));
      assertThat(answer.statusCode())
          .as("%s %s: %s", attempt.method(), attempt.path(), answer.bodyAsString())
          .isIn(401, 404);
      if (answer.statusCode() == 404) {
        assertThat(attempt.path())
            .as("only a path outside /admin/ may be unknown")
            .doesNotStartWith("/admin");
      }
    }
  }

  @Test
  void acceptsTheBearerSchemeInAnyCase() {
    String token = TestGateway.ADMIN_AUTHORIZATION.substring("Bearer ".length());
    HttpResponse<Buffer> answer =
        send(ops.get("/admin/delivery").putHeader("Authorization", "bEARER " + token));
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
  }

  @Test
  void operatorTokenRunsTheCommandAndLeavesAnAuditLine() {
    HttpResponse<Buffer> answer =
        send(
            ops.post("/admin/crls/reload")
                .putHeader("Authorization", TestGateway.ADMIN_AUTHORIZATION));

    assertThat(answer.statusCode()).isEqualTo(200);
    String status = answer.bodyAsJsonObject().getString("status");
    awaitLogged(
        "admin operator="
            + TestGateway.OPERATOR
            + " operation=\"POST /admin/crls/reload\" answer=200 outcome="
            + status);
  }

  @Test
  void refusedCommandOfAnOperatorIsAuditedWithItsOutcome() {
    HttpResponse<Buffer> answer =
        send(
            ops.post("/admin/delivery/customs-nl/dead-letters/redrive")
                .putHeader("Authorization", TestGateway.ADMIN_AUTHORIZATION));

    assertThat(answer.statusCode()).isEqualTo(422);
    awaitLogged(
        "admin operator="
            + TestGateway.OPERATOR
            + " operation=\"POST /admin/delivery/customs-nl/dead-letters/redrive\" answer=422"
            + " outcome=refused");
  }

  @Test
  void adminIsDisabledWithoutATokenFile(Vertx vertx) {
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_OPS_ADMIN_TOKEN_FILE", "");
    TestGateway.Running disabled = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
    WebClient client =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(disabled.opsPort()));
    try {
      HttpResponse<Buffer> answer =
          send(
              client
                  .post("/admin/registry/reload")
                  .putHeader("Authorization", TestGateway.ADMIN_AUTHORIZATION));

      assertThat(answer.statusCode()).isEqualTo(403);
      assertThat(answer.bodyAsJsonObject().getString("status")).isEqualTo("admin_disabled");
      assertThat(answer.bodyAsJsonObject().getString("reason")).contains("ops.admin.token-file");
      assertThat(send(client.get("/health/ready")).statusCode()).isEqualTo(200);
    } finally {
      client.close();
      Await.result(disabled.gateway().stop());
    }
  }

  private static String logged() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (java.io.IOException notYet) {
      return "";
    }
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request) {
    return Await.result(request.send());
  }

  private static void awaitLogged(String line) {
    Await.until(() -> logged().contains(line), "the gateway logs: " + line, Duration.ofSeconds(20));
  }
}
