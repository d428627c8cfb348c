package org.parcelgate.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.metrics.GatewayMetrics;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.store.PostgresStore;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.CustomsReceiver;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.Postgres;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * Push delivery by two gateway instances on one PostgreSQL database, to one customs receiver: the
 * push stream leases let one instance push a stream at a time, and an instance cut off from the
 * database (to the others, a dead instance: it renews nothing and releases nothing) has its streams
 * taken over once its leases expired, the range it had in flight sent again under the same
 * idempotency key.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class SharedPushTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final String PATH = "/v1/parcelgate/records";
  private static final Instant ORDERED = Instant.now().minus(2, ChronoUnit.HOURS);
  private static final int RECORDS = 12;

  private static WireMockServer customs;
  private static Vertx vertx;
  private final List<TestGateway.Running> gateways = new ArrayList<>();

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
  void stopGateways() {
    for (TestGateway.Running gateway : gateways) {
      Await.result(gateway.gateway().stop());
    }
  }

  private static void answer(int status) {
    customs.resetMappings();
    customs.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(status)));
  }

  /**
   * Price deliveries answered with {@code status}, seller deliveries accepted: a stream retries its
   * delivery in flight before the other stream's next, so a refused seller delivery formed before
   * the price records were assessed would keep the price stream waiting.
   */
  private static void answerPrices(int status) {
    customs.resetMappings();
    customs.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)));
    customs.stubFor(
        post(urlEqualTo(PATH))
            .withRequestBody(matchingJsonPath("$.feed", equalTo("price")))
            .willReturn(aResponse().withStatus(status)));
  }

  private static Map<String, String> environment(PostgresStore.Server database, String lease) {
    Map<String, String> env =
        CustomsReceiver.pushEnvironment(
            PKI, "customs-nl", "https://localhost:" + customs.httpsPort() + PATH);
    env.put("PARCELGATE_DELIVERY_PUSH_BATCH_SIZE", "5");
    env.put("PARCELGATE_DELIVERY_PUSH_REQUEST_TIMEOUT", "1s");
    env.put("PARCELGATE_DELIVERY_PUSH_CIRCUIT_FAILURES", "1000000");
    env.put("PARCELGATE_DELIVERY_PUSH_LEASE", lease);
    return TestGateway.onDatabase(env, database);
  }

  private TestGateway.Running start(Map<String, String> env) {
    TestGateway.Running gateway = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
    gateways.add(gateway);
    return gateway;
  }

  private static void pushBatch(TestGateway.Running gateway, int first) {
    Partners.pushAccepted(
        vertx,
        PKI,
        "marketplace-alpha",
        gateway.partnerPort(),
        SampleTransactions.batch(first, RECORDS, ORDERED));
  }

  private static int leasesHeld(TestGateway.Running gateway) {
    return (int) gateway.meters().get(GatewayMetrics.DELIVERY_LEASES).gauge().value();
  }

  /** One request the receiver got. */
  private record Delivery(int status, String key, String feed, List<Long> positions) {
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
          positions);
    }
  }

  /** Every request the receiver got, oldest first. */
  private static List<Delivery> deliveries() {
    List<ServeEvent> events = new ArrayList<>(customs.getAllServeEvents());
    events.sort((a, b) -> a.getRequest().getLoggedDate().compareTo(b.getRequest().getLoggedDate()));
    return events.stream().map(Delivery::of).toList();
  }

  /** The price positions the receiver acknowledged, with repeats. */
  private static List<Long> acknowledgedPrices() {
    List<Long> positions = new ArrayList<>();
    deliveries().stream()
        .filter(d -> d.status() == 200 && d.feed().equals("price"))
        .forEach(d -> positions.addAll(d.positions()));
    return positions;
  }

  /** Per feed and position, every idempotency key a request carrying it had. */
  private static Map<String, Set<String>> keysPerRecord() {
    Map<String, Set<String>> keys = new HashMap<>();
    for (Delivery delivery : deliveries()) {
      for (long position : delivery.positions()) {
        keys.computeIfAbsent(delivery.feed() + "/" + position, k -> new TreeSet<>())
            .add(delivery.key());
      }
    }
    return keys;
  }

  private static List<Long> oneTo(long last) {
    List<Long> positions = new ArrayList<>();
    for (long p = 1; p <= last; p++) {
      positions.add(p);
    }
    return positions;
  }

  @Test
  void twoInstancesOnOneDatabasePushEachRecordOnce() {
    PostgresStore.Server database = Postgres.freshDatabase();
    TestGateway.Running first = start(environment(database, "6s"));
    TestGateway.Running second = start(environment(database, "6s"));

    pushBatch(first, 1);
    pushBatch(second, 1 + RECORDS);

    Await.until(
        () -> acknowledgedPrices().size() >= 2 * RECORDS,
        "every price record acknowledged",
        Duration.ofSeconds(60));
    // Both instances poll the streams, but only the lease holder pushes: no record twice.
    assertThat(acknowledgedPrices()).containsExactlyElementsOf(oneTo(2 * RECORDS));
    assertThat(keysPerRecord()).allSatisfy((record, keys) -> assertThat(keys).hasSize(1));
    // Each of the recipient's two streams has one holder.
    Await.until(
        () -> leasesHeld(first) + leasesHeld(second) == 2,
        "the price and seller streams leased once",
        Duration.ofSeconds(30));
  }

  @Test
  void aCutOffInstancesStreamsAreTakenOverAndItsRangeInFlightKeepsItsKey() throws SQLException {
    PostgresStore.Server database = Postgres.freshDatabase();
    String role = "gw_" + database.url().replaceAll(".*/([a-z0-9_]+).*", "$1");
    sql("CREATE ROLE " + role + " LOGIN");
    // The first instance connects as a role of its own, so the test can cut it off alone.
    PostgresStore.Server asRole =
        new PostgresStore.Server(
            database.url().replaceAll("\\?.*", ""), role, new char[0], Postgres.READERS);
    answerPrices(503);
    TestGateway.Running doomed = start(environment(asRole, "1500ms"));
    pushBatch(doomed, 1);
    Await.until(
        () -> deliveries().stream().anyMatch(d -> d.feed().equals("price")),
        "a price delivery attempted",
        Duration.ofSeconds(30));
    Delivery inFlight =
        deliveries().stream().filter(d -> d.feed().equals("price")).findFirst().orElseThrow();
    TestGateway.Running survivor = start(environment(database, "1500ms"));

    // Cut off: no new connection, the open ones ended. It can renew nothing and release nothing.
    sql("ALTER ROLE " + role + " NOLOGIN");
    sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
    answer(200);

    Await.until(
        () -> new TreeSet<>(acknowledgedPrices()).containsAll(oneTo(RECORDS)),
        "every price record acknowledged after the takeover",
        Duration.ofSeconds(60));
    Await.until(
        () -> leasesHeld(survivor) == 2,
        "both streams held by the survivor",
        Duration.ofSeconds(30));
    // The range that was in flight went again with its positions under its key, and no record
    // ever travelled under two keys.
    Delivery resent =
        deliveries().stream()
            .filter(d -> d.status() == 200 && d.key().equals(inFlight.key()))
            .findFirst()
            .orElseThrow();
    assertThat(resent.positions()).isEqualTo(inFlight.positions());
    assertThat(keysPerRecord()).allSatisfy((record, keys) -> assertThat(keys).hasSize(1));
  }

  private static void sql(String statement) throws SQLException {
    try (Connection connection = Postgres.server().getPostgresDatabase().getConnection();
        Statement sql = connection.createStatement()) {
      sql.execute(statement);
    }
  }
}
