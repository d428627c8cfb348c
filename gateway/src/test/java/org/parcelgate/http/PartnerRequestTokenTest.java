package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.http.PartnerTransportTest.assertProblem;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The signed request token end to end, over mutual TLS: each class of refusal reaches the client as
 * a problem document with its stable code, and nothing of the token is echoed. The rule-by-rule
 * table is in RequestTokenVerifierTest.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class PartnerRequestTokenTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final int BODY_LIMIT = 4096;
  private static TestGateway.Running gateway;
  private static PartnerClient alphaClient;
  private static Identity alpha;

  @BeforeAll
  static void start(Vertx vertx) {
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_PARTNER_API_BODY_LIMIT_BYTES", Integer.toString(BODY_LIMIT));
    gateway = Await.result(TestGateway.start(vertx, env, java.time.Clock.systemUTC()));
    alpha = PKI.identity("marketplace-alpha");
    alphaClient = PartnerClient.of(vertx, PKI, alpha, gateway.partnerPort());
  }

  @AfterAll
  static void stop() {
    alphaClient.close();
    Await.result(gateway.gateway().stop());
  }

  private static RequestTokens token() {
    return RequestTokens.of(alpha, "ES256", TestGateway.GATEWAY_ID, Instant.now());
  }

  private static HttpResponse<Buffer> whoami(String token) {
    return Await.result(alphaClient.get(PartnerApiRouter.WHOAMI_PATH, token));
  }

  @Test
  void refusesRequestWithoutToken() {
    HttpResponse<Buffer> response = whoami(null);
    assertProblem(response, 401, "missing_token");
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
  }

  @Test
  void refusesOtherAuthorizationScheme() {
    HttpResponse<Buffer> response =
        Await.result(
            alphaClient
                .request(HttpMethod.GET, PartnerApiRouter.WHOAMI_PATH)
                .putHeader("Authorization", "Basic " + token().sign())
                .send());
    assertProblem(response, 401, "invalid_token");
  }

  @Test
  void refusesTokenOfAnotherPartnerOnThisCertificate() {
    Identity beta = PKI.identity("marketplace-beta");
    String betaToken =
        RequestTokens.of(beta, "PS256", TestGateway.GATEWAY_ID, Instant.now()).sign();
    // beta's kid is not registered for alpha, the partner of this connection's certificate.
    assertProblem(whoami(betaToken), 401, "unknown_key");
  }

  @Test
  void refusesTokenBoundToAnotherCertificate() {
    String token =
        token()
            .claim("cnf", Map.of("x5t#S256", PKI.identity("marketplace-beta").thumbprint()))
            .sign();
    assertProblem(whoami(token), 401, "certificate_binding_mismatch");
  }

  @Test
  void refusesWrongAudienceAndIssuer() {
    assertProblem(whoami(token().claim("aud", "elsewhere").sign()), 401, "audience_mismatch");
    assertProblem(whoami(token().claim("iss", "customs-nl").sign()), 401, "issuer_mismatch");
  }

  @Test
  void refusesReplayedTokenAndDoesNotEchoIt() {
    String token = token().sign();
    assertThat(whoami(token).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> replay = whoami(token);
    assertProblem(replay, 401, "token_replayed");
    assertThat(replay.bodyAsString()).doesNotContain(token).doesNotContain(token.split("\\.")[2]);
  }

  @Test
  void checksBodyDigestBeforeAnyRoute() {
    byte[] body = "{\"records\":[]}".getBytes(StandardCharsets.UTF_8);
    byte[] other = "{\"records\":[1]}".getBytes(StandardCharsets.UTF_8);

    assertProblem(
        Await.result(
            alphaClient.post(PartnerApiRouter.WHOAMI_PATH, token().body(other).sign(), body)),
        401,
        "digest_mismatch");
    assertProblem(
        Await.result(alphaClient.post(PartnerApiRouter.WHOAMI_PATH, token().sign(), body)),
        401,
        "invalid_token");
    // Authentic, then refused by routing: whoami is GET only.
    assertProblem(
        Await.result(
            alphaClient.post(PartnerApiRouter.WHOAMI_PATH, token().body(body).sign(), body)),
        405,
        "method_not_allowed");
  }

  @Test
  void refusesBodyOverTheLimitBeforeAuthentication() {
    byte[] body = new byte[BODY_LIMIT + 1];
    assertProblem(
        Await.result(
            alphaClient.post(PartnerApiRouter.WHOAMI_PATH, token().body(body).sign(), body)),
        413,
        "body_too_large");
  }

  @Test
  void answersUndecodablePathAndOversizedHeadersWithProblems() {
    assertProblem(Await.result(alphaClient.get("/v1/%zz", token().sign())), 400, "invalid_request");
    HttpResponse<Buffer> tooLarge =
        Await.result(
            alphaClient
                .request(HttpMethod.GET, PartnerApiRouter.WHOAMI_PATH)
                .putHeader("X-Filler", "x".repeat(20_000))
                .send());
    assertThat(tooLarge.statusCode()).isEqualTo(431);
    assertThat(tooLarge.bodyAsJsonObject().getString("code")).isEqualTo("headers_too_large");
  }

  @Test
  void answersUnknownPathsOnlyAfterAuthentication() {
    assertProblem(Await.result(alphaClient.get("/v1/nothing-here", null)), 401, "missing_token");
    assertProblem(
        Await.result(alphaClient.get("/v1/nothing-here", token().sign())), 404, "not_found");
  }

  @Test
  void countsAcceptedAndRejectedRequestsByReason() {
    double replayedBefore = counter("rejected", "token_replayed");
    double acceptedBefore = counter("accepted", "none");
    String token = token().sign();
    whoami(token);
    whoami(token);
    Await.until(
        () ->
            counter("accepted", "none") == acceptedBefore + 1
                && counter("rejected", "token_replayed") == replayedBefore + 1,
        "one accepted and one replayed request are counted");
  }

  private static double counter(String outcome, String reason) {
    var counter =
        gateway
            .meters()
            .find("parcelgate.requests")
            .tag("outcome", outcome)
            .tag("reason", reason)
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
