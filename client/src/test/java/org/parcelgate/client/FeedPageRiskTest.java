package org.parcelgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.parcelgate.delivery.FeedFormat;
import org.parcelgate.delivery.Feeds;
import org.parcelgate.risk.Assessment;
import org.parcelgate.risk.Figure;
import org.parcelgate.risk.Finding;
import org.parcelgate.risk.Flag;
import org.parcelgate.risk.SellerSummary;
import org.parcelgate.store.FeedKind;
import org.parcelgate.store.StoredPrice;
import org.parcelgate.store.StoredSeller;

/**
 * The client reads the risk the gateway writes: pages made by the gateway's own {@link FeedFormat},
 * JSON and Avro, with findings, with none, and with risk off; and refuses a risk that is not the
 * protocol's.
 */
class FeedPageRiskTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant RECEIVED = Instant.parse("2026-11-28T20:15:03Z");

  private static final Schema TRANSACTION =
      SchemaBuilder.record("Transaction")
          .namespace("org.parcelgate.minimized")
          .fields()
          .requiredString("transactionId")
          .endRecord();

  private static final Schema SELLER =
      SchemaBuilder.record("Seller")
          .namespace("org.parcelgate.minimized")
          .fields()
          .requiredString("sellerId")
          .endRecord();

  private static final Finding UNDERVALUED =
      new Finding(
          Flag.UNDERVALUED,
          72,
          "Phone cases (HS 392690) from CN declared at EUR 0.40 a piece; such lines usually cost"
              + " EUR 3.10 to EUR 9.80.",
          List.of(new Figure("unitValueEur", "EUR 0.40"), new Figure("bandEur", "EUR 3.10-9.80")));

  private static final Finding PAYER =
      new Finding(
          Flag.PAYER_COUNTRY_MISMATCH,
          25,
          "Paid from an account in FR for delivery to NL.",
          List.of(new Figure("payerCountry", "FR"), new Figure("destination", "NL")));

  private static final List<Assessment> ASSESSMENTS =
      java.util.Arrays.asList(new Assessment(List.of(PAYER, UNDERVALUED)), Assessment.NONE, null);

  private static List<Feeds.PriceRecord> prices() {
    List<Feeds.PriceRecord> records = new ArrayList<>();
    for (int i = 0; i < ASSESSMENTS.size(); i++) {
      GenericRecord transaction = new GenericData.Record(TRANSACTION);
      transaction.put("transactionId", "ORD-" + i);
      records.add(
          new Feeds.PriceRecord(
              new StoredPrice(
                  i + 1,
                  "marketplace-alpha",
                  "ORD-" + i,
                  1,
                  "b",
                  i,
                  RECEIVED,
                  1,
                  i,
                  ASSESSMENTS.get(i)),
              TRANSACTION,
              "f".repeat(64),
              transaction));
    }
    return records;
  }

  private static FeedPage jsonPage(byte[] body) throws IOException {
    List<JsonNode> records = new ArrayList<>();
    JSON.readTree(body).path("records").forEach(records::add);
    return new FeedPage(records, "3", false, false, body, "k1");
  }

  private static void assertTheThreeRecords(List<Optional<RecordRisk>> risks) {
    assertThat(risks).hasSize(3);
    RecordRisk flagged = risks.get(0).orElseThrow();
    assertThat(flagged.flagged()).isTrue();
    assertThat(flagged.score()).isEqualTo(72);
    assertThat(flagged.flags()).containsExactly("undervalued", "payer_country_mismatch");
    assertThat(flagged.has("undervalued")).isTrue();
    assertThat(flagged.has("split_consignment")).isFalse();
    RecordRisk.Finding first = flagged.findings().get(0);
    assertThat(first.flag()).isEqualTo("undervalued");
    assertThat(first.category()).isEqualTo("valuation");
    assertThat(first.score()).isEqualTo(72);
    assertThat(first.reason()).isEqualTo(UNDERVALUED.reason());
    assertThat(first.figures())
        .containsExactly(
            Map.entry("unitValueEur", "EUR 0.40"), Map.entry("bandEur", "EUR 3.10-9.80"));
    assertThat(flagged.findings().get(1).category()).isEqualTo("three_way_match");

    RecordRisk clean = risks.get(1).orElseThrow();
    assertThat(clean.flagged()).isFalse();
    assertThat(clean.score()).isZero();
    assertThat(clean.flags()).isEmpty();

    assertThat(risks.get(2)).isEmpty();
  }

  @Test
  void readsTheRiskOfEachRecordOfAJsonPricePage() throws IOException {
    byte[] body =
        FeedFormat.pricesJson(
            new FeedFormat.Page("customs-nl", FeedKind.PRICE, 3, false), prices());

    assertTheThreeRecords(jsonPage(body).risks());
  }

  @Test
  void readsTheRiskOfEachRecordOfAnAvroPricePage() {
    byte[] body = FeedFormat.pricesAvro(TRANSACTION, prices());

    assertTheThreeRecords(new FeedPage(List.of(), "3", false, true, body, "k1").risks());
  }

  @Test
  void aRecordWithoutARiskMemberHasNoRisk() throws IOException {
    JsonNode record = JSON.readTree("{\"position\": 1, \"transactionId\": \"ORD-1\"}");

    assertThat(RecordRisk.of(record)).isEmpty();
  }

  @Test
  void keepsAFlagThisClientDoesNotKnow() throws IOException {
    JsonNode record =
        JSON.readTree(
            "{\"risk\": {\"score\": 40, \"flags\": [\"a_flag_from_the_future\"], \"findings\":"
                + " [{\"flag\": \"a_flag_from_the_future\", \"category\": \"new\", \"score\": 40,"
                + " \"reason\": \"r\", \"figures\": {}}]}}");

    assertThat(RecordRisk.of(record).orElseThrow().flags())
        .containsExactly("a_flag_from_the_future");
  }

  @Test
  void refusesARiskThatIsNotTheProtocols() throws IOException {
    for (String risk :
        List.of(
            "\"high\"",
            "{\"score\": \"80\", \"flags\": [], \"findings\": []}",
            "{\"score\": 80, \"flags\": [], \"findings\": [{\"flag\": \"undervalued\"}]}",
            "{\"score\": 80, \"flags\": [7], \"findings\": []}",
            "{\"score\": 80, \"flags\": []}")) {
      JsonNode record = JSON.readTree("{\"risk\": " + risk + "}");
      assertThatThrownBy(() -> RecordRisk.of(record))
          .as(risk)
          .isInstanceOf(ClientException.class)
          .hasMessageContaining("risk");
    }
  }

  @Test
  void readsTheRiskSummaryOfEachRecordOfAJsonSellerPage() throws IOException {
    SellerSummary summary =
        SellerSummary.EMPTY
            .withAssessment(new Assessment(List.of(UNDERVALUED)))
            .withAssessment(Assessment.NONE)
            .withRevenue("2026-11", "EUR", 2100, 300, 1000);
    List<Feeds.SellerRecord> sellers = new ArrayList<>();
    for (SellerSummary risk : java.util.Arrays.asList(summary, null)) {
      GenericRecord identity = new GenericData.Record(SELLER);
      identity.put("sellerId", "seller-7");
      sellers.add(
          new Feeds.SellerRecord(
              new StoredSeller(
                  1,
                  "marketplace-alpha",
                  "seller-7",
                  RECEIVED,
                  RECEIVED,
                  2,
                  List.of(),
                  "e",
                  new byte[0],
                  risk),
              SELLER,
              identity));
    }
    byte[] body =
        FeedFormat.sellersJson(
            new FeedFormat.Page("customs-nl", FeedKind.SELLER, 1, false), sellers);

    List<Optional<SellerRisk>> risks = jsonPage(body).sellerRisks();

    SellerRisk first = risks.get(0).orElseThrow();
    assertThat(first.assessed()).isEqualTo(2);
    assertThat(first.flagged()).containsExactly(Map.entry("undervalued", 1L));
    assertThat(first.revenue())
        .containsExactly(new SellerRisk.Period("2026-11", "EUR", 1, 2100, 300, 1000, 1400));
    assertThat(risks.get(1)).isEmpty();
  }

  @Test
  void theQueryAsksForFlaggedRecordsOrOneFlag() {
    assertThat(FeedQuery.fromStart().flagged().queryString()).isEqualTo("?flagged=true");
    assertThat(FeedQuery.fromStart().cursor("4").flag("split_consignment").queryString())
        .isEqualTo("?cursor=4&flag=split_consignment");
  }
}
