package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.http.PartnerTransportTest.assertProblem;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
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
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The unit-value bands a customs recipient's records taught the undervaluation check, read over
 * mutual TLS: as JSON and CSV, page by page, only by the customs role and only its own.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class RiskBandEndpointsTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final String BANDS = RiskBandEndpoints.PATH;

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
    Partners.pushAccepted(
        vertx,
        PKI,
        "marketplace-alpha",
        gateway.partnerPort(),
        SampleTransactions.batch(0, 120, Instant.now().minus(2, ChronoUnit.HOURS)));
    Await.until(() -> !bands(page(BANDS)).isEmpty(), "the Dutch recipient's bands are learned");
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
  }

  private static HttpResponse<Buffer> get(String partner, String path) {
    return Partners.get(vertx, PKI, partner, gateway.partnerPort(), path, null);
  }

  private static JsonObject page(String path) {
    HttpResponse<Buffer> response = get("customs-nl", path);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static List<JsonObject> bands(JsonObject page) {
    List<JsonObject> bands = new ArrayList<>();
    page.getJsonArray("bands").forEach(band -> bands.add((JsonObject) band));
    return bands;
  }

  @Test
  void showsEachBandWithItsMedianSpreadAndQuantiles() {
    JsonObject page = page(BANDS);
    assertThat(page.getString("recipient")).isEqualTo("customs-nl");
    // The sample's headphones (HS 851830, pieces, from CN): one band over every origin, one by
    // origin.
    List<JsonObject> headphones =
        bands(page).stream().filter(band -> band.getString("hs6").equals("851830")).toList();
    assertThat(headphones).extracting(band -> band.getString("origin")).containsExactly(null, "CN");
    JsonObject band = headphones.get(0);
    assertThat(band.getString("unit")).isEqualTo("H87");
    assertThat(band.getLong("records")).isPositive();
    // The sample prices headphones within 20% of EUR 29.00.
    assertThat(Double.parseDouble(band.getString("medianEur"))).isBetween(23.0, 35.0);
    assertThat(Double.parseDouble(band.getString("robustDeviation"))).isGreaterThan(0);
    assertThat(band.getJsonObject("quantilesEur").fieldNames())
        .containsExactly("p5", "p10", "p25", "p50", "p75", "p90", "p95");
    assertThat(page.getString("nextAfter")).isNull();
  }

  @Test
  void pagesThroughEveryBandOnce() {
    int all = bands(page(BANDS)).size();
    List<String> seen = new ArrayList<>();
    String after = null;
    do {
      JsonObject page = page(BANDS + "?limit=2" + (after == null ? "" : "&after=" + after));
      bands(page)
          .forEach(
              band ->
                  seen.add(
                      band.getString("hs6")
                          + "/"
                          + band.getString("unit")
                          + "/"
                          + band.getString("origin")));
      after = page.getString("nextAfter");
    } while (after != null);
    assertThat(seen).hasSize(all).doesNotHaveDuplicates();
  }

  @Test
  void exportsTheBandsAsCsv() {
    HttpResponse<Buffer> response = get("customs-nl", BANDS + "?format=csv");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("content-type")).startsWith("text/csv");
    String[] lines = response.bodyAsString().split("\n");
    assertThat(lines[0])
        .isEqualTo(
            "hs6,unit,origin,records,median_eur,robust_deviation,"
                + "p5_eur,p10_eur,p25_eur,p50_eur,p75_eur,p90_eur,p95_eur");
    assertThat(lines).hasSize(bands(page(BANDS)).size() + 1);
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("851830,H87,CN,"));
  }

  @Test
  void refusesMalformedParameters() {
    assertProblem(get("customs-nl", BANDS + "?limit=0"), 400, "invalid_request");
    assertProblem(get("customs-nl", BANDS + "?format=xml"), 400, "invalid_request");
    assertProblem(get("customs-nl", BANDS + "?after=not%20a%20cursor"), 400, "invalid_request");
    // Base64url of a NUL byte, and of bytes that are not UTF-8.
    assertProblem(get("customs-nl", BANDS + "?after=AA"), 400, "invalid_request");
    assertProblem(get("customs-nl", BANDS + "?after=__8"), 400, "invalid_request");
  }

  @Test
  void isForTheCustomsRoleOnly() {
    HttpResponse<Buffer> response = get("marketplace-alpha", BANDS);
    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void aRecipientSeesOnlyItsOwnBands() {
    JsonArray german = get("customs-de", BANDS).bodyAsJsonObject().getJsonArray("bands");
    JsonArray dutch = page(BANDS).getJsonArray("bands");
    assertThat(german).isNotEqualTo(dutch);
  }
}
