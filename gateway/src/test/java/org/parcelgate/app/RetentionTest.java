package org.parcelgate.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.CustomsEndpoints;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.privacy.LogVerifier;
import org.parcelgate.protocol.Checkpoint;
import org.parcelgate.protocol.CheckpointVerifier;
import org.parcelgate.protocol.MerkleTree;
import org.parcelgate.protocol.Receipt;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.CustomsReceiver;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;
import org.parcelgate.testing.TestPrivacy;

/**
 * Storage limitation end to end, over mutual TLS against an in-process gateway whose recipient's
 * policy keeps copies for two seconds: what the purge deletes, what it waits for (records not yet
 * delivered), and what stays verifiable after it (receipts, the batch's status, the log and its
 * proofs), with batches arriving and the feed read while it runs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class RetentionTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final String RECIPIENT = TestPrivacy.RECIPIENT;
  private static final String PATH = "/v1/parcelgate/records";
  private static final Duration RETENTION = Duration.ofSeconds(2);
  private static final int RECORDS = 12;

  private static Vertx vertx;
  private static WireMockServer customs;
  private static Path policy;
  private TestGateway.Running gateway;

  @BeforeAll
  static void start(Vertx shared) {
    vertx = shared;
    customs = CustomsReceiver.start(PKI);
    policy = TestPrivacy.shortRetentionPolicy(RETENTION);
  }

  @AfterAll
  static void stopReceiver() {
    customs.stop();
  }

  @BeforeEach
  void answerOk() {
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

  private static Map<String, String> pullOnly() {
    Map<String, String> env = new HashMap<>(TestGateway.environment(PKI));
    env.put("PARCELGATE_PRIVACY_RECIPIENTS", RECIPIENT + "=" + policy);
    env.put("PARCELGATE_PRIVACY_RETENTION_INTERVAL", "1s");
    return env;
  }

  private static Map<String, String> pushed(String recordTtl) {
    Map<String, String> env =
        CustomsReceiver.pushEnvironment(
            PKI, RECIPIENT, "https://localhost:" + customs.httpsPort() + PATH);
    env.putAll(pullOnly());
    env.put("PARCELGATE_DELIVERY_PUSH_RECORD_TTL", recordTtl);
    env.put("PARCELGATE_DELIVERY_PUSH_REQUEST_TIMEOUT", "1s");
    env.put("PARCELGATE_DELIVERY_PUSH_CIRCUIT_OPEN", "300ms");
    return env;
  }

  private void start(Map<String, String> env) {
    gateway = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
  }

  private String pushBatch(int first, int count) {
    return Partners.pushAccepted(
        vertx,
        PKI,
        "marketplace-alpha",
        gateway.partnerPort(),
        SampleTransactions.batch(first, count, Instant.now().minus(2, ChronoUnit.HOURS)));
  }

  private HttpResponse<Buffer> get(String partner, String path) {
    return Partners.get(vertx, PKI, partner, gateway.partnerPort(), path, null);
  }

  private JsonObject status(String batchId) {
    HttpResponse<Buffer> answer = get("marketplace-alpha", "/v1/batches/" + batchId);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    return answer.bodyAsJsonObject();
  }

  private boolean purged(String batchId) {
    return status(batchId).containsKey("retention");
  }

  private JsonObject feed(String query) {
    HttpResponse<Buffer> page = get(RECIPIENT, CustomsEndpoints.PRICE_PATH + query);
    assertThat(page.statusCode()).as(page.bodyAsString()).isEqualTo(200);
    return page.bodyAsJsonObject();
  }

  private List<JsonObject> entriesOf(String batchId) {
    JsonArray entries =
        get("privacy-officer", "/v1/privacy/entries?batch=" + batchId)
            .bodyAsJsonObject()
            .getJsonArray("entries");
    List<JsonObject> all = new ArrayList<>();
    entries.forEach(e -> all.add((JsonObject) e));
    all.sort(java.util.Comparator.comparingLong(e -> e.getLong("index")));
    return all;
  }

  private JWKSet keys() throws Exception {
    return JWKSet.parse(get("privacy-officer", PartnerApiRouter.JWKS_PATH).bodyAsString());
  }

  @Test
  void purgesADeliveredBatchAndItsStatusReceiptAndLogStayVerifiable() throws Exception {
    start(pushed("1h"));
    String batchId = pushBatch(0, RECORDS);
    String receipt = status(batchId).getString("receipt");

    Await.until(() -> purged(batchId), "the batch purged by retention", Duration.ofSeconds(30));

    JsonObject status = status(batchId);
    assertThat(status.getString("receipt")).isEqualTo(receipt);
    assertThat(Receipt.verify(receipt, keys()).batchId()).isEqualTo(batchId);
    JsonObject retention = status.getJsonObject("retention");
    assertThat(retention.getString("status")).isEqualTo("purged");
    JsonObject copy = retention.getJsonArray("purged").getJsonObject(0);
    assertThat(copy.getString("recipient")).isEqualTo(RECIPIENT);
    assertThat(copy.getInteger("records")).isEqualTo(RECORDS);
    assertThat(copy.getInteger("undelivered")).isZero();
    // Every record had reached the receiver before the purge.
    assertThat(customs.getAllServeEvents()).isNotEmpty();

    assertThat(feed("?limit=100").getJsonArray("records")).isEmpty();

    List<JsonObject> entries = entriesOf(batchId);
    assertThat(entries)
        .extracting(e -> e.getString("kind"))
        .containsExactly("minimization", "purge");
    JsonObject purge = entries.get(1);
    assertThat(purge.getLong("index")).isEqualTo(copy.getLong("logIndex"));
    assertThat(purge.getLong("minimizationEntry")).isEqualTo(entries.get(0).getLong("index"));
    assertThat(purge.getString("retention")).isEqualTo("PT2S");
    assertThat(purge.getJsonObject("policy").getString("id")).isEqualTo("customs-short-retention");
    assertThat(purge.getInteger("records")).isEqualTo(RECORDS);

    // Both entries are proven in the signed log after the records are gone.
    JsonObject checkpoint = get("privacy-officer", "/v1/privacy/checkpoint").bodyAsJsonObject();
    Checkpoint signed = new CheckpointVerifier(keys()).verify(checkpoint.getString("jws"));
    for (JsonObject entry : entries) {
      JsonObject proof =
          get(
                  "privacy-officer",
                  "/v1/privacy/proofs/inclusion?index="
                      + entry.getLong("index")
                      + "&treeSize="
                      + signed.treeSize())
              .bodyAsJsonObject();
      assertThat(
              MerkleTree.verifyInclusion(
                  decode(proof.getString("leafHash")),
                  entry.getLong("index"),
                  signed.treeSize(),
                  decodeAll(proof.getJsonArray("auditPath")),
                  decode(signed.rootHash())))
          .isTrue();
    }
    assertThat(gateway.meters().scrape())
        .contains(
            "parcelgate_retention_purged_total{recipient=\"customs-nl\",what=\"records\"} 12.0");
  }

  @Test
  void recordsNotYetDeliveredWaitAndReachTheDeadLettersBeforeTheyArePurged() {
    answer(503);
    start(pushed("1h"));
    String batchId = pushBatch(100, RECORDS);
    Await.until(() -> !customs.getAllServeEvents().isEmpty(), "a first attempt");

    // Well past the retention period: the receiver is down, so the records wait.
    Await.until(
        () ->
            Instant.now()
                .isAfter(
                    Instant.parse(status(batchId).getString("receivedAt"))
                        .plus(RETENTION.multipliedBy(3))),
        "three retention periods");
    assertThat(purged(batchId)).isFalse();
    assertThat(feed("?limit=100").getJsonArray("records")).hasSize(RECORDS);

    // The receiver refuses them: they become dead letters, and then the purge takes them.
    answer(422);
    Await.until(() -> purged(batchId), "the batch purged by retention", Duration.ofSeconds(30));

    JsonObject copy =
        status(batchId).getJsonObject("retention").getJsonArray("purged").getJsonObject(0);
    assertThat(copy.getInteger("undelivered")).isEqualTo(RECORDS);
    assertThat(entriesOf(batchId).get(1).getInteger("undelivered")).isEqualTo(RECORDS);
    JsonObject dead = ops("/admin/delivery/customs-nl/dead-letters?feed=price&limit=1000");
    assertThat(dead.getJsonArray("deadLetters")).hasSize(RECORDS);
    dead.getJsonArray("deadLetters")
        .forEach(d -> assertThat(((JsonObject) d).getString("status")).isEqualTo("purged"));
    assertThat(gateway.meters().scrape())
        .contains(
            "parcelgate_retention_undelivered_total{recipient=\"customs-nl\",what=\"records\"} 12.0");
  }

  private JsonObject ops(String path) {
    io.vertx.ext.web.client.WebClient client = io.vertx.ext.web.client.WebClient.create(vertx);
    try {
      HttpResponse<Buffer> response =
          Await.result(
              client
                  .get(gateway.opsPort(), "127.0.0.1", path)
                  .putHeader("Authorization", TestGateway.ADMIN_AUTHORIZATION)
                  .send());
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      return response.bodyAsJsonObject();
    } finally {
      client.close();
    }
  }

  @Test
  void purgesUnderLoadWhileFeedsReceiptsAndTheLogKeepWorking() throws Exception {
    start(pullOnly());
    int batches = 24;
    int perBatch = 50;
    List<String> ids = new ArrayList<>();
    List<Long> positions = new ArrayList<>();
    String cursor = "0";
    Instant until = Instant.now().plus(Duration.ofSeconds(8));
    int b = 0;
    // Batches arrive two at a time while the feed is read and the purge deletes the oldest.
    while (b < batches || Instant.now().isBefore(until)) {
      if (b < batches) {
        List<Future<HttpResponse<Buffer>>> pair = new ArrayList<>();
        for (int i = 0; i < 2; i++, b++) {
          List<Transaction> records =
              SampleTransactions.batch(
                  10_000 + b * perBatch, perBatch, Instant.now().minus(2, ChronoUnit.HOURS));
          pair.add(
              Partners.pushBatch(vertx, PKI, "marketplace-alpha", gateway.partnerPort(), records));
        }
        for (Future<HttpResponse<Buffer>> push : pair) {
          HttpResponse<Buffer> answer = Await.result(push);
          assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(202);
          ids.add(answer.bodyAsJsonObject().getString("batchId"));
        }
      }
      JsonObject page = feed("?limit=40&cursor=" + cursor);
      for (Object record : page.getJsonArray("records")) {
        positions.add(((JsonObject) record).getLong("position"));
      }
      cursor = page.getString("nextCursor");
      Thread.sleep(150);
    }

    assertThat(positions).as("the feed never goes back").isSorted().doesNotHaveDuplicates();
    Await.until(
        () -> ids.stream().allMatch(this::purged),
        "every batch purged by retention",
        Duration.ofSeconds(60));

    JWKSet keys = keys();
    for (String id : ids) {
      JsonObject status = status(id);
      assertThat(Receipt.verify(status.getString("receipt"), keys).batchId()).isEqualTo(id);
      assertThat(status.getJsonObject("retention").getJsonArray("purged")).hasSize(1);
    }
    assertThat(feed("?limit=100").getJsonArray("records")).isEmpty();

    // The whole log, purges included, verifies against its signed checkpoint.
    JsonObject checkpoint = get("privacy-officer", "/v1/privacy/checkpoint").bodyAsJsonObject();
    Checkpoint signed = new CheckpointVerifier(keys).verify(checkpoint.getString("jws"));
    String export = get("privacy-officer", "/v1/privacy/export?format=jsonl").bodyAsString();
    List<String> lines = List.of(export.split("\n"));
    LogVerifier.Result result = LogVerifier.verify(lines, signed);
    assertThat(result.verified()).as(result.message()).isTrue();
    assertThat(
            lines.stream()
                .filter(l -> l.contains("\"kind\":\"purge\"") && l.contains("\"batchId\""))
                .count())
        .as("one purge entry per batch")
        .isEqualTo(batches);
  }

  private static byte[] decode(String base64url) {
    return java.util.Base64.getUrlDecoder().decode(base64url);
  }

  private static List<byte[]> decodeAll(JsonArray values) {
    List<byte[]> all = new ArrayList<>();
    values.forEach(v -> all.add(decode((String) v)));
    return all;
  }
}
