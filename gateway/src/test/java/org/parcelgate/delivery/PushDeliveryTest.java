package org.parcelgate.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.protocol.Digests;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.ClosedPort;
import org.parcelgate.testing.CustomsReceiver;
import org.parcelgate.testing.MutableClock;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * Push delivery against a stand-in for a customs administration's endpoint: WireMock over HTTPS,
 * requiring a client certificate from the sample CA, as a real receiver would. Each test starts a
 * gateway on an empty store, pushes a batch as a marketplace, and watches what reaches the receiver
 * while it is up, down, slow, refusing, or while the gateway restarts.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class PushDeliveryTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final String PATH = "/v1/parcelgate/records";
  private static final Instant ORDERED = Instant.now().minus(2, ChronoUnit.HOURS);
  private static final int RECORDS = 12;
  private static final int BATCH_SIZE = 5;

  private static WireMockServer customs;
  private static Vertx vertx;
  private TestGateway.Running gateway;

  @BeforeAll
  static void startReceiver(Vertx shared) {
    vertx = shared;
    customs = CustomsReceiver.start(PKI);
  }

  @AfterAll
  static void stopReceiver() {
    customs.stop();
  }

  @BeforeEach
  void resetReceiver() {
    customs.resetAll();
    answer(200);
  }

  @AfterEach
  void stopGateway() {
    if (gateway != null) {
      Await.result(gateway.gateway().stop());
    }
  }

  private static void answer(int status) {
    customs.resetMappings();
    customs.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(status)));
  }

  private static Map<String, String> environment() {
    Map<String, String> env =
        CustomsReceiver.pushEnvironment(
            PKI, "customs-nl", "https://localhost:" + customs.httpsPort() + PATH);
    env.put("PARCELGATE_DELIVERY_PUSH_BATCH_SIZE", Integer.toString(BATCH_SIZE));
    env.put("PARCELGATE_DELIVERY_PUSH_REQUEST_TIMEOUT", "1s");
    env.put("PARCELGATE_DELIVERY_PUSH_CIRCUIT_FAILURES", "3");
    env.put("PARCELGATE_DELIVERY_PUSH_CIRCUIT_OPEN", "300ms");
    return env;
  }

  private void start(Map<String, String> env, Clock clock) {
    gateway = Await.result(TestGateway.start(vertx, env, clock));
  }

  private void pushBatch() {
    Partners.pushAccepted(
        vertx,
        PKI,
        "marketplace-alpha",
        gateway.partnerPort(),
        SampleTransactions.batch(0, RECORDS, ORDERED));
  }

  /** One request the receiver got. */
  private record Delivery(
      int status, String key, String feed, List<Long> positions, String token, byte[] body) {
    static Delivery of(ServeEvent event) {
      JsonObject body = new JsonObject(Buffer.buffer(event.getRequest().getBody()));
      List<Long> positions = new ArrayList<>();
      JsonArray records = body.getJsonArray("records");
      for (int i = 0; i < records.size(); i++) {
        positions.add(records.getJsonObject(i).getLong("position"));
      }
      return new Delivery(
          event.getResponse().getStatus(),
          event.getRequest().getHeader("Idempotency-Key"),
          body.getString("feed"),
          positions,
          event.getRequest().getHeader("Authorization").substring("Bearer ".length()),
          event.getRequest().getBody());
    }
  }

  /** Every request the receiver got, oldest first. */
  private static List<Delivery> deliveries() {
    List<ServeEvent> events = new ArrayList<>(customs.getAllServeEvents());
    events.sort((a, b) -> a.getRequest().getLoggedDate().compareTo(b.getRequest().getLoggedDate()));
    return events.stream().map(Delivery::of).toList();
  }

  /** The positions of a feed the receiver acknowledged, with repeats. */
  private static List<Long> acknowledged(String feed) {
    List<Long> positions = new ArrayList<>();
    deliveries().stream()
        .filter(d -> d.status() == 200 && d.feed().equals(feed))
        .forEach(d -> positions.addAll(d.positions()));
    return positions;
  }

  private static List<Long> oneTo(long last) {
    List<Long> positions = new ArrayList<>();
    for (long p = 1; p <= last; p++) {
      positions.add(p);
    }
    return positions;
  }

  private void awaitAllPricesAcknowledged() {
    Await.until(
        () -> acknowledged("price").size() >= RECORDS,
        "every price record acknowledged",
        Duration.ofSeconds(30));
  }

  private JsonObject ops(String method, String path) {
    WebClient client = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> response =
          Await.result(
              client
                  .request(
                      io.vertx.core.http.HttpMethod.valueOf(method),
                      gateway.opsPort(),
                      "127.0.0.1",
                      path)
                  .putHeader("Authorization", TestGateway.ADMIN_AUTHORIZATION)
                  .sendBuffer(Buffer.buffer()));
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      return response.bodyAsJsonObject();
    } finally {
      client.close();
    }
  }

  @Test
  void deliversEveryRecordOnceWithAVerifiableTokenAndIdempotencyKey() throws Exception {
    start(environment(), Clock.systemUTC());
    pushBatch();
    awaitAllPricesAcknowledged();

    assertThat(acknowledged("price")).containsExactlyElementsOf(oneTo(RECORDS));
    Await.until(() -> !acknowledged("seller").isEmpty(), "seller records delivered");
    JWKSet keys = JWKSet.load(PKI.gatewayJwks().toFile());
    String thumbprint = Digests.thumbprint(PKI.identity("gateway-client").x509());
    Set<String> keysSeen = new HashSet<>();
    for (Delivery delivery : deliveries()) {
      assertThat(delivery.positions()).hasSizeLessThanOrEqualTo(BATCH_SIZE);
      assertThat(keysSeen.add(delivery.key())).as("a new key per delivery").isTrue();
      SignedJWT token = SignedJWT.parse(delivery.token());
      ECKey key = (ECKey) keys.getKeyByKeyId(token.getHeader().getKeyID());
      assertThat(token.verify(new ECDSAVerifier(key))).isTrue();
      assertThat(token.getHeader().getType().getType()).isEqualTo("parcelgate-request+jwt");
      JWTClaimsSet claims = token.getJWTClaimsSet();
      assertThat(claims.getIssuer()).isEqualTo(TestGateway.GATEWAY_ID);
      assertThat(claims.getAudience()).containsExactly("customs-nl");
      assertThat(claims.getStringClaim("body_sha256"))
          .isEqualTo(Digests.sha256Base64Url(delivery.body()));
      assertThat(claims.getJSONObjectClaim("cnf")).containsEntry("x5t#S256", thumbprint);
      assertThat(claims.getExpirationTime()).isAfter(claims.getIssueTime());
      // Pushed records are the feed's, risk included (null when risk is off).
      assertThat(new JsonObject(Buffer.buffer(delivery.body())).getJsonArray("records"))
          .allSatisfy(record -> assertThat(((JsonObject) record).containsKey("risk")).isTrue());
    }
    // The first price delivery: a seller delivery may go first when the pusher reads the price
    // feed just before the batch commits and the seller feed just after.
    assertThat(deliveries().stream().filter(d -> d.feed().equals("price")).findFirst())
        .hasValueSatisfying(
            first ->
                assertThat(first.key())
                    .isEqualTo(TestGateway.GATEWAY_ID + ":customs-nl:price:1-5"));
  }

  @Test
  void retriesWhileTheReceiverIsDownAndDeliversEverythingOnceWhenItIsBack() {
    answer(503);
    start(environment(), Clock.systemUTC());
    pushBatch();
    Await.until(() -> deliveries().size() >= 4, "several attempts while down");
    Await.until(
        () ->
            gateway
                .meters()
                .scrape()
                .contains("parcelgate_delivery_circuit_open{recipient=\"customs-nl\"} 1.0"),
        "the circuit opens after consecutive failures");
    List<Delivery> whileDown = deliveries();
    assertThat(whileDown).allSatisfy(d -> assertThat(d.key()).isEqualTo(whileDown.get(0).key()));

    answer(200);
    awaitAllPricesAcknowledged();

    assertThat(acknowledged("price")).containsExactlyElementsOf(oneTo(RECORDS));
    Delivery firstAcknowledged =
        deliveries().stream().filter(d -> d.status() == 200).findFirst().orElseThrow();
    assertThat(firstAcknowledged.key()).isEqualTo(whileDown.get(0).key());
    assertThat(firstAcknowledged.positions()).isEqualTo(whileDown.get(0).positions());
    Await.until(
        () ->
            gateway
                .meters()
                .scrape()
                .contains("parcelgate_delivery_circuit_open{recipient=\"customs-nl\"} 0.0"),
        "the circuit closes again");
    assertThat(gateway.meters().scrape())
        .contains("parcelgate_delivery_attempts_total{recipient=\"customs-nl\",result=\"failed\"}");
  }

  @Test
  void retriesATimedOutDeliveryUnderTheSameKeyAndWaitsForASlowOneWithinTheTimeout() {
    customs.resetMappings();
    customs.stubFor(
        post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withFixedDelay(1500)));
    start(environment(), Clock.systemUTC());
    pushBatch();
    Await.until(
        () -> deliveries().size() >= 2, "a timed-out delivery is retried", Duration.ofSeconds(20));
    assertThat(deliveries().get(1).key()).isEqualTo(deliveries().get(0).key());

    customs.resetMappings();
    customs.stubFor(
        post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withFixedDelay(300)));
    Await.until(
        () -> deliveries().stream().anyMatch(d -> d.positions().contains((long) RECORDS)),
        "the last price record sent",
        Duration.ofSeconds(30));
    Await.until(
        () -> !acknowledged("seller").isEmpty(),
        "seller records delivered",
        Duration.ofSeconds(30));

    // Once the receiver answers within the timeout, each delivery goes out once.
    Map<String, Integer> attempts = new LinkedHashMap<>();
    deliveries().forEach(d -> attempts.merge(d.key(), 1, Integer::sum));
    String timedOut = deliveries().get(0).key();
    attempts.remove(timedOut);
    assertThat(attempts.values()).allSatisfy(count -> assertThat(count).isEqualTo(1));
  }

  @Test
  void deadLettersARefusedDeliveryAndRedrivesItOnAnOperatorsRequest() {
    answer(422);
    start(environment(), Clock.systemUTC());
    pushBatch();
    Await.until(
        () ->
            ops("GET", "/admin/delivery/customs-nl/dead-letters?feed=price&status=dead")
                    .getJsonArray("deadLetters")
                    .size()
                >= RECORDS,
        "every price record dead-lettered");

    JsonObject dead =
        ops("GET", "/admin/delivery/customs-nl/dead-letters?feed=price&status=dead&limit=1000");
    JsonObject letter = dead.getJsonArray("deadLetters").getJsonObject(0);
    assertThat(letter.getString("reason")).isEqualTo("refused");
    assertThat(letter.getString("detail")).isEqualTo("HTTP 422");
    // The stream went on past them: nothing waits behind a refusal.
    JsonObject status = ops("GET", "/admin/delivery").getJsonArray("recipients").getJsonObject(0);
    assertThat(status.getJsonArray("streams").getJsonObject(0).getLong("deliveredCursor"))
        .isEqualTo(RECORDS);
    Await.until(
        () ->
            gateway
                .meters()
                .scrape()
                .matches(
                    "(?s).*parcelgate_delivery_dead_letters\\{recipient=\"customs-nl\"\\} [1-9].*"),
        "dead letters show in the metrics");

    answer(200);
    JsonObject redriven = ops("POST", "/admin/delivery/customs-nl/dead-letters/redrive");
    assertThat(redriven.getInteger("deadLetters")).isGreaterThanOrEqualTo(RECORDS);
    awaitAllPricesAcknowledged();

    assertThat(acknowledged("price")).containsExactlyElementsOf(oneTo(RECORDS));
    assertThat(
            deliveries().stream()
                .filter(d -> d.status() == 200 && d.feed().equals("price"))
                .map(Delivery::key))
        .allSatisfy(key -> assertThat(key).contains(":price:redrive:"));
    Await.until(
        () ->
            ops("GET", "/admin/delivery/customs-nl/dead-letters?feed=price&status=dead")
                .getJsonArray("deadLetters")
                .isEmpty(),
        "no dead letter is left");
  }

  @Test
  void backlogCountsSellersToSendNotTheirFeedPositions() {
    answer(503);
    start(environment(), Clock.systemUTC());
    pushBatch();
    // The same sellers again, in other transactions: each seller moves to a newer position.
    Partners.pushAccepted(
        vertx,
        PKI,
        "marketplace-alpha",
        gateway.partnerPort(),
        SampleTransactions.batch(SampleTransactions.SELLERS, RECORDS, ORDERED));

    Await.until(
        () -> streams().getJsonObject(0).getLong("backlog") == 2 * RECORDS,
        "both batches' price records wait");
    // The seller feed follows the commits (the store's follower): wait for it too.
    Await.until(
        () -> streams().getJsonObject(1).getLong("backlog") == RECORDS,
        "one seller record per seller waits");
    JsonObject sellers = streams().getJsonObject(1);
    assertThat(sellers.getString("feed")).isEqualTo("seller");
    assertThat(sellers.getLong("backlog")).as("one record per seller to send").isEqualTo(RECORDS);
    // The gauge is what the pusher last saw, which may be before the follower's step.
    Await.until(
        () ->
            gateway
                .meters()
                .scrape()
                .contains(
                    "parcelgate_delivery_backlog{feed=\"seller\",recipient=\"customs-nl\"} "
                        + RECORDS
                        + ".0"),
        "the seller backlog gauge counts each seller once");
  }

  @Test
  void showsTheOperatorWhyAnAttemptFailed() throws Exception {
    Map<String, String> env = environment();
    try (ClosedPort closed = ClosedPort.hold()) {
      env.put(
          "PARCELGATE_DELIVERY_PUSH_ENDPOINTS",
          "customs-nl=https://localhost:" + closed.port() + PATH);
      start(env, Clock.systemUTC());
      pushBatch();

      Await.until(() -> lastError().isPresent(), "a failed attempt is recorded");
      assertThat(lastError().orElseThrow())
          .as("the cause and where, not only an exception's class")
          .contains("Connection refused")
          .contains(Integer.toString(closed.port()));
    }
  }

  /** The last error of the stream that has one (the first attempt may be of either feed). */
  private Optional<String> lastError() {
    return streams().stream()
        .map(JsonObject.class::cast)
        .map(stream -> stream.getString("lastError"))
        .filter(Objects::nonNull)
        .findFirst();
  }

  private JsonArray streams() {
    return ops("GET", "/admin/delivery")
        .getJsonArray("recipients")
        .getJsonObject(0)
        .getJsonArray("streams");
  }

  @Test
  void aReceiverRefusingTheGatewayHaltsTheStreamInsteadOfDeadLetteringIt() {
    answer(403);
    start(environment(), Clock.systemUTC());
    pushBatch();
    Await.until(() -> deliveries().size() >= 3, "attempts while the receiver refuses the gateway");

    assertThat(deliveries())
        .allSatisfy(d -> assertThat(d.key()).isEqualTo(deliveries().get(0).key()));
    assertThat(ops("GET", "/admin/delivery/customs-nl/dead-letters").getJsonArray("deadLetters"))
        .as("a configuration problem is not the records' fault")
        .isEmpty();

    answer(200);
    awaitAllPricesAcknowledged();
    assertThat(acknowledged("price")).containsExactlyElementsOf(oneTo(RECORDS));
  }

  @Test
  void listsDeadLettersPageByPageOfOneFeed() {
    answer(422);
    start(environment(), Clock.systemUTC());
    pushBatch();
    Await.until(
        () ->
            ops("GET", "/admin/delivery/customs-nl/dead-letters?feed=price&limit=1000")
                    .getJsonArray("deadLetters")
                    .size()
                >= RECORDS,
        "every price record dead-lettered");

    JsonArray second =
        ops("GET", "/admin/delivery/customs-nl/dead-letters?feed=price&after=5&limit=5")
            .getJsonArray("deadLetters");
    assertThat(second.stream().map(l -> ((JsonObject) l).getLong("position")))
        .containsExactly(6L, 7L, 8L, 9L, 10L);
  }

  @Test
  void deadLettersRecordsNotDeliveredWithinTheirTimeToLive() {
    answer(503);
    MutableClock clock = new MutableClock(Instant.now());
    Map<String, String> env = environment();
    env.put("PARCELGATE_DELIVERY_PUSH_RECORD_TTL", "1h");
    start(env, clock);
    pushBatch();
    Await.until(() -> !deliveries().isEmpty(), "a first attempt");

    clock.advance(Duration.ofHours(2));

    Await.until(
        () ->
            ops("GET", "/admin/delivery/customs-nl/dead-letters?feed=price&status=dead&limit=1000")
                    .getJsonArray("deadLetters")
                    .size()
                >= RECORDS,
        "every price record expired into the dead letters");
    JsonObject letter =
        ops("GET", "/admin/delivery/customs-nl/dead-letters")
            .getJsonArray("deadLetters")
            .getJsonObject(0);
    assertThat(letter.getString("reason")).isEqualTo("expired");
    assertThat(gateway.meters().scrape())
        .contains(
            "parcelgate_delivery_records_total{feed=\"price\",outcome=\"dead_lettered\",recipient=\"customs-nl\"} 12.0");
  }

  @Test
  void aRestartInTheMiddleOfDeliveryLosesNothingAndRepeatsTheSameKey() {
    answer(503);
    Map<String, String> env = environment();
    start(env, Clock.systemUTC());
    pushBatch();
    Await.until(() -> deliveries().size() >= 2, "attempts before the restart");
    Await.result(gateway.gateway().stop());
    gateway = null;
    String inFlight = deliveries().get(0).key();
    List<Long> inFlightPositions = deliveries().get(0).positions();

    answer(200);
    start(env, Clock.systemUTC());
    awaitAllPricesAcknowledged();

    Delivery afterRestart =
        deliveries().stream().filter(d -> d.status() == 200).findFirst().orElseThrow();
    assertThat(afterRestart.key()).isEqualTo(inFlight);
    assertThat(afterRestart.positions()).isEqualTo(inFlightPositions);
    assertThat(acknowledged("price")).containsExactlyElementsOf(oneTo(RECORDS));
  }

  @Test
  void aGatewayRestartedAfterACrashOnTheEmbeddedStoreTakesItsOwnLeasesAtOnce() {
    Map<String, String> env = environment();
    env.put("PARCELGATE_DELIVERY_PUSH_LEASE", "1h");
    // What a killed process leaves: its leases, valid for another hour.
    try (org.parcelgate.store.GatewayStore crashed =
        org.parcelgate.store.EmbeddedStore.open(
            java.nio.file.Path.of(env.get("PARCELGATE_STORE_DATA_DIRECTORY")), Clock.systemUTC())) {
      for (org.parcelgate.store.FeedKind kind : org.parcelgate.store.FeedKind.values()) {
        assertThat(
                crashed.lease(
                    "customs-nl", kind, TestGateway.GATEWAY_ID, Instant.now(), Duration.ofHours(1)))
            .isTrue();
      }
    }

    start(env, Clock.systemUTC());
    pushBatch();

    // The embedded store has one process: the restarted one holds the leases under the same id.
    awaitAllPricesAcknowledged();
    assertThat(acknowledged("price")).containsExactlyElementsOf(oneTo(RECORDS));
  }
}
