package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.parcelgate.metrics.GatewayMetrics;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.RawRequest;
import org.parcelgate.testing.RawRequest.Answer;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;
import org.parcelgate.testing.TestPrivacy;

/**
 * Absent, empty, malformed and cut-off bodies on every endpoint of both ports, written byte for
 * byte over real mutual TLS (and plain HTTP on the ops port) to an in-process gateway: each gets
 * its documented answer, never a 500, and nothing is stored. The partner endpoints are taken from
 * the router itself, so an endpoint added later is covered without editing this test.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class DegenerateBodiesTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final String NO_SUCH_BATCH = "00000000-0000-4000-8000-000000000000";
  private static TestGateway.Running gateway;
  private static Vertx vertx;

  /** Bodies a client library would not send, but a hand-written client or a proxy may. */
  enum Body {
    /** No Content-Length, no Transfer-Encoding: zero bytes. */
    ABSENT,
    /** {@code Content-Length: 0}. */
    EMPTY,
    /** {@code Transfer-Encoding: chunked} with the last chunk at once. */
    EMPTY_CHUNKED,
    /** Bytes that are neither an Avro container nor JSON (bound by the token like any body). */
    MALFORMED;

    byte[] bytes() {
      return this == MALFORMED
          ? "{not a container\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1)
          : new byte[0];
    }

    String framing() {
      return switch (this) {
        case ABSENT -> "";
        case EMPTY -> "Content-Length: 0\r\n";
        case EMPTY_CHUNKED -> "Transfer-Encoding: chunked\r\n";
        case MALFORMED -> "Content-Length: " + bytes().length + "\r\n";
      };
    }

    byte[] wire() {
      return this == EMPTY_CHUNKED ? "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII) : bytes();
    }
  }

  @BeforeAll
  static void start(Vertx shared) {
    vertx = shared;
    gateway = Await.result(TestGateway.start(vertx, PKI));
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Body.class)
  void refusesADegenerateBatchBodyAsAnInvalidContainerAndStoresNothing(Body body) {
    Answer answer =
        partner("marketplace-alpha", "POST", BatchEndpoints.BATCHES_PATH, body).orElseThrow();

    assertProblem(answer, 400, "invalid_container");
    assertNothingStored();
  }

  @Test
  void answersEveryOtherPartnerEndpointWithADegenerateBodyAsWithoutOne() {
    List<String> checked = new ArrayList<>();
    for (String endpoint : gateway.gateway().partnerEndpoints()) {
      String[] parts = endpoint.split(" ", 2);
      if (parts[1].equals(BatchEndpoints.BATCHES_PATH)) {
        continue; // the one endpoint that takes a body: above
      }
      String path = concrete(parts[1]);
      String partner = partnerFor(path);
      Answer reference = partner(partner, parts[0], path, Body.ABSENT).orElseThrow();
      assertThat(reference.status()).as(endpoint).isLessThan(500);

      for (Body body : List.of(Body.EMPTY, Body.EMPTY_CHUNKED, Body.MALFORMED)) {
        Answer answer = partner(partner, parts[0], path, body).orElseThrow();
        assertThat(answer.status()).as(endpoint + " " + body).isEqualTo(reference.status());
        assertThat(code(answer)).as(endpoint + " " + body).isEqualTo(code(reference));
      }
      checked.add(endpoint);
    }
    assertThat(checked).contains("GET " + PartnerApiRouter.WHOAMI_PATH, "GET /v1/batches/:id");
    assertNothingStored();
  }

  @Test
  void closesTheConnectionOfABodyCutShortOnEveryPartnerEndpointAsAnInvalidRequest() {
    for (String endpoint : gateway.gateway().partnerEndpoints()) {
      String[] parts = endpoint.split(" ", 2);
      String path = concrete(parts[1]);
      double refusedBefore = counted("invalid_request");
      double failedBefore = counted("internal_error");

      Optional<Answer> answer = truncated(partnerFor(path), parts[0], path);

      // The body never ended: there is no request to answer, and the gateway closes the connection.
      assertThat(answer).as(endpoint).isEmpty();
      Await.until(() -> counted("invalid_request") == refusedBefore + 1, endpoint + " counted");
      assertThat(counted("internal_error")).as(endpoint).isEqualTo(failedBefore);
    }
    assertNothingStored();
  }

  @Test
  void closesTheConnectionOfABodyWithMalformedChunksAsAnInvalidRequest() {
    for (String path : List.of(BatchEndpoints.BATCHES_PATH, PartnerApiRouter.WHOAMI_PATH)) {
      Identity identity = PKI.identity("marketplace-alpha");
      double refusedBefore = counted("invalid_request");
      double failedBefore = counted("internal_error");

      Optional<Answer> answer =
          RawRequest.send(
              PKI,
              identity,
              gateway.partnerPort(),
              head(identity, "POST", path, new byte[3]) + "Transfer-Encoding: chunked\r\n",
              "zz\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), // not a hex size
              null);

      assertThat(answer).as(path).isEmpty();
      Await.until(() -> counted("invalid_request") == refusedBefore + 1, path + " counted");
      assertThat(counted("internal_error")).as(path).isEqualTo(failedBefore);
    }
    assertNothingStored();
  }

  @Test
  void refusesATransferCodingOtherThanChunkedAndCloses() {
    for (String coding : List.of("gzip", "gzip, chunked", "identity")) {
      Identity identity = PKI.identity("marketplace-alpha");
      byte[] bytes = "abc".getBytes(StandardCharsets.US_ASCII);
      Answer partner =
          RawRequest.send(
                  PKI,
                  identity,
                  gateway.partnerPort(),
                  head(identity, "POST", BatchEndpoints.BATCHES_PATH, bytes)
                      + "Transfer-Encoding: "
                      + coding
                      + "\r\n",
                  bytes,
                  null)
              .orElseThrow();
      Answer ops =
          ops("POST", redrivePath(), "Transfer-Encoding: " + coding + "\r\n", bytes).orElseThrow();

      assertProblem(partner, 400, "invalid_request");
      assertThat(partner.header("Connection")).as(coding).hasValue("close");
      assertThat(ops.status()).as(coding).isEqualTo(400);
      assertThat(ops.header("Connection")).as(coding).hasValue("close");
    }
    assertNothingStored();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Body.class,
      names = {"ABSENT", "EMPTY", "EMPTY_CHUNKED"})
  void takesAnAbsentOrEmptyRedriveBodyAsNoSelection(Body body) {
    // The test gateway pushes to no recipient: past the body, the command refuses the recipient.
    Answer answer = ops("POST", redrivePath(), body.framing(), body.wire()).orElseThrow();

    assertThat(answer.status()).isEqualTo(422);
    assertThat(new JsonObject(answer.bodyText()).getString("status")).isEqualTo("refused");
  }

  @Test
  void refusesAMalformedRedriveBodyWithBadRequest() {
    for (String json : List.of("{not json", "[1,2]", "null", "42", "\"text\"")) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      Answer answer =
          ops("POST", redrivePath(), "Content-Length: " + bytes.length + "\r\n", bytes)
              .orElseThrow();

      assertThat(answer.status()).as(json).isEqualTo(400);
      assertThat(new JsonObject(answer.bodyText()).getString("reason"))
          .isEqualTo("the body is a JSON object");
    }
  }

  @Test
  void refusesARedriveBodyOverTheLimitInTheOpsForm() {
    byte[] bytes = new byte[(1 << 20) + 1];
    Answer answer =
        ops("POST", redrivePath(), "Content-Length: " + bytes.length + "\r\n", bytes).orElseThrow();

    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.header("Content-Type")).hasValue("application/json");
    assertThat(new JsonObject(answer.bodyText()).getString("status")).isEqualTo("refused");
  }

  @Test
  void closesTheConnectionOfARedriveBodyCutShortAndKeepsServing() {
    Optional<Answer> answer =
        RawRequest.sendPlain(
            gateway.opsPort(),
            "POST "
                + redrivePath()
                + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                + TestGateway.ADMIN_AUTHORIZATION
                + "\r\nContent-Length: 100\r\n",
            "{\"feed\":".getBytes(StandardCharsets.US_ASCII),
            () -> {});

    assertThat(answer).isEmpty();
    Answer live = ops("GET", "/health/live", "", new byte[0]).orElseThrow();
    assertThat(live.status()).isEqualTo(200);
  }

  @Test
  void ignoresTheBodyOfAReloadCommandWhichTakesNone() {
    for (Body body : Body.values()) {
      Answer answer =
          ops("POST", "/admin/registry/reload", body.framing(), body.wire()).orElseThrow();

      assertThat(answer.status()).as(body.name()).isEqualTo(200);
    }
  }

  // --- helpers
  // ---------------------------------------------------------------------------------------------

  /** A request with a body of the given shape and a valid token binding it. */
  private static Optional<Answer> partner(String partner, String method, String path, Body body) {
    Identity identity = PKI.identity(partner);
    return RawRequest.send(
        PKI,
        identity,
        gateway.partnerPort(),
        head(identity, method, path, body.bytes()) + body.framing(),
        body.wire(),
        null);
  }

  /**
   * Ten bytes of a declared hundred; once the gateway holds the request (it is in flight), the
   * client half-closes.
   */
  private static Optional<Answer> truncated(String partner, String method, String path) {
    Identity identity = PKI.identity(partner);
    byte[] declared = new byte[100];
    return RawRequest.send(
        PKI,
        identity,
        gateway.partnerPort(),
        head(identity, method, path, declared) + "Content-Length: 100\r\n",
        new byte[10],
        () -> Await.until(() -> inFlight() == 1, "the request is in flight"));
  }

  private static String head(Identity identity, String method, String path, byte[] body) {
    String alg = identity.signingKeys().get(0).getAlgorithm().getName();
    String token =
        RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now()).body(body).sign();
    return method
        + " "
        + path
        + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
        + token
        + "\r\nContent-Type: "
        + BatchEndpoints.MEDIA_TYPE
        + "\r\n"
        + PrivacyEndpoints.PAGE_HEADER
        + ": 1\r\n";
  }

  private static Optional<Answer> ops(String method, String path, String framing, byte[] wire) {
    return RawRequest.sendPlain(
        gateway.opsPort(),
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
            + TestGateway.ADMIN_AUTHORIZATION
            + "\r\n"
            + framing,
        wire,
        null);
  }

  private static String redrivePath() {
    return "/admin/delivery/" + TestPrivacy.RECIPIENT + "/dead-letters/redrive";
  }

  private static String concrete(String path) {
    return path.replace(":id", NO_SUCH_BATCH);
  }

  private static String partnerFor(String path) {
    if (path.startsWith("/v1/customs")) {
      return "customs-nl";
    }
    if (path.startsWith("/v1/privacy") || path.startsWith("/privacy")) {
      return "privacy-officer";
    }
    return "marketplace-alpha";
  }

  private static String code(Answer answer) {
    return answer.header("Content-Type").orElse("").equals("application/problem+json")
        ? new JsonObject(answer.bodyText()).getString("code")
        : null;
  }

  private static void assertProblem(Answer answer, int status, String code) {
    assertThat(answer.status()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).hasValue("application/problem+json");
    JsonObject problem = new JsonObject(answer.bodyText());
    assertThat(problem.getString("code")).isEqualTo(code);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("requestId")).isEqualTo(answer.header("X-Request-Id").orElse(""));
    assertThat(problem.getString("detail")).doesNotContain("not a container");
  }

  /** No batch was stored, and the recipient's feed is empty. */
  private static void assertNothingStored() {
    // The counters exist from the start, at zero.
    assertThat(gateway.meters().find(GatewayMetrics.BATCHES).counters())
        .isNotEmpty()
        .allSatisfy(counter -> assertThat(counter.count()).isZero());
    HttpResponse<Buffer> feed =
        Partners.get(
            vertx,
            PKI,
            TestPrivacy.RECIPIENT,
            gateway.partnerPort(),
            "/v1/customs/price-records",
            null);
    assertThat(feed.statusCode()).isEqualTo(200);
    assertThat(feed.bodyAsJsonObject().getJsonArray("records")).isEmpty();
  }

  private static double inFlight() {
    return gateway.meters().get(GatewayMetrics.REQUESTS_IN_FLIGHT).gauge().value();
  }

  private static double counted(String reason) {
    var counter =
        gateway
            .meters()
            .find(GatewayMetrics.REQUESTS)
            .tag("outcome", GatewayMetrics.OUTCOME_REJECTED)
            .tag("reason", reason)
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
