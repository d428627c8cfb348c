package org.parcelgate.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.CustomsEndpoints;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.http.PrivacyEndpoints;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.ClusterClients;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.CustomsReceiver;
import org.parcelgate.testing.GatewayCluster;
import org.parcelgate.testing.TestPki;
import org.parcelgate.testing.TestPrivacy;

/**
 * Three real gateway processes on one PostgreSQL database behave as one gateway: the cluster test.
 * Everything is counted from outside, as an auditor would: through the instances' partner ports
 * over mutual TLS, and by reading the shared database with plain JDBC.
 *
 * <p>The methods share one cluster, started once because three gateways and a database take a while
 * to start on a small machine; they run in order. The first leave it whole (replay, one batch sent
 * to two instances at once, registry reload); the fourth kills an instance mid-traffic and audits
 * everything the class stored. Every instance pushes the customs feeds to one receiver throughout,
 * and the last method counts what it received.
 */
@Tag("cluster")
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, timeUnit = TimeUnit.SECONDS)
class ClusterTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final int INSTANCES = 3;
  private static final List<String> MARKETPLACES = List.of("marketplace-alpha", "marketplace-beta");
  private static final String CUSTOMS = TestPrivacy.RECIPIENT;
  private static final String OFFICER = "privacy-officer";
  private static final Instant ORDERED = Instant.now().minus(2, ChronoUnit.HOURS);
  private static final int BATCHES = 24;
  private static final int RECORDS = 20;
  private static final int SENDERS = 6;
  private static final int PAGE = 37;
  private static final int VICTIM = 1;
  private static final String PUSH_PATH = "/v1/parcelgate/records";

  /** Order numbers are unique across the class, so every record is a first version. */
  private static final AtomicInteger ORDER_NUMBERS = new AtomicInteger(1_000);

  private Vertx vertx;
  private WireMockServer receiver;
  private GatewayCluster cluster;
  private ClusterClients clients;

  /** Every batch of the shared cluster that got a receipt, by batch id. */
  private final Map<String, Receipt> ledger = new ConcurrentHashMap<>();

  @BeforeAll
  void startCluster(Vertx shared) throws IOException {
    vertx = shared;
    receiver = CustomsReceiver.start(PKI);
    receiver.stubFor(post(urlEqualTo(PUSH_PATH)).willReturn(aResponse().withStatus(200)));
    // Every instance pushes the customs feeds to the receiver, as in production.
    Map<String, String> push = new HashMap<>();
    CustomsReceiver.pushEnvironment(
            PKI, CUSTOMS, "https://localhost:" + receiver.httpsPort() + PUSH_PATH)
        .forEach(
            (name, value) -> {
              if (name.startsWith("PARCELGATE_DELIVERY_PUSH_")) {
                push.put(name, value);
              }
            });
    push.put("PARCELGATE_DELIVERY_PUSH_BATCH_SIZE", "25");
    // Short leases, so the killed instance's streams are taken over within the test's bound (a
    // lease must outlast 1.5 request timeouts).
    push.put("PARCELGATE_DELIVERY_PUSH_LEASE", "2s");
    push.put("PARCELGATE_DELIVERY_PUSH_REQUEST_TIMEOUT", "1s");
    cluster = GatewayCluster.start(vertx, PKI, INSTANCES, push);
    clients = new ClusterClients(vertx, PKI, cluster);
  }

  @AfterAll
  void stopCluster() {
    if (clients != null) {
      clients.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (receiver != null) {
      receiver.stop();
    }
  }

  @Test
  @Order(1)
  void tokenUsedOnOneInstanceIsRefusedAsAReplayOnEveryOther() {
    String alpha = MARKETPLACES.get(0);
    String token = clients.token(alpha, null);

    assertThat(answer(clients.get(alpha, 0, PartnerApiRouter.WHOAMI_PATH, token)).statusCode())
        .isEqualTo(200);
    for (int i = 1; i < INSTANCES; i++) {
      HttpResponse<Buffer> replay =
          answer(clients.get(alpha, i, PartnerApiRouter.WHOAMI_PATH, token));
      assertThat(replay.statusCode()).as("instance %d", i).isEqualTo(401);
      assertThat(replay.bodyAsJsonObject().getString("code"))
          .as("instance %d", i)
          .isEqualTo("token_replayed");
      // A fresh token of the same partner passes: the refusal was the replay, nothing else.
      assertThat(answer(clients.get(alpha, i, PartnerApiRouter.WHOAMI_PATH)).statusCode())
          .as("instance %d with a fresh token", i)
          .isEqualTo(200);
    }
  }

  @Test
  @Order(2)
  void sameBatchSentToTwoInstancesAtOnceIsStoredOnceWithOneReceipt() throws SQLException {
    int pairs = 4;
    long before = count("SELECT COUNT(*) FROM batch");
    for (int k = 0; k < pairs; k++) {
      Batch batch = Batch.of(MARKETPLACES.get(k % 2), 5);
      int first = k % INSTANCES;
      int second = (k + 1) % INSTANCES;
      Future<HttpResponse<Buffer>> one =
          clients.postBatch(batch.marketplace(), first, batch.body());
      Future<HttpResponse<Buffer>> other =
          clients.postBatch(batch.marketplace(), second, batch.body());
      HttpResponse<Buffer> a = answer(one);
      HttpResponse<Buffer> b = answer(other);

      assertThat(List.of(a.statusCode(), b.statusCode()))
          .as(
              "one instance stores it (202), the other answers the repeat (200): %s | %s",
              a.bodyAsString(), b.bodyAsString())
          .containsExactlyInAnyOrder(200, 202);
      JsonObject answerA = a.bodyAsJsonObject();
      JsonObject answerB = b.bodyAsJsonObject();
      assertThat(answerB.getString("batchId")).isEqualTo(answerA.getString("batchId"));
      assertThat(answerB.getString("receipt")).isEqualTo(answerA.getString("receipt"));
      record(batch, answerA, a.statusCode(), first);
    }
    assertThat(count("SELECT COUNT(*) FROM batch") - before).isEqualTo(pairs);
  }

  @Test
  @Order(3)
  void registryChangeReachesEveryInstanceWithinTheReloadInterval() throws IOException {
    String beta = MARKETPLACES.get(1);
    String original = Files.readString(cluster.registryFile());
    JsonObject suspended = new JsonObject(original);
    JsonArray partners = suspended.getJsonArray("partners");
    for (int p = 0; p < partners.size(); p++) {
      if (partners.getJsonObject(p).getString("id").equals(beta)) {
        partners.getJsonObject(p).put("status", "suspended");
      }
    }
    for (int i = 0; i < INSTANCES; i++) {
      assertThat(whoami(beta, i).statusCode()).as("instance %d before", i).isEqualTo(200);
    }

    cluster.writeRegistry(suspended.encodePrettily());
    try {
      for (int i = 0; i < INSTANCES; i++) {
        int instance = i;
        // A bound of several reload intervals: each instance watches the file on its own timer.
        Await.until(
            () -> "partner_suspended".equals(code(whoami(beta, instance))),
            "instance " + instance + " refuses the suspended partner",
            Duration.ofSeconds(5));
        assertThat(whoami(MARKETPLACES.get(0), i).statusCode())
            .as("instance %d still serves the other partner", i)
            .isEqualTo(200);
      }
    } finally {
      cluster.writeRegistry(original);
    }
    for (int i = 0; i < INSTANCES; i++) {
      int instance = i;
      Await.until(
          () -> whoami(beta, instance).statusCode() == 200,
          "instance " + instance + " serves the partner again once reinstated",
          Duration.ofSeconds(5));
    }
  }

  /**
   * The whole cluster under traffic: batches of two marketplaces round-robin through the three
   * instances, a customs reader paging the price feed through them meanwhile, and one instance
   * killed with SIGKILL mid-traffic. Then the audit, of everything this class stored.
   */
  @Test
  @Order(4)
  void losesAndDuplicatesNothingThroughTheKillOfAnInstance() throws Exception {
    FeedPager pager = new FeedPager();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    CompletableFuture<List<JsonObject>> read = CompletableFuture.supplyAsync(pager::read, reader);
    Traffic traffic = new Traffic(cluster, clients, ledger);
    List<JsonObject> feed;
    try {
      traffic.driveThroughAKill(Batch.several(BATCHES, RECORDS));
      pager.expect(ledger.values().stream().mapToInt(receipt -> receipt.keys().size()).sum());
      feed = read.get(120, TimeUnit.SECONDS);
    } finally {
      reader.shutdownNow();
    }

    // An answer the killed instance sent may never have arrived: the same body sent again to a
    // survivor is recognized, and answered with the original receipt.
    assertThat(traffic.answeredBy(VICTIM)).isNotEmpty();
    for (Receipt receipt : traffic.answeredBy(VICTIM)) {
      int survivor = cluster.live().get(0);
      HttpResponse<Buffer> again =
          answer(
              clients.postBatch(receipt.batch().marketplace(), survivor, receipt.batch().body()));
      assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
      assertThat(again.bodyAsJsonObject().getString("batchId")).isEqualTo(receipt.batchId());
      assertThat(again.bodyAsJsonObject().getString("receipt")).isEqualTo(receipt.receipt());
    }

    assertThat(pager.pages()).as("the reader paged while the instances committed").isGreaterThan(2);
    long total = ledger.values().stream().mapToLong(receipt -> receipt.keys().size()).sum();
    List<Long> positions = feed.stream().map(record -> record.getLong("position")).toList();
    assertThat(positions)
        .as("the positions the reader saw, in order")
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    List<String> seen =
        feed.stream()
            .map(
                record ->
                    record.getString("marketplaceId")
                        + "/"
                        + record.getString("transactionId")
                        + "/"
                        + record.getInteger("version"))
            .toList();
    List<String> accepted =
        ledger.values().stream().flatMap(receipt -> receipt.keys().stream()).toList();
    assertThat(seen).containsExactlyInAnyOrderElementsOf(accepted);

    auditBatches();
    auditPriceFeed(total);
    auditMinimizationLog();
  }

  /**
   * Push delivery shared by three instances, one of them killed mid-traffic: every record reaches
   * the customs receiver, none under two idempotency keys: the stream leases keep two instances
   * from pushing the same stream, and the killed holder's streams are taken over. After the test
   * above the kill has happened already; run alone, this test drives the traffic and the kill
   * itself.
   */
  @Test
  @Order(5)
  void pushDeliversEveryRecordOnceAcrossInstancesThroughAKill() throws Exception {
    if (cluster.alive(VICTIM)) {
      new Traffic(cluster, clients, ledger).driveThroughAKill(Batch.several(BATCHES, RECORDS));
    }
    long total = ledger.values().stream().mapToLong(receipt -> receipt.keys().size()).sum();

    Await.until(
        () -> {
          Map<String, Set<String>> delivered = deliveries(receiver);
          try (Connection db = cluster.auditor()) {
            return LongStream.rangeClosed(1, total)
                    .allMatch(position -> delivered.containsKey("price/" + position))
                && sellerPositions(db).stream()
                    .allMatch(position -> delivered.containsKey("seller/" + position));
          } catch (SQLException e) {
            throw new AssertionError(e);
          }
        },
        "every price record and every current seller record reached the receiver",
        Duration.ofSeconds(60));

    Map<String, Set<String>> underSeveralKeys = new TreeMap<>();
    deliveries(receiver)
        .forEach(
            (record, keys) -> {
              if (keys.size() > 1) {
                underSeveralKeys.put(record, keys);
              }
            });
    assertThat(underSeveralKeys).as("records delivered under more than one key").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // The audit, from outside.

  /** Every batch that got a receipt is stored exactly once, with that receipt; nothing else is. */
  private void auditBatches() throws SQLException {
    List<String> ids = new ArrayList<>();
    Map<String, String> receipts = new HashMap<>();
    try (Connection db = cluster.auditor();
        Statement sql = db.createStatement();
        ResultSet rows = sql.executeQuery("SELECT batch_id, receipt_jws FROM batch")) {
      while (rows.next()) {
        ids.add(rows.getString(1));
        receipts.put(rows.getString(1), rows.getString(2));
      }
    }
    assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ledger.keySet());
    ledger.forEach(
        (id, receipt) ->
            assertThat(receipts.get(id)).as("batch %s", id).isEqualTo(receipt.receipt()));
  }

  /** The price feed as stored: positions 1..N, N the records accepted. */
  private void auditPriceFeed(long total) throws SQLException {
    List<Long> stored = new ArrayList<>();
    try (Connection db = cluster.auditor();
        PreparedStatement sql =
            db.prepareStatement(
                "SELECT feed_seq FROM price_record WHERE recipient = ? ORDER BY feed_seq")) {
      sql.setString(1, CUSTOMS);
      try (ResultSet rows = sql.executeQuery()) {
        while (rows.next()) {
          stored.add(rows.getLong(1));
        }
      }
    }
    assertThat(stored).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
  }

  /**
   * The minimization log is one tree: indexes 0..n-1, one checkpoint sequence growing with time,
   * and every live instance signs and verifies the same tree.
   */
  private void auditMinimizationLog() throws SQLException {
    List<Long> indexes = new ArrayList<>();
    List<Long> checkpoints = new ArrayList<>();
    try (Connection db = cluster.auditor();
        Statement sql = db.createStatement()) {
      try (ResultSet rows =
          sql.executeQuery("SELECT log_index FROM minimization_log ORDER BY log_index")) {
        while (rows.next()) {
          indexes.add(rows.getLong(1));
        }
      }
      try (ResultSet rows =
          sql.executeQuery(
              "SELECT tree_size FROM log_checkpoint ORDER BY signed_at_micros, tree_size")) {
        while (rows.next()) {
          checkpoints.add(rows.getLong(1));
        }
      }
    }
    long size = indexes.size();
    assertThat(count("SELECT COUNT(*) FROM minimization_log WHERE kind = 'minimization'"))
        .as("one minimization entry per stored batch, for the one recipient")
        .isEqualTo(ledger.size());
    assertThat(indexes).containsExactlyElementsOf(LongStream.range(0, size).boxed().toList());
    assertThat(checkpoints).as("checkpoints signed while the instances appended").isNotEmpty();
    assertThat(checkpoints).isSorted().doesNotHaveDuplicates();
    assertThat(checkpoints.get(checkpoints.size() - 1)).isLessThanOrEqualTo(size);

    Set<String> heads = new HashSet<>();
    for (int i : cluster.live()) {
      JsonObject checkpoint =
          answer(clients.get(OFFICER, i, PrivacyEndpoints.API_PATH + "/checkpoint"))
              .bodyAsJsonObject();
      assertThat(checkpoint.getLong("treeSize")).as("instance %d", i).isEqualTo(size);
      heads.add(checkpoint.getLong("treeSize") + "/" + checkpoint.getString("rootHash"));
      JsonObject verification =
          answer(clients.get(OFFICER, i, PrivacyEndpoints.API_PATH + "/verification"))
              .bodyAsJsonObject();
      assertThat(verification.getString("status"))
          .as("instance %d: %s", i, verification)
          .isEqualTo("verified");
    }
    assertThat(heads).as("one tree, whichever instance is asked").hasSize(1);
  }

  private long count(String query) throws SQLException {
    try (Connection db = cluster.auditor();
        Statement sql = db.createStatement();
        ResultSet rows = sql.executeQuery(query)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static List<Long> sellerPositions(Connection db) throws SQLException {
    List<Long> positions = new ArrayList<>();
    try (PreparedStatement sql =
        db.prepareStatement("SELECT feed_seq FROM seller_record WHERE recipient = ?")) {
      sql.setString(1, CUSTOMS);
      try (ResultSet rows = sql.executeQuery()) {
        while (rows.next()) {
          positions.add(rows.getLong(1));
        }
      }
    }
    return positions;
  }

  /** What the receiver got: for each {@code feed/position}, the idempotency keys it came under. */
  private static Map<String, Set<String>> deliveries(WireMockServer receiver) {
    Map<String, Set<String>> keys = new HashMap<>();
    for (ServeEvent event : receiver.getAllServeEvents()) {
      String key = event.getRequest().getHeader("Idempotency-Key");
      JsonObject body = new JsonObject(event.getRequest().getBodyAsString());
      String feed = body.getString("feed");
      JsonArray records = body.getJsonArray("records");
      for (int r = 0; r < records.size(); r++) {
        keys.computeIfAbsent(
                feed + "/" + records.getJsonObject(r).getLong("position"), any -> new HashSet<>())
            .add(key);
      }
    }
    return keys;
  }

  // ---------------------------------------------------------------------------------------------
  // Driving the cluster.

  private HttpResponse<Buffer> whoami(String partner, int instance) {
    return answer(clients.get(partner, instance, PartnerApiRouter.WHOAMI_PATH));
  }

  private static String code(HttpResponse<Buffer> response) {
    return response.statusCode() == 200 ? null : response.bodyAsJsonObject().getString("code");
  }

  private void record(Batch batch, JsonObject answer, int status, int instance) {
    Receipt receipt =
        new Receipt(
            batch, answer.getString("batchId"), answer.getString("receipt"), status, instance);
    assertThat(answer.getInteger("accepted")).as(answer.encode()).isEqualTo(batch.records().size());
    ledger.put(receipt.batchId(), receipt);
  }

  private static HttpResponse<Buffer> answer(Future<HttpResponse<Buffer>> future) {
    return Await.result(future);
  }

  /** A batch of first versions of fresh orders, as one marketplace sends it. */
  private record Batch(String marketplace, List<Transaction> records, byte[] body) {
    static Batch of(String marketplace, int count) {
      List<Transaction> records =
          SampleTransactions.batch(ORDER_NUMBERS.getAndAdd(count), count, ORDERED);
      return new Batch(marketplace, records, Containers.write(records));
    }

    /** {@code count} batches, the marketplaces taking turns. */
    static List<Batch> several(int count, int records) {
      List<Batch> batches = new ArrayList<>();
      for (int b = 0; b < count; b++) {
        batches.add(of(MARKETPLACES.get(b % MARKETPLACES.size()), records));
      }
      return batches;
    }
  }

  /** A batch's answer: its id and receipt, the status and the instance that gave it. */
  private record Receipt(Batch batch, String batchId, String receipt, int status, int instance) {
    /** The feed's key of each of its records: marketplace, transaction id and version 1. */
    List<String> keys() {
      return batch.records().stream()
          .map(record -> batch.marketplace() + "/" + record.getTransactionId() + "/1")
          .toList();
    }
  }

  /**
   * Batches sent round-robin through a cluster's instances by several senders at once, each one
   * until it has a receipt: a request whose answer is lost (the instance died) or that is refused
   * for the moment ({@code 503}) goes again, with the same body and a fresh token, to another
   * instance still alive.
   */
  private static final class Traffic {
    private final GatewayCluster cluster;
    private final ClusterClients clients;
    private final Map<String, Receipt> ledger;
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();
    private final AtomicInteger[] inFlight;
    private final AtomicInteger[] answeredBy;
    private final List<Receipt> receipts = Collections.synchronizedList(new ArrayList<>());

    Traffic(GatewayCluster cluster, ClusterClients clients, Map<String, Receipt> ledger) {
      this.cluster = cluster;
      this.clients = clients;
      this.ledger = ledger;
      this.inFlight = new AtomicInteger[cluster.size()];
      this.answeredBy = new AtomicInteger[cluster.size()];
      for (int i = 0; i < inFlight.length; i++) {
        inFlight[i] = new AtomicInteger();
        answeredBy[i] = new AtomicInteger();
      }
    }

    /**
     * Sends every batch; once a third are answered, some of them by {@link #VICTIM}, and while a
     * batch is in flight on it, kills the victim. Returns when every batch has a receipt.
     */
    void driveThroughAKill(List<Batch> batches) throws Exception {
      ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
      try {
        List<java.util.concurrent.Future<Receipt>> sent = new ArrayList<>();
        for (int b = 0; b < batches.size(); b++) {
          Batch batch = batches.get(b);
          int preferred = b % cluster.size();
          sent.add(senders.submit(() -> deliver(batch, preferred)));
        }
        Await.until(
            () ->
                answered.get() >= batches.size() / 3
                    && answeredBy[VICTIM].get() > 0
                    && inFlight[VICTIM].get() > 0,
            "a third of the batches are answered, some by the victim, and one is in flight on it",
            Duration.ofSeconds(60));
        cluster.kill(VICTIM);
        for (java.util.concurrent.Future<Receipt> receipt : sent) {
          receipts.add(receipt.get(120, TimeUnit.SECONDS));
        }
      } finally {
        senders.shutdownNow();
      }
      System.out.printf(
          "cluster traffic: %d batches, %d answers lost to the kill and sent again%n",
          batches.size(), lost.get());
    }

    /** The receipts instance {@code i} gave (before it was killed). */
    List<Receipt> answeredBy(int i) {
      return receipts.stream().filter(receipt -> receipt.instance() == i).toList();
    }

    private Receipt deliver(Batch batch, int preferred) {
      for (int attempt = 0; attempt < 10; attempt++) {
        List<Integer> live = cluster.live();
        int instance =
            attempt == 0 && live.contains(preferred)
                ? preferred
                : live.get(Math.floorMod(preferred + attempt, live.size()));
        inFlight[instance].incrementAndGet();
        HttpResponse<Buffer> response;
        try {
          response =
              clients
                  .postBatch(batch.marketplace(), instance, batch.body())
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(ClusterClients.REQUEST_TIMEOUT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException answerLost) {
          lost.incrementAndGet();
          continue;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        } finally {
          inFlight[instance].decrementAndGet();
        }
        if (response.statusCode() == 503) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
          continue;
        }
        assertThat(response.statusCode())
            .as("instance %d: %s", instance, response.bodyAsString())
            .isIn(200, 202);
        JsonObject answer = response.bodyAsJsonObject();
        assertThat(answer.getInteger("accepted")).isEqualTo(batch.records().size());
        Receipt receipt =
            new Receipt(
                batch,
                answer.getString("batchId"),
                answer.getString("receipt"),
                response.statusCode(),
                instance);
        Receipt earlier = ledger.putIfAbsent(receipt.batchId(), receipt);
        assertThat(earlier == null ? receipt.receipt() : earlier.receipt())
            .isEqualTo(receipt.receipt());
        answeredBy[instance].incrementAndGet();
        answered.incrementAndGet();
        return receipt;
      }
      throw new AssertionError("no instance gave a receipt for a batch in 10 attempts");
    }
  }

  /**
   * A customs administration reading its price feed while the instances commit: from cursor 0, each
   * next page from the next live instance with the {@code nextCursor} of the last, asking the
   * privacy officer's checkpoint of the log now and then, until every accepted record is read.
   */
  private final class FeedPager {
    private final List<JsonObject> records = new ArrayList<>();
    private volatile long expected = -1;
    private int pages;

    void expect(long total) {
      expected = total;
    }

    int pages() {
      return pages;
    }

    /** Has instance {@code i} sign a checkpoint of the log as it is now, unless it was killed. */
    private void askCheckpoint(int i) {
      Future<HttpResponse<Buffer>> asked =
          clients.get(OFFICER, i, PrivacyEndpoints.API_PATH + "/checkpoint");
      HttpResponse<Buffer> checkpoint;
      try {
        checkpoint =
            asked
                .toCompletionStage()
                .toCompletableFuture()
                .get(ClusterClients.REQUEST_TIMEOUT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException answerLost) {
        assertThat(cluster.alive(i))
            .as("only a killed instance leaves a checkpoint unanswered")
            .isFalse();
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      assertThat(checkpoint.statusCode()).as(checkpoint.bodyAsString()).isEqualTo(200);
    }

    List<JsonObject> read() {
      long cursor = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
      for (int turn = 0; ; turn++) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "the reader did not see " + expected + " records; it saw " + records.size());
        }
        List<Integer> live = cluster.live();
        int instance = live.get(turn % live.size());
        HttpResponse<Buffer> response;
        try {
          response =
              clients
                  .get(
                      CUSTOMS,
                      instance,
                      CustomsEndpoints.PRICE_PATH + "?cursor=" + cursor + "&limit=" + PAGE)
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(ClusterClients.REQUEST_TIMEOUT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException answerLost) {
          continue;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
        if (response.statusCode() == 503) {
          continue;
        }
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        JsonObject page = response.bodyAsJsonObject();
        JsonArray got = page.getJsonArray("records");
        for (int r = 0; r < got.size(); r++) {
          records.add(got.getJsonObject(r));
        }
        pages++;
        cursor = Long.parseLong(page.getString("nextCursor"));
        if (turn % 5 == 0) {
          askCheckpoint(instance);
        }
        boolean more = page.getBoolean("more");
        if (!more && expected >= 0 && records.size() >= expected) {
          return List.copyOf(records);
        }
        if (!more) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
      }
    }
  }
}
