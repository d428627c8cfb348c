package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.delivery.Feeds;
import org.parcelgate.http.CustomsEndpoints;
import org.parcelgate.metrics.GatewayMetrics;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.risk.Assessment;
import org.parcelgate.risk.Detector;
import org.parcelgate.risk.Finding;
import org.parcelgate.risk.Flag;
import org.parcelgate.risk.RiskEngine;
import org.parcelgate.risk.RiskRecord;
import org.parcelgate.risk.RiskState;
import org.parcelgate.risk.SellerSummary;
import org.parcelgate.risk.StateKey;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.store.FeedQuery;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.MetricsScrape;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;
import org.parcelgate.testing.TestPrivacy;

/**
 * The risk assessor in a running gateway: batches pushed over mutual TLS are assessed after their
 * commit by a detector of the test, a pull right after a push shows every accepted record, and the
 * records and sellers carry what was found; with {@code risk.enabled: false} nothing is assessed
 * and nothing waits for it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class RiskGatewayTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final String NL = TestPrivacy.RECIPIENT;
  private static final Instant ORDERED = Instant.now().minus(2, ChronoUnit.HOURS);

  /** Sample transactions 1..60: sellers n % 50, so sellers 1..10 sell twice. */
  private static final int RECORDS = 60;

  private static Vertx vertx;
  private static Gateway gateway;
  private static Gateway off;

  /**
   * Flags a record of seller-3 (as if its IOSS number were another seller's) and a seller's second
   * record and later (counted per seller in the recipient's risk state).
   */
  static final class SellerThreeAndRepeats implements Detector {
    @Override
    public List<StateKey> keys(RiskRecord record) {
      return List.of(new StateKey("test-seen", record.sellerId()));
    }

    @Override
    public void assess(
        RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
      if ("seller-3".equals(record.sellerId())) {
        findings.add(
            new Finding(
                Flag.IOSS_OF_ANOTHER_SELLER, 90, "seller-3 uses another's IOSS", List.of()));
      }
      StateKey key = new StateKey("test-seen", record.sellerId());
      if (state.get(key) != null) {
        findings.add(new Finding(Flag.SPLIT_CONSIGNMENT, 50, "The seller sold before", List.of()));
      }
      state.put(key, new byte[] {1}, null);
    }
  }

  private static TestGateway.Running start(Map<String, String> env) {
    return Await.result(
        TestGateway.start(
            vertx,
            env,
            Clock.systemUTC(),
            (settings, reference) -> new RiskEngine(List.of(new SellerThreeAndRepeats()))));
  }

  @BeforeAll
  static void start(Vertx shared) {
    vertx = shared;
    gateway = start(TestGateway.environment(PKI)).gateway();
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_RISK_ENABLED", "false");
    off = start(env).gateway();
    Partners.pushAccepted(
        vertx,
        PKI,
        "marketplace-alpha",
        gateway.partnerPort(),
        SampleTransactions.batch(1, RECORDS, ORDERED));
    Partners.pushAccepted(
        vertx,
        PKI,
        "marketplace-alpha",
        off.partnerPort(),
        SampleTransactions.batch(1, RECORDS, ORDERED));
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.stop());
    Await.result(off.stop());
  }

  private static List<Object> pulledIds(Gateway from) {
    HttpResponse<Buffer> response =
        Partners.get(
            vertx, PKI, NL, from.partnerPort(), CustomsEndpoints.PRICE_PATH + "?limit=100", null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("records").stream()
        .map(record -> ((JsonObject) record).getString("transactionId"))
        .map(Object.class::cast)
        .toList();
  }

  private static Map<String, Assessment> assessments(FeedQuery query) {
    return gateway.feeds().prices(query).stream()
        .collect(
            Collectors.toMap(
                Feeds.PriceRecord::stored,
                record -> record.stored().assessment(),
                (a, b) -> a,
                java.util.LinkedHashMap::new))
        .entrySet()
        .stream()
        .collect(
            Collectors.toMap(
                e -> e.getKey().transactionId(),
                Map.Entry::getValue,
                (a, b) -> a,
                java.util.LinkedHashMap::new));
  }

  @Test
  void aPullRightAfterAPushShowsEveryAcceptedRecord() {
    // The pull waits for the assessor to pass the feed's head of its time: no record is missing.
    assertThat(pulledIds(gateway)).hasSize(RECORDS).contains("ORD-1", "ORD-60");
  }

  @Test
  void eachRecordCarriesWhatTheDetectorsFoundAndTheOthersNothing() {
    Map<String, Assessment> found = assessments(FeedQuery.after(NL, 0, 100));

    assertThat(found).hasSize(RECORDS);
    assertThat(found.get("ORD-3").findings())
        .extracting(Finding::flag)
        .containsExactly(Flag.IOSS_OF_ANOTHER_SELLER);
    assertThat(found.get("ORD-53").findings())
        .extracting(Finding::flag)
        .containsExactly(Flag.IOSS_OF_ANOTHER_SELLER, Flag.SPLIT_CONSIGNMENT);
    assertThat(found.get("ORD-51").findings())
        .extracting(Finding::flag)
        .containsExactly(Flag.SPLIT_CONSIGNMENT);
    assertThat(found.get("ORD-1")).isEqualTo(Assessment.NONE);
    assertThat(found.get("ORD-50")).isEqualTo(Assessment.NONE);
    assertThat(found.values().stream().filter(Assessment::flagged)).hasSize(11);
  }

  @Test
  void theFeedGivesFlaggedRecordsOnlyOrThoseOfOneFlag() {
    FeedQuery all = FeedQuery.after(NL, 0, 100);

    assertThat(assessments(all.flagged(null))).hasSize(11).containsKeys("ORD-3", "ORD-51");
    assertThat(assessments(all.flagged(Flag.IOSS_OF_ANOTHER_SELLER)).keySet())
        .containsExactly("ORD-3", "ORD-53");
    assertThat(assessments(all.flagged(Flag.UNDERVALUED))).isEmpty();
  }

  @Test
  void sellerRecordsCarryTheSellersSummary() {
    FeedQuery sellers = FeedQuery.after(NL, 0, 100);
    // Summaries are read from the stored state: as of the assessor's last checkpoint, which an
    // idle assessor writes within a round of its last step.
    Await.until(
        () -> summaries(sellers).size() == 50 && summaries(sellers).get("seller-3").assessed() == 2,
        "the seller feed followed and the assessor's state was written");

    Map<String, SellerSummary> risk = summaries(sellers);

    assertThat(risk.get("seller-3").assessed()).isEqualTo(2);
    assertThat(risk.get("seller-3").flagged())
        .containsOnly(
            Map.entry(Flag.IOSS_OF_ANOTHER_SELLER, 2L), Map.entry(Flag.SPLIT_CONSIGNMENT, 1L));
    assertThat(risk.get("seller-20").assessed()).isEqualTo(1);
    assertThat(risk.get("seller-20").flagged()).isEmpty();
  }

  private static Map<String, SellerSummary> summaries(FeedQuery sellers) {
    return gateway.feeds().sellers(sellers).stream()
        .collect(Collectors.toMap(s -> s.stored().sellerId(), s -> s.stored().risk()));
  }

  @Test
  void metricsCountAssessedRecordsAndFindingsByFlag() {
    pulledIds(gateway);
    MetricsScrape scrape = MetricsScrape.of(vertx, gateway.opsPort());

    assertThat(scrape.value("parcelgate_risk_assessed_records_total", Map.of())).hasValue(RECORDS);
    assertThat(
            scrape.value(
                "parcelgate_risk_findings_total",
                Map.of("flag", Flag.IOSS_OF_ANOTHER_SELLER.wireName())))
        .hasValue(2);
    assertThat(
            scrape.value(
                "parcelgate_risk_findings_total",
                Map.of("flag", Flag.SPLIT_CONSIGNMENT.wireName())))
        .hasValue(10);
    assertThat(scrape.value("parcelgate_risk_findings_total", Map.of("flag", "undervalued")))
        .hasValue(0);
    assertThat(scrape.value("parcelgate_risk_lag_records", Map.of())).hasValue(0);
    assertThat(GatewayMetrics.RISK_LAG).isEqualTo("parcelgate.risk.lag.records");
    // One instance from the start: nothing judged again. Its state is written once it is idle.
    assertThat(scrape.value("parcelgate_risk_replayed_records_total", Map.of())).hasValue(0);
    Await.until(
        () ->
            MetricsScrape.of(vertx, gateway.opsPort())
                    .value("parcelgate_risk_checkpoint_values_count", Map.of())
                    .orElse(0)
                >= 1,
        "a checkpoint of the risk state");
    // This gateway's detectors keep no split groups (RiskTablesTest counts them in the index).
    assertThat(
            MetricsScrape.of(vertx, gateway.opsPort())
                .value("parcelgate_risk_split_groups", Map.of()))
        .hasValue(0);
    assertThat(GatewayMetrics.RISK_SPLIT_GROUPS).isEqualTo("parcelgate.risk.split.groups");
  }

  @Test
  void aMalformedReferenceTableStopsTheStart() throws Exception {
    java.nio.file.Path tables = TestPki.temporaryDirectory("risk-tables");
    java.nio.file.Files.writeString(
        tables.resolve("exchange-rates.csv"), "currency,from,per_eur\nUSD,yesterday,1.08\n");
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_RISK_REFERENCE_DIRECTORY", tables.toString());

    Throwable failure =
        Await.failure(TestGateway.start(vertx, env, Clock.systemUTC()).map(r -> r.gateway()));

    assertThat(failure).isInstanceOf(StartupException.class);
    assertThat(failure.getMessage()).contains("risk reference tables");
    assertThat(failure).hasStackTraceContaining("exchange-rates.csv");
    // The same directory with risk off is not read.
    env.put("PARCELGATE_RISK_ENABLED", "false");
    Gateway started = Await.result(TestGateway.start(vertx, env, Clock.systemUTC())).gateway();
    Await.result(started.stop());
  }

  @Test
  void withRiskOffRecordsAreDeliveredUnassessed() {
    assertThat(pulledIds(off)).hasSize(RECORDS);

    assertThat(off.feeds().prices(FeedQuery.after(NL, 0, 100)))
        .hasSize(RECORDS)
        .allSatisfy(record -> assertThat(record.stored().assessment()).isNull());
    assertThat(off.feeds().prices(FeedQuery.after(NL, 0, 100).flagged(null))).isEmpty();
    assertThat(MetricsScrape.of(vertx, off.opsPort()).sampleNames())
        .doesNotContain("parcelgate_risk_lag_records", "parcelgate_risk_split_groups");
  }

  /** Fails on every Dutch record, as a detector with a bug would. */
  static final class FailsOnDutchRecords implements Detector {
    @Override
    public List<StateKey> keys(RiskRecord record) {
      return List.of();
    }

    @Override
    public void assess(
        RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
      if ("NL".equals(record.destinationCountry())) {
        throw new IllegalStateException("a detector's bug");
      }
    }
  }

  @Test
  void aRecipientWhoseRecordsCannotBeAssessedHoldsUpNoOtherRecipient() {
    Map<String, String> env = TestGateway.environment(PKI);
    env.put(
        "PARCELGATE_PRIVACY_RECIPIENTS",
        NL + "=builtin:customs-default,customs-de=builtin:customs-default");
    env.put("PARCELGATE_DELIVERY_DESTINATIONS", NL + "=NL,customs-de=DE");
    Gateway failing =
        Await.result(
                TestGateway.start(
                    vertx,
                    env,
                    Clock.systemUTC(),
                    (settings, reference) -> new RiskEngine(List.of(new FailsOnDutchRecords()))))
            .gateway();
    try {
      Partners.pushAccepted(
          vertx,
          PKI,
          "marketplace-alpha",
          failing.partnerPort(),
          SampleTransactions.batch(1, 12, ORDERED));
      // Orders 1 and 7 go to Germany, 6 and 12 to the Netherlands.
      Await.until(
          () -> failing.feeds().assessedPrices(FeedQuery.after("customs-de", 0, 100)).size() == 2,
          "the German records are assessed and delivered");
      assertThat(failing.feeds().assessedPrices(FeedQuery.after(NL, 0, 100))).isEmpty();
    } finally {
      Await.result(failing.stop());
    }
  }
}
