package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;
import org.parcelgate.testing.TlsSockets;

/**
 * Admission before a body is read, over real mutual TLS with bodies held half-sent: the gateway's
 * body memory budget ({@code 503 overloaded}) and each partner's limit of requests in flight
 * ({@code 429 too_many_requests}), both with {@code Retry-After}, both answered without reading a
 * byte of the refused body, and both free again once the requests in flight have ended.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class AdmissionUnderLoadTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final Identity ALPHA = PKI.identity("marketplace-alpha");
  private static final Identity BETA = PKI.identity("marketplace-beta");
  private static final Instant ORDERED = Instant.now().minus(2, ChronoUnit.DAYS);

  /** Three batches of about the same size; the budget holds two of them, not three. */
  private static final List<byte[]> BATCHES = List.of(batch(0), batch(20), batch(40), batch(60));

  private static final int LIMIT_PER_PARTNER = 2;

  private static TestGateway.Running gateway;

  private static byte[] batch(int first) {
    return Containers.write(SampleTransactions.batch(first, 20, ORDERED));
  }

  @BeforeAll
  static void start(Vertx vertx) {
    int largest = BATCHES.stream().mapToInt(body -> body.length).max().orElseThrow();
    int smallest = BATCHES.stream().mapToInt(body -> body.length).min().orElseThrow();
    long budget = 2L * largest + smallest / 2;
    assertThat(3L * smallest).as("three batches exceed the budget").isGreaterThan(budget);
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_PARTNER_API_BODY_LIMIT_BYTES", Integer.toString(Math.max(1024, largest)));
    env.put("PARCELGATE_PARTNER_API_BODY_MEMORY_BUDGET", Long.toString(budget));
    env.put(
        "PARCELGATE_PARTNER_API_MAX_REQUESTS_IN_FLIGHT_PER_PARTNER",
        Integer.toString(LIMIT_PER_PARTNER));
    gateway = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
  }

  @Test
  void refusesABodyOverTheMemoryBudgetBeforeReadingItAndAdmitsAgainOnceTheBudgetIsFree()
      throws IOException {
    double storedBefore = storedBatches();
    try (SSLSocket first = connect(ALPHA);
        SSLSocket second = connect(BETA);
        SSLSocket refused = connect(ALPHA)) {
      // Two batches in flight, each with its headers and half its body sent.
      byte[] firstBody = BATCHES.get(0);
      byte[] secondBody = BATCHES.get(1);
      sendHalf(first, ALPHA, firstBody);
      sendHalf(second, BETA, secondBody);
      Await.until(
          () -> bodyMemoryInUse() == firstBody.length + secondBody.length,
          "both bodies hold their Content-Length of the budget");

      // The third sends its headers only: the answer comes without a byte of its body.
      TlsSockets.write(refused, batchHead(ALPHA, BATCHES.get(2)) + "\r\n");
      TlsSockets.Response overloaded = TlsSockets.read(refused);

      assertThat(overloaded.status()).isEqualTo(503);
      assertThat(overloaded.json().getString("code")).isEqualTo("overloaded");
      assertThat(overloaded.header("retry-after")).isEqualTo("1");
      assertThat(bodyMemoryInUse()).isEqualTo(firstBody.length + secondBody.length);

      // A request without a body needs none of the budget.
      assertThat(whoami(ALPHA).status()).isEqualTo(200);

      // The two in flight finish and are stored; the budget is empty again.
      sendRest(first, firstBody);
      sendRest(second, secondBody);
      assertThat(TlsSockets.read(first).status()).isEqualTo(202);
      assertThat(TlsSockets.read(second).status()).isEqualTo(202);
      Await.until(() -> bodyMemoryInUse() == 0, "every reservation is given back");
      assertThat(storedBatches()).isEqualTo(storedBefore + 2);
    }

    // Admitted again: the refused batch, sent again, is stored.
    try (SSLSocket again = connect(ALPHA)) {
      TlsSockets.write(again, batchHead(ALPHA, BATCHES.get(2)) + "\r\n");
      TlsSockets.write(again, BATCHES.get(2));
      assertThat(TlsSockets.read(again).status()).isEqualTo(202);
    }
    Await.until(() -> bodyMemoryInUse() == 0, "the budget is empty after the retry");
    assertThat(storedBatches()).isEqualTo(storedBefore + 3);
  }

  @Test
  void givesTheBudgetBackWhenAClientResetsItsConnectionMidBody() throws IOException {
    byte[] body = BATCHES.get(3);
    SSLSocket abandoned = connect(ALPHA);
    sendHalf(abandoned, ALPHA, body);
    Await.until(() -> bodyMemoryInUse() == body.length, "the body holds its reservation");

    abandoned.setSoLinger(true, 0); // a reset, not a close
    abandoned.close();

    Await.until(() -> bodyMemoryInUse() == 0, "the reset gives the reservation back");
    Await.until(() -> requestsInFlight() == 0, "the reset request has ended");
  }

  @Test
  void refusesAPartnersRequestOverItsLimitBeforeReadingItsBodyButNotAnotherPartners()
      throws IOException {
    byte[] body = "not a batch".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (SSLSocket one = connect(ALPHA);
        SSLSocket two = connect(ALPHA);
        SSLSocket three = connect(ALPHA)) {
      TlsSockets.write(one, batchHead(ALPHA, body) + "\r\n");
      TlsSockets.write(two, batchHead(ALPHA, body) + "\r\n");
      Await.until(() -> requestsInFlight() == LIMIT_PER_PARTNER, "two requests are in flight");

      TlsSockets.write(three, batchHead(ALPHA, body) + "\r\n");
      TlsSockets.Response tooMany = TlsSockets.read(three);

      assertThat(tooMany.status()).isEqualTo(429);
      assertThat(tooMany.json().getString("code")).isEqualTo("too_many_requests");
      assertThat(tooMany.header("retry-after")).isEqualTo("1");
      assertThat(whoami(BETA).status()).isEqualTo(200);

      // Once the two in flight are answered, the partner is admitted again.
      TlsSockets.write(one, body);
      TlsSockets.write(two, body);
      assertThat(TlsSockets.read(one).status()).isEqualTo(400);
      assertThat(TlsSockets.read(two).status()).isEqualTo(400);
      assertThat(whoami(ALPHA).status()).isEqualTo(200);
    }
  }

  private static SSLSocket connect(Identity identity) throws IOException {
    return TlsSockets.open(PKI, identity, gateway.partnerPort(), "TLSv1.3");
  }

  private static String batchHead(Identity identity, byte[] body) {
    String token =
        RequestTokens.of(identity, alg(identity), TestGateway.GATEWAY_ID, Instant.now())
            .body(body)
            .sign();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + token);
    headers.put("Content-Type", BatchEndpoints.MEDIA_TYPE);
    headers.put("Content-Length", Integer.toString(body.length));
    return TlsSockets.head("POST", BatchEndpoints.BATCHES_PATH, headers);
  }

  private static void sendHalf(SSLSocket socket, Identity identity, byte[] body)
      throws IOException {
    TlsSockets.write(socket, batchHead(identity, body) + "\r\n");
    TlsSockets.write(socket, Arrays.copyOfRange(body, 0, body.length / 2));
  }

  private static void sendRest(SSLSocket socket, byte[] body) throws IOException {
    TlsSockets.write(socket, Arrays.copyOfRange(body, body.length / 2, body.length));
  }

  /** A whole {@code GET /v1/whoami} of the partner on a connection of its own. */
  private static TlsSockets.Response whoami(Identity identity) throws IOException {
    try (SSLSocket socket = connect(identity)) {
      String token =
          RequestTokens.of(identity, alg(identity), TestGateway.GATEWAY_ID, Instant.now()).sign();
      TlsSockets.write(
          socket,
          TlsSockets.head(
                  "GET", PartnerApiRouter.WHOAMI_PATH, Map.of("Authorization", "Bearer " + token))
              + "\r\n");
      return TlsSockets.read(socket);
    }
  }

  private static String alg(Identity identity) {
    return identity.signingKeys().get(0).getAlgorithm().getName();
  }

  private static double bodyMemoryInUse() {
    return gateway.meters().get("parcelgate.body.memory.in_use").gauge().value();
  }

  private static double requestsInFlight() {
    return gateway.meters().get("parcelgate.requests.in_flight").gauge().value();
  }

  private static double storedBatches() {
    var counter = gateway.meters().find("parcelgate.batches").tag("outcome", "stored").counter();
    return counter == null ? 0 : counter.count();
  }
}
