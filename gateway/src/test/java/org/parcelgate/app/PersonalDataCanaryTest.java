package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.CustomsEndpoints;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.Address;
import org.parcelgate.schema.Buyer;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.MinimizedBatch;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.GatewayProcess;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The proof that raw personal data stays out: a batch whose every personal-data field holds a
 * unique marker goes through a real gateway process, a privacy officer reads the log, and then
 * everything customs can receive (the recipient's minimized records), every file of the data
 * directory, the gateway's whole log output and the officer's answers are searched. No marker may
 * appear; the buyer id only as its pseudonym, the postal code only as its prefix.
 *
 * <p>The free text (the descriptions, the one field the shipped policy masks) holds, besides ASCII
 * values, internationalized ones (issue 12): e-mail addresses with non-ASCII local parts and IDN
 * domains, fullwidth at signs, phone numbers in Arabic-Indic and fullwidth digits, ID numbers in
 * Cyrillic and Greek. Every place is searched as bytes for each marker's UTF-8 and UTF-16 encodings
 * and its form with non-ASCII characters escaped as JSON writes them, and for the record's tag
 * alone, so a value left half masked (the tag before an unmatched letter) counts as a leak too.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class PersonalDataCanaryTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final int RECORDS = 3;

  @Test
  void noPersonalDataMarkerLeavesTheGatewayOrReachesTheDisk(Vertx vertx) throws Exception {
    Path data = TestPki.temporaryDirectory("canary-data");
    Path log = TestPki.temporaryDirectory("canary-log").resolve("gateway.log");
    Map<String, String> markers = new LinkedHashMap<>();
    List<Transaction> records = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      records.add(
          marked(SampleTransactions.valid(7_000 + i, Instant.now().minusSeconds(600)), i, markers));
    }
    byte[] body = Containers.write(records);
    List<String> answers = new ArrayList<>();

    String batchId;
    try (GatewayProcess gateway =
        GatewayProcess.launch(
            PKI, data, log, GatewayProcess.freePort(), GatewayProcess.freePort(), Map.of())) {
      gateway.awaitReady(vertx);
      Identity alpha = PKI.identity("marketplace-alpha");
      try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, gateway.partnerPort())) {
        String token =
            RequestTokens.of(alpha, "ES256", TestGateway.GATEWAY_ID, Instant.now())
                .body(body)
                .sign();
        HttpResponse<Buffer> response = Await.result(client.postBatch(body, token));
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.bodyAsJsonObject().getInteger("accepted")).isEqualTo(RECORDS);
        batchId = response.bodyAsJsonObject().getString("batchId");
        answers.add(new String(response.body().getBytes(), StandardCharsets.ISO_8859_1));
      }
      Identity officer = PKI.identity("privacy-officer");
      try (PartnerClient client = PartnerClient.of(vertx, PKI, officer, gateway.partnerPort())) {
        for (String path :
            List.of(
                "/v1/privacy/entries",
                "/v1/privacy/export?format=jsonl",
                "/v1/privacy/export?format=csv",
                "/v1/privacy/stats")) {
          String token =
              RequestTokens.of(officer, "ES256", TestGateway.GATEWAY_ID, Instant.now()).sign();
          HttpResponse<Buffer> answer = Await.result(client.get(path, token));
          assertThat(answer.statusCode()).as(path).isEqualTo(200);
          answers.add(new String(answer.body().getBytes(), StandardCharsets.ISO_8859_1));
        }
      }
      // What customs reads from its feeds, as JSON and as Avro.
      for (String accept : new String[] {"application/json", "application/avro"}) {
        for (String path : List.of(CustomsEndpoints.PRICE_PATH, CustomsEndpoints.SELLER_PATH)) {
          HttpResponse<Buffer> answer =
              Partners.get(vertx, PKI, "customs-nl", gateway.partnerPort(), path, accept);
          assertThat(answer.statusCode()).as(path).isEqualTo(200);
          answers.add(new String(answer.body().getBytes(), StandardCharsets.ISO_8859_1));
        }
      }
      assertThat(answers.get(answers.size() - 4)).contains("\"position\":" + RECORDS + ",");
    }

    // What customs can receive: the recipient's minimized copy.
    List<GenericRecord> delivered;
    try (GatewayStore store = EmbeddedStore.open(data)) {
      MinimizedBatch copy = store.minimizedRecords(batchId, "customs-nl").orElseThrow();
      delivered = read(copy.records());
    }
    assertThat(delivered).hasSize(RECORDS);
    for (GenericRecord record : delivered) {
      GenericRecord buyer = (GenericRecord) record.get("buyer");
      assertThat(buyer.get("buyerId").toString()).matches("p1_[A-Za-z0-9_-]{43}");
      assertThat(((GenericRecord) buyer.get("address")).get("postalCode").toString())
          .isEqualTo("97");
      List<?> items = (List<?>) record.get("items");
      String description = ((GenericRecord) items.get(0)).get("description").toString();
      assertThat(description).contains("[email]").contains("[phone]").contains("[id]");
      assertThat(((GenericRecord) items.get(1)).get("description").toString())
          .isEqualTo(INTERNATIONAL_MASKED);
    }

    // Every place as bytes (ISO-8859-1 maps each byte to one char), searched for each marker's
    // bytes in every encoding it could have been written in.
    Map<String, String> places = new LinkedHashMap<>();
    places.put("the records customs can receive", latin1(delivered.toString()));
    places.put("the gateway's log output", Files.readString(log, StandardCharsets.ISO_8859_1));
    for (int i = 0; i < answers.size(); i++) {
      places.put("answer " + i, answers.get(i));
    }
    try (Stream<Path> files = Files.walk(data)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        places.put(
            "data file " + data.relativize(file),
            new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(places.keySet()).anyMatch(place -> place.startsWith("data file "));
    for (Map.Entry<String, String> place : places.entrySet()) {
      for (Map.Entry<String, String> marker : markers.entrySet()) {
        for (String encoded : encodings(marker.getValue())) {
          assertThat(place.getValue())
              .as("%s in %s", marker.getKey(), place.getKey())
              .doesNotContain(encoded);
        }
      }
    }
  }

  /**
   * The free text of a second line item: internationalized e-mail addresses, phone numbers and ID
   * numbers, each a marker; {@link #INTERNATIONAL_MASKED} is what customs must get.
   */
  private static String international(int i, String tag, Map<String, String> markers) {
    String lower = tag.toLowerCase(Locale.ROOT);
    return String.join(
        " ",
        "Чайник, пишите",
        mark(markers, "IDN e-mail#" + i, "пользователь." + lower + "@пример.рф") + ",",
        mark(markers, "non-ASCII local part#" + i, lower + ".jürgen@example.com") + ",",
        mark(markers, "fullwidth at#" + i, "山田" + lower + "＠例え．日本") + ",",
        mark(markers, "spelled at#" + i, "jürgen" + lower + " (at) bücher (dot) de") + ";",
        "☎",
        mark(markers, "Arabic-Indic phone#" + i, "+٩٧١ ٥٠ " + arabicIndic(86_429_753 + i)) + ",",
        mark(markers, "fullwidth phone#" + i, "＋３１ ６ " + fullwidth(42_426_868 + i)) + ";",
        "ID",
        mark(markers, "Cyrillic ID#" + i, "СН" + (531_000 + i)) + ",",
        mark(markers, "Greek ID#" + i, "ΑΒ" + arabicIndic(1_357_900 + i)));
  }

  private static final String INTERNATIONAL_MASKED =
      "Чайник, пишите [email], [email], [email], [email]; ☎ [phone], [phone]; ID [id], [id]";

  private static String arabicIndic(long number) {
    return digits(number, '\u0660');
  }

  private static String fullwidth(long number) {
    return digits(number, '\uFF10');
  }

  private static String digits(long number, char zero) {
    StringBuilder out = new StringBuilder();
    for (char c : Long.toString(number).toCharArray()) {
      out.append((char) (zero + (c - '0')));
    }
    return out.toString();
  }

  /**
   * A marker as it could appear in bytes read as ISO-8859-1: UTF-8 (Avro, JSON, SQLite, the log),
   * UTF-16 in both byte orders, and with non-ASCII characters escaped (JSON writers that do so).
   */
  private static List<String> encodings(String marker) {
    List<String> encoded = new ArrayList<>();
    encoded.add(latin1(marker));
    encoded.add(
        new String(marker.getBytes(StandardCharsets.UTF_16BE), StandardCharsets.ISO_8859_1));
    encoded.add(
        new String(marker.getBytes(StandardCharsets.UTF_16LE), StandardCharsets.ISO_8859_1));
    if (marker.chars().anyMatch(c -> c >= 0x80)) {
      encoded.add(escaped(marker, "\\u%04x"));
      encoded.add(escaped(marker, "\\u%04X"));
    }
    return encoded;
  }

  private static String escaped(String text, String format) {
    StringBuilder out = new StringBuilder();
    text.chars()
        .forEach(c -> out.append(c < 0x80 ? String.valueOf((char) c) : format.formatted(c)));
    return out.toString();
  }

  /** Text as its UTF-8 bytes read as ISO-8859-1, comparable with the places searched. */
  private static String latin1(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /** Puts a unique marker into every personal-data field of the buyer and the free text. */
  private static Transaction marked(Transaction record, int i, Map<String, String> markers) {
    String tag = mark(markers, "the tag#" + i, "CNRY" + (4711 + i));
    mark(markers, "the tag in lower case#" + i, tag.toLowerCase(Locale.ROOT));
    String phoneDigits = "9753" + (108642 + i);
    String document = "X" + (8_642_000 + i);
    Buyer buyer =
        Buyer.newBuilder()
            .setBuyerId(mark(markers, "buyer.buyerId#" + i, tag + "-buyer-id"))
            .setName(mark(markers, "buyer.name#" + i, tag + " Jürgen Þórsson-Müller"))
            .setEmail(mark(markers, "buyer.email#" + i, tag.toLowerCase() + ".buyer@mail.example"))
            .setPhone("+31" + mark(markers, "buyer.phone#" + i, phoneDigits + "1"))
            .setTaxId(mark(markers, "buyer.taxId#" + i, tag + "-TAX"))
            .setAddress(
                Address.newBuilder()
                    .setLine1(mark(markers, "buyer.address.line1#" + i, tag + " Canarystraat 7"))
                    .setLine2(mark(markers, "buyer.address.line2#" + i, tag + " 3rd floor"))
                    .setCity(mark(markers, "buyer.address.city#" + i, tag + "dam"))
                    .setPostalCode(
                        mark(markers, "buyer.address.postalCode#" + i, "97" + (31 + i) + " CX"))
                    .setRegion(mark(markers, "buyer.address.region#" + i, tag + " Region"))
                    .setCountry(record.getBuyer().getAddress().getCountry())
                    .build())
            .build();
    record.setBuyer(buyer);
    record.getPayment().setPaymentId(mark(markers, "payment.paymentId#" + i, tag + "-PAYMENT"));
    String mail =
        mark(markers, "description e-mail#" + i, tag.toLowerCase() + ".desc@mail.example");
    String phone = mark(markers, "description phone#" + i, "+44 20 " + phoneDigits);
    String id = mark(markers, "description id number#" + i, document);
    record
        .getItems()
        .get(0)
        .setDescription("Ceramic mug, write to " + mail + " or call " + phone + ", passport " + id);
    record.getItems().get(1).setDescription(international(i, tag, markers));
    return record;
  }

  private static String mark(Map<String, String> markers, String field, String value) {
    markers.put(field, value);
    return value;
  }

  private static List<GenericRecord> read(byte[] container) throws Exception {
    List<GenericRecord> records = new ArrayList<>();
    try (DataFileStream<GenericRecord> stream =
        new DataFileStream<>(new ByteArrayInputStream(container), new GenericDatumReader<>())) {
      stream.forEach(records::add);
    }
    return records;
  }
}
