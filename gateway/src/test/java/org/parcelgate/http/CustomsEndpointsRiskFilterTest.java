package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.http.PartnerTransportTest.assertProblem;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.risk.Flag;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The risk filters of the price feed over mutual TLS: {@code flagged} and {@code flag} are checked
 * like every other parameter (a bad value is {@code 400 invalid_request} naming the parameter,
 * never a server error), the seller feed refuses them, and a valid filter gives a signed page of
 * feed records whose cursor is its last record. Which records a filter keeps is the store's and the
 * detectors' business and is tested with them.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class CustomsEndpointsRiskFilterTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final String PRICES = CustomsEndpoints.PRICE_PATH;
  private static final String SELLERS = CustomsEndpoints.SELLER_PATH;

  /** Sample order numbers go to NL when n % 6 == 0: 0, 6, 12, 18. */
  private static final int DUTCH_RECORDS = 4;

  private static final List<String> PAID_FROM_ABROAD = List.of("ORD-6", "ORD-18");

  private static TestGateway.Running gateway;
  private static Vertx vertx;

  @BeforeAll
  static void start(Vertx shared) {
    vertx = shared;
    Map<String, String> env = TestGateway.environment(PKI);
    env.put(
        "PARCELGATE_PRIVACY_RECIPIENTS",
        "customs-nl=builtin:customs-default,customs-de=builtin:customs-default");
    env.put("PARCELGATE_DELIVERY_DESTINATIONS", "customs-nl=NL,customs-de=DE");
    gateway = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
    List<Transaction> batch =
        SampleTransactions.batch(0, 24, Instant.now().minus(2, ChronoUnit.HOURS));
    // Two Dutch orders paid from Switzerland: the shipped engine flags them
    // payer_country_mismatch, and nothing else in the batch.
    for (Transaction transaction : batch) {
      if (PAID_FROM_ABROAD.contains(transaction.getTransactionId().toString())) {
        transaction.getPayment().setPayerCountry("CH");
      }
    }
    Partners.pushAccepted(vertx, PKI, "marketplace-alpha", gateway.partnerPort(), batch);
    // With risk on, a record reaches the feed once assessed.
    Await.until(
        () -> records(page(PRICES + "?limit=50")).size() == DUTCH_RECORDS,
        "the Dutch feed holds the batch's records");
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
  }

  private static HttpResponse<Buffer> get(String path) {
    return Partners.get(vertx, PKI, "customs-nl", gateway.partnerPort(), path, null);
  }

  private static JsonObject page(String path) {
    HttpResponse<Buffer> response = get(path);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static List<JsonObject> records(JsonObject page) {
    List<JsonObject> records = new ArrayList<>();
    page.getJsonArray("records").forEach(record -> records.add((JsonObject) record));
    return records;
  }

  private static void assertInvalid(String path, String parameter) {
    HttpResponse<Buffer> response = get(path);
    assertProblem(response, 400, "invalid_request");
    assertThat(response.bodyAsJsonObject().getString("detail")).as(path).contains(parameter);
  }

  @Test
  void refusesAFlagNameThatIsNotInTheVocabulary() {
    assertInvalid(PRICES + "?flag=no_such_flag", "flag");
    assertInvalid(PRICES + "?flag=SPLIT_CONSIGNMENT", "flag");
    assertInvalid(PRICES + "?flag=split%20consignment", "flag");
    assertInvalid(PRICES + "?flagged=true&flag=undervalue", "flag");
  }

  @Test
  void refusesAFlaggedValueOtherThanTrueOrFalse() {
    assertInvalid(PRICES + "?flagged=yes", "flagged");
    assertInvalid(PRICES + "?flagged=1", "flagged");
    assertInvalid(PRICES + "?flagged=TRUE", "flagged");
  }

  @Test
  void refusesAFlagTogetherWithFlaggedFalse() {
    assertInvalid(PRICES + "?flagged=false&flag=split_consignment", "flag");
  }

  @Test
  void refusesTheRiskFiltersOnTheSellerFeed() {
    assertInvalid(SELLERS + "?flagged=true", "flagged filters price records");
    assertInvalid(SELLERS + "?flagged=false", "flagged filters price records");
    assertInvalid(SELLERS + "?flag=split_consignment", "flag filters price records");
  }

  @Test
  void acceptsFlaggedFalseAsNoFilter() {
    assertThat(page(PRICES + "?flagged=false&limit=50").getJsonArray("records"))
        .isEqualTo(page(PRICES + "?limit=50").getJsonArray("records"));
  }

  @Test
  void acceptsEveryFlagOfTheVocabulary() {
    for (Flag flag : Flag.values()) {
      JsonObject page = page(PRICES + "?flag=" + flag.wireName() + "&limit=50");
      assertThat(page.getString("feed")).as(flag.wireName()).isEqualTo("price");
      assertThat(page.getBoolean("more")).as(flag.wireName()).isFalse();
    }
  }

  @Test
  void aFlaggedPageHoldsFeedRecordsInOrderAndItsCursorIsItsLastRecord() {
    JsonObject all = page(PRICES + "?limit=50");
    JsonObject flagged = page(PRICES + "?flagged=true&limit=50");

    List<Long> positions = records(flagged).stream().map(r -> r.getLong("position")).toList();
    assertThat(positions).isSorted().doesNotHaveDuplicates();
    assertThat(records(all).stream().map(r -> r.getLong("position")).toList())
        .containsAll(positions);
    long next = Long.parseLong(flagged.getString("nextCursor"));
    assertThat(next).isEqualTo(positions.isEmpty() ? 0 : positions.get(positions.size() - 1));
    assertThat(flagged.getBoolean("more")).isFalse();
  }

  private static List<String> transactionIds(JsonObject page) {
    return records(page).stream().map(r -> r.getString("transactionId")).toList();
  }

  @Test
  void aFlaggedPageHoldsExactlyTheFlaggedRecords() {
    assertThat(transactionIds(page(PRICES + "?flagged=true&limit=50")))
        .containsExactlyElementsOf(PAID_FROM_ABROAD);
    assertThat(transactionIds(page(PRICES + "?flag=payer_country_mismatch&limit=50")))
        .containsExactlyElementsOf(PAID_FROM_ABROAD);
    assertThat(transactionIds(page(PRICES + "?flag=split_consignment&limit=50"))).isEmpty();
    assertThat(transactionIds(page(PRICES + "?limit=50"))).hasSize(DUTCH_RECORDS);
    for (JsonObject record : records(page(PRICES + "?flagged=true&limit=50"))) {
      JsonObject risk = record.getJsonObject("risk");
      assertThat(risk.getJsonArray("flags").getList()).containsExactly("payer_country_mismatch");
      assertThat(risk.getInteger("score")).isPositive();
      assertThat(risk.getJsonArray("findings").getJsonObject(0).getString("reason")).contains("CH");
    }
  }

  @Test
  void aFlaggedPageIsSignedOverItsRequestLikeAnyOther() {
    HttpResponse<Buffer> response =
        Partners.get(
            vertx,
            PKI,
            "customs-nl",
            gateway.partnerPort(),
            PRICES + "?flag=undervalued",
            "application/avro");

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/avro");
    assertThat(response.getHeader(CustomsEndpoints.SIGNATURE_HEADER)).isNotBlank();
  }
}
