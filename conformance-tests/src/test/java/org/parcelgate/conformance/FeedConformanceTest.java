package org.parcelgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.conformance.Conformance.assertProblem;
import static org.parcelgate.conformance.Conformance.json;
import static org.parcelgate.conformance.Conformance.partner;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.schema.Transaction;

/**
 * Protocol section 8: each customs administration reads the records bound for its own destinations
 * (the sample routing: customs-nl NL, customs-de DE), every page signed over its exact bytes, in
 * JSON and Avro.
 */
@ExtendWith(ConformanceReport.class)
class FeedConformanceTest {
  private static final Map<String, String> DESTINATIONS =
      Map.of("customs-nl", "NL", "customs-de", "DE");

  /** What the goods are: a description that stays readable once masked. */
  private static final String GOODS = "Bluetooth over-ear headphones";

  /**
   * Personal data sellers put into descriptions, in other scripts than ASCII: an internationalized
   * e-mail address, a phone number in Arabic-Indic digits, an address with a fullwidth at sign.
   */
  private static final List<String> PERSONAL_DATA_IN_DESCRIPTIONS =
      List.of("jürgen.x@bücher.de", "+٤٩ ١٥١ ٢٣٤٥ ٦٧٨٩", "info＠example.com");

  private static List<Transaction> records;
  private static String batchId;
  private static JWKSet keys;

