package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.http.PartnerTransportTest.assertProblem;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The customs feeds over mutual TLS against an in-process gateway with two administrations: Dutch
 * customs receives the records bound for NL, German customs those for DE, and neither sees the
 * other's. Pages are signed, ordered, and neither skip nor repeat a record while batches arrive.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustomsFeedTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final String PRICES = CustomsEndpoints.PRICE_PATH;
  private static final String SELLERS = CustomsEndpoints.SELLER_PATH;
  private static final Instant ORDERED = Instant.now().minus(2, ChronoUnit.HOURS);

  /** Sample order numbers go to NL when n % 6 == 0 and to DE when n % 6 == 1. */
  private static final int SAMPLE_DESTINATIONS = 6;

  private static TestGateway.Running gateway;
  private static Vertx vertx;
  private static String firstBatch;
  private static Instant beforeSecondBatch;
  private static List<Transaction> first;

  @BeforeAll
  static void start(Vertx shared) {
    vertx = shared;
    Map<String, String> env = TestGateway.environment(PKI);
    env.put(
        "PARCELGATE_PRIVACY_RECIPIENTS",
        "customs-nl=builtin:customs-default,customs-de=builtin:customs-default");
    env.put("PARCELGATE_DELIVERY_DESTINATIONS", "customs-nl=NL,customs-de=DE");
    env.put("PARCELGATE_DELIVERY_MAX_PAGE_SIZE", "50");
    gateway = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
    first = SampleTransactions.batch(0, 12, ORDERED);
    firstBatch = Partners.pushAccepted(vertx, PKI, "marketplace-alpha", port(), first);
    beforeSecondBatch = Instant.now();
    List<Transaction> second = SampleTransactions.batch(12, 12, ORDERED);
    Partners.pushAccepted(vertx, PKI, "marketplace-beta", port(), second);
    // The seller feeds and the look-up by tracking number follow the commits (the store's
    // follower, in feed order): once each feed's last record is found by its tracking number,
    // both feeds are whole. Records 18 and 19 are the last to NL and to DE.
    awaitFollowed("customs-nl", second.get(18 - 12));
    awaitFollowed("customs-de", second.get(19 - 12));
  }

  private static void awaitFollowed(String recipient, Transaction last) {
    String lookUp = PRICES + "?trackingNumber=" + last.getShipment().getTrackingNumber();
    Await.until(
        () -> !records(page(recipient, lookUp)).isEmpty(),
        recipient + "'s feed followed up to " + last.getTransactionId());
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
  }

  private static int port() {
    return gateway.partnerPort();
  }

  private static HttpResponse<Buffer> get(String partner, String path) {
    return Partners.get(vertx, PKI, partner, port(), path, null);
  }

  private static JsonObject page(String partner, String path) {
    HttpResponse<Buffer> response = get(partner, path);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static List<JsonObject> records(JsonObject page) {
    List<JsonObject> records = new ArrayList<>();
    page.getJsonArray("records").forEach(record -> records.add((JsonObject) record));
    return records;
  }

  private static List<String> ids(JsonObject page) {
    return records(page).stream().map(r -> r.getString("transactionId")).toList();
  }

  /** The order numbers of the first 24 that go to a destination. */
  private static List<String> expected(int remainder, int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int n = from; n < to; n++) {
      if (n % SAMPLE_DESTINATIONS == remainder) {
        ids.add("ORD-" + n);
      }
    }
    return ids;
  }

  @Test
  void routesEachRecordToTheAdministrationOfItsDestinationOnly() {
    JsonObject dutch = page("customs-nl", PRICES + "?limit=50");
    JsonObject german = page("customs-de", PRICES + "?limit=50");

    assertThat(ids(dutch)).containsExactlyElementsOf(expected(0, 0, 24));
    assertThat(ids(german)).containsExactlyElementsOf(expected(1, 0, 24));
    assertThat(records(dutch))
        .allSatisfy(
            r ->
                assertThat(
                        r.getJsonObject("transaction")
                            .getJsonObject("shipment")
                            .getString("destinationCountry"))
                    .isEqualTo("NL"));
    assertThat(dutch.getString("recipient")).isEqualTo("customs-nl");
    assertThat(dutch.getBoolean("more")).isFalse();
  }

  @Test
  void priceRecordsCarryTheMinimizedTransactionAndItsProvenance() {
    JsonObject record = records(page("customs-nl", PRICES + "?limit=1")).get(0);
    JsonObject transaction = record.getJsonObject("transaction");

    assertThat(record.getLong("position")).isEqualTo(1);
    assertThat(record.getString("marketplaceId")).isEqualTo("marketplace-alpha");
    assertThat(record.getString("transactionId")).isEqualTo("ORD-0");
    assertThat(record.getInteger("version")).isEqualTo(1);
    assertThat(record.getString("batchId")).isEqualTo(firstBatch);
    assertThat(Instant.parse(record.getString("receivedAt"))).isBefore(beforeSecondBatch);
    assertThat(record.getJsonObject("checks").getMap())
        .containsOnly(
            Map.entry("authentication", "passed"),
            Map.entry("schema", "passed"),
            Map.entry("rules", "passed"));
    assertThat(transaction.getJsonObject("seller").getString("sellerId")).isEqualTo("seller-0");
    assertThat(transaction.getJsonArray("items")).hasSize(first.get(0).getItems().size());
    assertThat(transaction.getJsonObject("shipment").getString("trackingNumber"))
        .isEqualTo(first.get(0).getShipment().getTrackingNumber());
    JsonObject buyer = transaction.getJsonObject("buyer");
    assertThat(buyer.getString("buyerId")).startsWith("p1_");
    assertThat(buyer.fieldNames()).doesNotContain("name", "email", "phone", "taxId");
    assertThat(transaction.getJsonObject("payment").fieldNames()).doesNotContain("paymentId");

    // The provenance links to the minimization log entry of the batch for this recipient.
    JsonArray entries =
        page("privacy-officer", "/v1/privacy/entries?recipient=customs-nl&kind=minimization")
            .getJsonArray("entries");
    JsonObject entry =
        entries.stream()
            .map(JsonObject.class::cast)
            .filter(e -> firstBatch.equals(e.getString("batchId")))
            .findFirst()
            .orElseThrow();
    assertThat(record.getLong("minimizationLogIndex")).isEqualTo(entry.getLong("index"));
    assertThat(entry.getInteger("recordsOut")).isEqualTo(expected(0, 0, 12).size());
  }

  /** Last: the others count on the feeds holding the first two batches only. */
  @Test
  @Order(Integer.MAX_VALUE)
  void pagesWithoutGapsOrDuplicatesWhileBatchesArrive() {
    int batches = 8;
    int perBatch = 30;
    List<Future<HttpResponse<Buffer>>> pushes = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      String marketplace = b % 2 == 0 ? "marketplace-alpha" : "marketplace-beta";
      pushes.add(
          Partners.pushBatch(
              vertx,
              PKI,
              marketplace,
              port(),
              SampleTransactions.batch(1000 + b * perBatch, perBatch, ORDERED)));
    }
    Future<?> all = Future.join(new ArrayList<>(pushes));

    List<Long> positions = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    boolean done = false;
    while (!done) {
      boolean pushed = all.isComplete();
      JsonObject page = page("customs-de", PRICES + "?limit=7&cursor=" + cursor);
      for (JsonObject record : records(page)) {
        positions.add(record.getLong("position"));
        assertThat(
                seen.add(
                    record.getString("marketplaceId") + "/" + record.getString("transactionId")))
            .as("no record twice")
            .isTrue();
      }
      cursor = page.getString("nextCursor");
      done = pushed && !page.getBoolean("more");
    }

    for (Future<HttpResponse<Buffer>> push : pushes) {
      assertThat(push.result().statusCode()).isEqualTo(202);
    }
    for (int i = 0; i < positions.size(); i++) {
      assertThat(positions.get(i)).as("positions count up from 1 without a gap").isEqualTo(i + 1L);
    }
    List<String> wanted = new ArrayList<>(expected(1, 0, 24));
    wanted.addAll(expected(1, 1000, 1000 + batches * perBatch));
    assertThat(seen).hasSize(wanted.size());
  }

  @Test
  void filtersByMarketplaceDestinationAndTimeAndLooksUpByTrackingNumberAndSeller() {
    assertThat(ids(page("customs-nl", PRICES + "?limit=50&marketplace=marketplace-beta")))
        .containsExactlyElementsOf(expected(0, 12, 24));
    assertThat(ids(page("customs-nl", PRICES + "?limit=50&destination=DE"))).isEmpty();
    assertThat(ids(page("customs-nl", PRICES + "?limit=50&destination=NL")))
        .containsAll(expected(0, 0, 24));
    assertThat(ids(page("customs-nl", PRICES + "?limit=50&to=" + beforeSecondBatch)))
        .containsExactlyElementsOf(expected(0, 0, 12));
    assertThat(ids(page("customs-nl", PRICES + "?limit=50&from=" + beforeSecondBatch)))
        .containsAll(expected(0, 12, 24))
        .doesNotContainAnyElementsOf(expected(0, 0, 12));

    Transaction sixth = first.get(6);
    assertThat(
            ids(
                page(
                    "customs-nl",
                    PRICES + "?trackingNumber=" + sixth.getShipment().getTrackingNumber())))
        .containsExactly("ORD-6");
    // A record bound for DE is not found through the Dutch feed, even by its tracking number.
    assertThat(
            ids(
                page(
                    "customs-nl",
                    PRICES + "?trackingNumber=" + first.get(1).getShipment().getTrackingNumber())))
        .isEmpty();
    String seller = sixth.getSeller().getSellerId().toString();
    assertThat(records(page("customs-nl", PRICES + "?limit=50&sellerId=" + seller)))
        .isNotEmpty()
        .allSatisfy(
            r ->
                assertThat(
                        r.getJsonObject("transaction")
                            .getJsonObject("seller")
                            .getString("sellerId"))
                    .isEqualTo(seller));
  }

  @Test
  void sellerRecordsCountTheTransactionsAndValuesOfTheAdministration() {
    List<JsonObject> sellers =
        records(page("customs-nl", SELLERS + "?limit=50&marketplace=marketplace-alpha"));
    Map<String, Long> values = new java.util.HashMap<>();
    Map<String, Long> counts = new java.util.HashMap<>();
    for (int n = 0; n < 12; n += SAMPLE_DESTINATIONS) {
      Transaction t = first.get(n);
      values.merge(
          t.getSeller().getSellerId().toString(), t.getAmounts().getGoodsValueMinor(), Long::sum);
      counts.merge(t.getSeller().getSellerId().toString(), 1L, Long::sum);
    }

    assertThat(sellers)
        .extracting(s -> s.getString("sellerId"))
        .containsExactlyInAnyOrderElementsOf(values.keySet());
    for (JsonObject seller : sellers) {
      String id = seller.getString("sellerId");
      assertThat(seller.getLong("transactions")).isEqualTo(counts.get(id));
      JsonObject eur = seller.getJsonArray("values").getJsonObject(0);
      assertThat(eur.getString("currency")).isEqualTo("EUR");
      assertThat(eur.getLong("valueMinor")).isEqualTo(values.get(id));
      assertThat(seller.getJsonObject("seller").getString("name")).startsWith("Shenzhen Example");
      assertThat(seller.getJsonObject("seller").getString("verificationStatus")).isNotBlank();
      assertThat(Instant.parse(seller.getString("firstSeen")))
          .isBeforeOrEqualTo(Instant.parse(seller.getString("lastSeen")));
    }
  }

  @Test
  void servesAvroContainersOnRequest() throws IOException {
    HttpResponse<Buffer> response =
        Partners.get(vertx, PKI, "customs-nl", port(), PRICES + "?limit=3", "application/avro");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/avro");
    assertThat(response.getHeader("Parcelgate-Next-Cursor")).isEqualTo("3");
    assertThat(response.getHeader("Parcelgate-More")).isEqualTo("true");
    List<GenericRecord> records = new ArrayList<>();
    try (DataFileStream<GenericRecord> stream =
        new DataFileStream<>(
            new ByteArrayInputStream(response.body().getBytes()), new GenericDatumReader<>())) {
      stream.forEach(records::add);
    }
    assertThat(records).extracting(r -> (Long) r.get("position")).containsExactly(1L, 2L, 3L);
    assertThat(records.get(0).get("transactionId").toString()).isEqualTo("ORD-0");
    GenericRecord transaction = (GenericRecord) records.get(0).get("transaction");
    assertThat(transaction.getSchema().getNamespace()).isEqualTo("org.parcelgate.minimized");
    assertThat(transaction.getSchema().getField("buyer").schema().toString())
        .doesNotContain("email");
  }

  @Test
  void signsEveryPageWithADetachedJwsOverTheExactBody() throws Exception {
    for (String accept : new String[] {null, "application/avro"}) {
      HttpResponse<Buffer> response =
          Partners.get(vertx, PKI, "customs-nl", port(), SELLERS + "?limit=2", accept);
      String signature = response.getHeader(CustomsEndpoints.SIGNATURE_HEADER);
      byte[] body = response.body().getBytes();
      JWKSet keys = JWKSet.parse(get("customs-nl", PartnerApiRouter.JWKS_PATH).bodyAsString());

      JWSObject jws = JWSObject.parse(signature, new Payload(body));
      ECKey key = (ECKey) keys.getKeyByKeyId(jws.getHeader().getKeyID());
      assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();
      assertThat(jws.getHeader().getType().getType()).isEqualTo("parcelgate-feed+jws");
      assertThat(jws.getHeader().getCustomParam("aud")).isEqualTo("customs-nl");
      assertThat(jws.getHeader().getCustomParam("request")).isEqualTo(SELLERS + "?limit=2");

      byte[] tampered = body.clone();
      tampered[tampered.length / 2] ^= 1;
      assertThat(JWSObject.parse(signature, new Payload(tampered)).verify(new ECDSAVerifier(key)))
          .isFalse();
    }
  }

  @Test
  void refusesEveryRoleButCustoms() {
    for (String partner : List.of("marketplace-alpha", "privacy-officer")) {
      assertProblem(get(partner, PRICES), 403, "forbidden");
      assertProblem(get(partner, SELLERS), 403, "forbidden");
    }
  }

  @Test
  void refusesACustomsPartnerNoRecordIsRoutedTo() {
    TestGateway.Running dutchOnly = Await.result(TestGateway.start(vertx, PKI));
    try {
      HttpResponse<Buffer> response =
          Partners.get(vertx, PKI, "customs-de", dutchOnly.partnerPort(), PRICES, null);
      assertProblem(response, 403, "not_a_recipient");
    } finally {
      Await.result(dutchOnly.gateway().stop());
    }
  }

  @Test
  void refusesBadCursorsFiltersAndFormatsWithStableCodes() {
    assertProblem(get("customs-nl", PRICES + "?cursor=abc"), 400, "invalid_cursor");
    assertProblem(get("customs-nl", PRICES + "?cursor=-1"), 400, "invalid_cursor");
    assertProblem(get("customs-nl", PRICES + "?limit=51"), 400, "invalid_request");
    assertProblem(get("customs-nl", PRICES + "?destination=nl"), 400, "invalid_request");
    assertProblem(get("customs-nl", PRICES + "?from=yesterday"), 400, "invalid_request");
    assertProblem(
        get("customs-nl", PRICES + "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"),
        400,
        "invalid_request");
    assertProblem(get("customs-nl", SELLERS + "?destination=NL"), 400, "invalid_request");
    assertProblem(
        Partners.get(vertx, PKI, "customs-nl", port(), PRICES, "text/csv"), 406, "not_acceptable");
  }

  @Test
  void answersAnEmptyAvroContainerThatStillNamesItsSchema() throws IOException {
    HttpResponse<Buffer> response =
        Partners.get(
            vertx, PKI, "customs-nl", port(), SELLERS + "?cursor=999999", "application/avro");

    assertThat(response.statusCode()).isEqualTo(200);
    try (DataFileStream<GenericRecord> stream =
        new DataFileStream<>(
            new ByteArrayInputStream(response.body().getBytes()), new GenericDatumReader<>())) {
      assertThat(stream.hasNext()).isFalse();
      assertThat(stream.getSchema().getFullName())
          .isEqualTo("org.parcelgate.delivery.SellerRecord");
    }
  }

  @Test
  void answersAnEmptyPageAfterTheEndOfTheFeed() {
    JsonObject page = page("customs-nl", PRICES + "?cursor=999999");

    assertThat(page.getJsonArray("records")).isEmpty();
    assertThat(page.getString("nextCursor")).isEqualTo("999999");
    assertThat(page.getBoolean("more")).isFalse();
  }
}