  @BeforeAll
  static void pushSixOrders() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    records = Conformance.records(6);
    byte[] body = Conformance.container(records);
    HttpResponse<String> stored = alpha.postBatch(body, alpha.token().body(body).sign());
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(202);
    batchId = json(stored).get("batchId").toString();
    keys = Conformance.gatewayKeys();
    // Seller records are built after the batch is stored (protocol.md): wait, within a bound, until
    // each administration's seller feed shows the marketplace's sellers.
    for (String administration : DESTINATIONS.keySet()) {
      awaitSellers(partner(administration));
    }
  }

  private static void awaitSellers(Partners customs) throws Exception {
    String path = "/v1/customs/seller-records?marketplace=marketplace-alpha";
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      HttpResponse<byte[]> page =
          customs.getBytes(path, customs.token().sign(), "application/json");
      Map<String, Object> json =
          JSONObjectUtils.parse(new String(page.body(), StandardCharsets.UTF_8));
      if (page.statusCode() == 200 && !((List<?>) json.get("records")).isEmpty()) {
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
    }
  }

  @Test
  void eachAdministrationReadsTheSignedPriceRecordsOfItsOwnDestinationsOnly() throws Exception {
    for (Map.Entry<String, String> administration : DESTINATIONS.entrySet()) {
      Partners customs = partner(administration.getKey());
      List<String> expected =
          records.stream()
              .filter(
                  r -> r.getShipment().getDestinationCountry().equals(administration.getValue()))
              .map(Transaction::getTransactionId)
              .toList();
      List<String> found = new ArrayList<>();
      String cursor = "0";
      boolean more = true;
      while (more) {
        String path =
            "/v1/customs/price-records?cursor="
                + cursor
                + "&limit=500&marketplace=marketplace-alpha";
        HttpResponse<byte[]> page =
            customs.getBytes(path, customs.token().sign(), "application/json");
        assertThat(page.statusCode()).isEqualTo(200);
        assertSigned(page, administration.getKey(), path);
        Map<String, Object> json =
            JSONObjectUtils.parse(new String(page.body(), StandardCharsets.UTF_8));
        for (Object record : (List<?>) json.get("records")) {
          Map<?, ?> price = (Map<?, ?>) record;
          if (batchId.equals(price.get("batchId"))) {
            found.add(price.get("transactionId").toString());
          }
        }
        cursor = json.get("nextCursor").toString();
        more = (Boolean) json.get("more");
      }
      assertThat(found).as(administration.getKey()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void servesAnAvroPriceRecordPageSignedOverItsExactBytes() throws Exception {
    assertAvroPage("customs-nl", "/v1/customs/price-records?limit=5", "PriceRecord");
  }

  @Test
  void servesAnAvroSellerRecordPageSignedOverItsExactBytes() throws Exception {
    assertAvroPage(
        "customs-de", "/v1/customs/seller-records?marketplace=marketplace-alpha", "SellerRecord");
  }

  @Test
  void answersACursorPastTheEndWithAnEmptyPageThatStaysThere() throws Exception {
    Partners customs = partner("customs-nl");
    String path = "/v1/customs/price-records?cursor=" + Long.MAX_VALUE / 2;

    HttpResponse<byte[]> page = customs.getBytes(path, customs.token().sign(), "application/json");

    assertThat(page.statusCode()).isEqualTo(200);
    assertSigned(page, "customs-nl", path);
    Map<String, Object> json =
        JSONObjectUtils.parse(new String(page.body(), StandardCharsets.UTF_8));
    assertThat((List<?>) json.get("records")).isEmpty();
    assertThat(json.get("nextCursor")).isEqualTo(Long.toString(Long.MAX_VALUE / 2));
    assertThat(json.get("more")).isEqualTo(false);
  }

  @Test
  void servesTheSellerChangeFeedSigned() throws Exception {
    Partners customs = partner("customs-de");
    String path = "/v1/customs/seller-records?marketplace=marketplace-alpha";

    HttpResponse<byte[]> page = customs.getBytes(path, customs.token().sign(), "application/json");

    assertThat(page.statusCode()).isEqualTo(200);
    assertSigned(page, "customs-de", path);
    Map<String, Object> json =
        JSONObjectUtils.parse(new String(page.body(), StandardCharsets.UTF_8));
    assertThat(json.get("feed")).isEqualTo("seller");
    assertThat((List<?>) json.get("records")).isNotEmpty();
  }

  @Test
  void refusesMalformedParametersAndAnUnservedMediaType() throws Exception {
    Partners customs = partner("customs-nl");
    assertProblem(
        customs.get("/v1/customs/price-records?cursor=x", customs.token().sign()),
        400,
        "invalid_cursor");
    assertProblem(
        customs.send(
            "GET",
            "/v1/customs/price-records",
            customs.token().sign(),
            Map.of("Accept", "text/html"),
            null),
        406,
        "not_acceptable");
    assertProblem(
        customs.get("/v1/customs/seller-records?destination=NL", customs.token().sign()),
        400,
        "invalid_request");
    for (String limit : List.of("0", "-1", "many")) {
      assertProblem(
          "limit " + limit,
          customs.get("/v1/customs/price-records?limit=" + limit, customs.token().sign()),
          400,
          "invalid_request");
    }
  }

  @Test
  void everyPriceRecordCarriesItsRiskAssessmentOrNull() throws Exception {
    Partners customs = partner("customs-nl");
    String path = "/v1/customs/price-records?limit=50&marketplace=marketplace-alpha";

    HttpResponse<byte[]> page = customs.getBytes(path, customs.token().sign(), "application/json");

    assertThat(page.statusCode()).isEqualTo(200);
    Map<String, Object> json =
        JSONObjectUtils.parse(new String(page.body(), StandardCharsets.UTF_8));
    List<?> prices = (List<?>) json.get("records");
    assertThat(prices).isNotEmpty();
    for (Object record : prices) {
      Map<?, ?> price = (Map<?, ?>) record;
      assertThat(price.containsKey("risk"))
          .as("price record %s has risk", price.get("position"))
          .isTrue();
      if (price.get("risk") != null) {
        // Null when the gateway does not assess risk; otherwise score, flags and findings.
        Map<?, ?> risk = (Map<?, ?>) price.get("risk");
        assertThat(risk.get("score")).isInstanceOf(Number.class);
        int score = ((Number) risk.get("score")).intValue();
        assertThat(score).isBetween(0, 100);
        assertThat(risk.get("flags")).isInstanceOf(List.class);
        assertThat(risk.get("findings")).isInstanceOf(List.class);
        // Score 0 exactly when nothing was found.
        assertThat(((List<?>) risk.get("findings")).isEmpty()).isEqualTo(score == 0);
        assertThat(((List<?>) risk.get("flags")).isEmpty()).isEqualTo(score == 0);
      }
    }
  }

  @Test
  void refusesAFlagOutsideTheVocabularyAndTheRiskFiltersOnTheSellerFeed() throws Exception {
    Partners customs = partner("customs-nl");
    for (String path :
        List.of(
            "/v1/customs/price-records?flag=no_such_flag",
            "/v1/customs/price-records?flagged=maybe",
            "/v1/customs/seller-records?flagged=true",
            "/v1/customs/seller-records?flag=undervalued")) {
      assertProblem(path, customs.get(path, customs.token().sign()), 400, "invalid_request");
    }
    String flagged = "/v1/customs/price-records?flagged=true";
    HttpResponse<byte[]> page =
        customs.getBytes(flagged, customs.token().sign(), "application/json");
    assertThat(page.statusCode()).isEqualTo(200);
    assertSigned(page, "customs-nl", flagged);
  }

  @Test
  void masksInternationalizedEmailAddressesAndPhoneNumbersInTheDescriptionsItServes()
      throws Exception {
    Partners alpha = partner("marketplace-alpha");
    // Six orders in a row cover every sample destination; customs-nl receives the one to NL.
    Transaction order =
        Conformance.records(6).stream()
            .filter(r -> r.getShipment().getDestinationCountry().equals("NL"))
            .findFirst()
            .orElseThrow();
    order
        .getItems()
        .get(0)
        .setDescription(
            GOODS
                + "; questions to "
                + String.join(" or ", PERSONAL_DATA_IN_DESCRIPTIONS)
                + " before ordering");
    byte[] body = Conformance.container(List.of(order));
    HttpResponse<String> stored = alpha.postBatch(body, alpha.token().body(body).sign());
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(202);
    assertThat(json(stored).get("accepted")).isEqualTo(1L);
    Partners customs = partner("customs-nl");
    String path =
        "/v1/customs/price-records?marketplace=marketplace-alpha&trackingNumber="
            + order.getShipment().getTrackingNumber();

    // The look-up by tracking number is built after the batch is stored (protocol.md, "a moment
    // after it appears in the feed"): ask until it finds the order, within a bound.
    HttpResponse<byte[]> page = lookUp(customs, path, order.getTransactionId());
    HttpResponse<byte[]> avro = customs.getBytes(path, customs.token().sign(), "application/avro");

    List<String> served = new ArrayList<>();
    for (HttpResponse<byte[]> answer : List.of(page, avro)) {
      assertThat(answer.statusCode()).isEqualTo(200);
      assertSigned(answer, "customs-nl", path);
      served.addAll(firstItemDescriptions(answer, order.getTransactionId()));
    }
    assertThat(served).as("the order's description, in JSON and in Avro").hasSize(2);
    for (String description : served) {
      assertThat(description)
          .as("the goods stay, each value is masked whole (docs/privacy.md)")
          .startsWith(GOODS)
          .contains("[phone]")
          .containsPattern("\\[email\\].*\\[email\\]");
      for (String value : PERSONAL_DATA_IN_DESCRIPTIONS) {
        assertThat(description).as("served description").doesNotContain(value);
      }
      for (String part : List.of("jürgen", "bücher", "info", "example", "١٥١", "٢٣٤٥", "٦٧٨٩")) {
        assertThat(description).as("no part of a value either").doesNotContain(part);
      }
    }
    for (String value : PERSONAL_DATA_IN_DESCRIPTIONS) {
      assertThat(new String(page.body(), StandardCharsets.UTF_8))
          .as("the JSON page's text")
          .doesNotContain(value);
    }
  }

  /** The first item's description of each of the transaction's records on a JSON or Avro page. */
  /** The JSON page of a tracking-number look-up, once it holds the transaction (at most 10 s). */
  private static HttpResponse<byte[]> lookUp(Partners customs, String path, String transactionId)
      throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (true) {
      HttpResponse<byte[]> page =
          customs.getBytes(path, customs.token().sign(), "application/json");
      if (page.statusCode() != 200
          || !firstItemDescriptions(page, transactionId).isEmpty()
          || System.nanoTime() > deadline) {
        return page;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
    }
  }

  private static List<String> firstItemDescriptions(HttpResponse<byte[]> page, String id)
      throws Exception {
    List<String> descriptions = new ArrayList<>();
    if (page.headers().firstValue("Content-Type").orElse("").startsWith("application/avro")) {
      try (DataFileReader<GenericRecord> reader =
          new DataFileReader<>(
              new SeekableByteArrayInput(page.body()), new GenericDatumReader<>())) {
        for (GenericRecord record : reader) {
          GenericRecord transaction = (GenericRecord) record.get("transaction");
          if (id.equals(transaction.get("transactionId").toString())) {
            List<?> items = (List<?>) transaction.get("items");
            descriptions.add(((GenericRecord) items.get(0)).get("description").toString());
          }
        }
      }
      return descriptions;
    }
    Map<String, Object> json =
        JSONObjectUtils.parse(new String(page.body(), StandardCharsets.UTF_8));
    for (Object record : (List<?>) json.get("records")) {
      Map<?, ?> transaction = (Map<?, ?>) ((Map<?, ?>) record).get("transaction");
      if (id.equals(transaction.get("transactionId"))) {
        List<?> items = (List<?>) transaction.get("items");
        descriptions.add(((Map<?, ?>) items.get(0)).get("description").toString());
      }
    }
    return descriptions;
  }

  private static void assertAvroPage(String recipient, String path, String recordName)
      throws Exception {
    Partners customs = partner(recipient);

    HttpResponse<byte[]> page = customs.getBytes(path, customs.token().sign(), "application/avro");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("application/avro");
    assertThat(page.headers().firstValue("Parcelgate-Next-Cursor")).isPresent();
    assertSigned(page, recipient, path);
    try (DataFileReader<GenericRecord> reader =
        new DataFileReader<>(new SeekableByteArrayInput(page.body()), new GenericDatumReader<>())) {
      assertThat(reader.getSchema().getName()).isEqualTo(recordName);
      assertThat(reader.getSchema().getNamespace()).isEqualTo("org.parcelgate.delivery");
      assertThat(reader.hasNext()).isTrue();
    }
  }

  /**
   * The page's detached signature verifies over exactly these bytes, for this reader and request.
   */
  private static void assertSigned(HttpResponse<byte[]> page, String recipient, String request)
      throws Exception {
    String signature = page.headers().firstValue("Parcelgate-Signature").orElseThrow();
    JWSObject jws = JWSObject.parse(signature, new Payload(page.body()));
    assertThat(jws.getHeader().getType().getType()).isEqualTo("parcelgate-feed+jws");
    assertThat(Conformance.verifies(jws, keys)).as("page signature").isTrue();
    assertThat(jws.getHeader().getCustomParam("iss"))
        .as("signed by the gateway")
        .isEqualTo(Conformance.target().audience);
    assertThat(jws.getHeader().getCustomParam("aud")).isEqualTo(recipient);
    assertThat(jws.getHeader().getCustomParam("request")).isEqualTo(request);
    assertThat(jws.getHeader().getCustomParam("next_cursor"))
        .as("the next cursor is signed")
        .isEqualTo(page.headers().firstValue("Parcelgate-Next-Cursor").orElseThrow());
    assertThat(jws.getHeader().getCustomParam("more"))
        .isEqualTo(Boolean.valueOf(page.headers().firstValue("Parcelgate-More").orElseThrow()));
    byte[] flipped = page.body().clone();
    flipped[flipped.length / 2] ^= 1;
    assertThat(Conformance.verifies(JWSObject.parse(signature, new Payload(flipped)), keys))
        .as("a changed byte breaks the signature")
        .isFalse();
  }
}
