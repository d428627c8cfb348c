package org.parcelgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.app.EmbeddedGateway;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.protocol.Checkpoint;
import org.parcelgate.protocol.Digests;
import org.parcelgate.protocol.RetryPolicy;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;

/** The client against a real gateway started in-process, over mutual TLS. */
@Timeout(120)
class ParcelgateClientTest {
  private static final String GATEWAY_ID = "parcelgate-client-test";
  private static final AtomicInteger ORDERS = new AtomicInteger(7_000_000);
  private static final Instant ORDERED = Instant.now().minus(1, ChronoUnit.HOURS);

  @TempDir static Path directory;
  private static SamplePki pki;
  private static EmbeddedGateway gateway;

  @BeforeAll
  static void startGateway() {
    pki = SamplePki.generate(directory.resolve("pki"), Clock.systemUTC());
    gateway = EmbeddedGateway.start(pki.gatewaySettings(GATEWAY_ID, directory.resolve("data")));
  }

  @AfterAll
  static void stopGateway() {
    gateway.close();
  }

  @Test
  void pushesTransactionsAndVerifiesTheReceipt() {
    try (ParcelgateClient alpha = client("marketplace-alpha", "EdDSA")) {
      List<Transaction> transactions = batch(3);

      BatchResult result = alpha.push(transactions);

      assertThat(result.repeat()).isFalse();
      assertThat(result.attempts()).isEqualTo(1);
      assertThat(result.answer().accepted()).isEqualTo(3);
      assertThat(result.answer().acceptedRecords())
          .extracting(BatchAnswer.StoredRecord::index)
          .containsExactly(0, 1, 2);
      assertThat(result.receipt().batchId()).isEqualTo(result.answer().batchId());
      assertThat(result.receipt().marketplaceId()).isEqualTo("marketplace-alpha");
      assertThat(alpha.batch(result.answer().batchId())).isEqualTo(result.answer());
      assertThat(alpha.whoami())
          .isEqualTo(
              new ParcelgateClient.WhoAmI(
                  "marketplace-alpha", "marketplace", "marketplace-alpha-eddsa-1"));
    }
  }

  @Test
  void sendsEveryRecordToTheRejectedListWithItsFieldAndCode() {
    try (ParcelgateClient alpha = client("marketplace-alpha", "ES256")) {
      List<Transaction> transactions = batch(2);
      transactions.get(1).getShipment().setDestinationCountry("Netherlands");

      BatchResult result = alpha.push(transactions);

      assertThat(result.answer().accepted()).isEqualTo(1);
      assertThat(result.answer().rejectedRecords()).hasSize(1);
      BatchAnswer.RejectedRecord rejected = result.answer().rejectedRecords().get(0);
      assertThat(rejected.index()).isEqualTo(1);
      assertThat(rejected.errors())
          .extracting(BatchAnswer.FieldError::field)
          .contains("shipment.destinationCountry");
      assertThat(result.receipt().rejected()).isEqualTo(1);
    }
  }

  @Test
  void aRepeatedBodyIsRecognizedAsTheSameBatch() {
    try (ParcelgateClient alpha = client("marketplace-alpha", "ES256")) {
      byte[] body = Batches.write(batch(2));

      BatchResult first = alpha.push(body);
      BatchResult again = alpha.push(body);

      assertThat(again.repeat()).isTrue();
      assertThat(again.answer()).isEqualTo(first.answer());
      assertThat(again.receipt()).isEqualTo(first.receipt());
    }
  }

  @Test
  void retriesALostAnswerAndGetsTheOriginalReceiptNotASecondBatch() throws IOException {
    byte[] body = Batches.write(batch(60));
    assertThat(body.length).as("larger than any TLS handshake").isGreaterThan(8192);
    try (LosingProxy proxy = new LosingProxy(gateway.partnerPort(), body.length);
        ParcelgateClient alpha =
            client(
                URI.create("https://localhost:" + proxy.port()), "marketplace-alpha", "ES256", 3)) {

      BatchResult result = alpha.push(body);

      assertThat(result.attempts()).isEqualTo(2);
      assertThat(result.repeat()).as("the gateway had stored the first attempt").isTrue();
      assertThat(result.answer().accepted()).isEqualTo(60);
      assertThat(result.receipt().bodySha256()).isEqualTo(Digests.sha256Base64Url(body));
      assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void givesUpAfterTheLastAttemptWhenNothingAnswers() throws IOException {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (ParcelgateClient alpha =
        client(URI.create("https://localhost:" + closedPort), "marketplace-alpha", "ES256", 3)) {

      assertThatThrownBy(() -> alpha.push(batch(1)))
          .isInstanceOf(ClientException.class)
          .isNotInstanceOf(ProblemException.class)
          .hasMessageContaining("no answer");
    }
  }

  @Test
  void reportsARefusalByItsProblemCodeWithoutRetrying() {
    try (ParcelgateClient customs = client("customs-nl", "ES256");
        ParcelgateClient alpha = client("marketplace-alpha", "ES256")) {

      assertThatThrownBy(() -> customs.push(batch(1)))
          .isInstanceOfSatisfying(
              ProblemException.class,
              problem -> {
                assertThat(problem.status()).isEqualTo(403);
                assertThat(problem.code()).isEqualTo("forbidden");
                assertThat(problem.requestId()).isNotBlank();
              });
      assertThatThrownBy(() -> alpha.push("not a container".getBytes()))
          .isInstanceOfSatisfying(
              ProblemException.class,
              problem -> assertThat(problem.code()).isEqualTo("invalid_container"));
      assertThatThrownBy(() -> alpha.batch("no-such-batch"))
          .isInstanceOfSatisfying(
              ProblemException.class, problem -> assertThat(problem.code()).isEqualTo("not_found"));
    }
  }

  @Test
  void customsPagesThroughItsSignedFeedsInJsonAndAvro() {
    try (ParcelgateClient alpha = client("marketplace-alpha", "ES256");
        ParcelgateClient customs = client("customs-nl", "ES256")) {
      alpha.push(batch(12)); // destinations rotate: two of twelve go to NL

      FeedPage first = customs.priceRecords(FeedQuery.fromStart().limit(1));
      FeedPage rest = customs.priceRecords(FeedQuery.fromStart().cursor(first.nextCursor()));
      FeedPage avro = customs.priceRecordsAvro(FeedQuery.fromStart().limit(1));
      // Seller records are built a moment after the batch is stored (protocol.md).
      FeedPage sellers = customs.sellerRecords(FeedQuery.fromStart());
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (sellers.records().isEmpty() && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        sellers = customs.sellerRecords(FeedQuery.fromStart());
      }

      assertThat(first.records()).hasSize(1);
      assertThat(first.more()).isTrue();
      assertThat(first.keyId()).isNotBlank();
      List<JsonNode> all = new java.util.ArrayList<>(first.records());
      all.addAll(rest.records());
      assertThat(all)
          .allSatisfy(
              record ->
                  assertThat(
                          record
                              .path("transaction")
                              .path("shipment")
                              .path("destinationCountry")
                              .asText())
                      .isEqualTo("NL"));
      assertThat(all).extracting(r -> r.path("position").asLong()).doesNotHaveDuplicates();
      List<GenericRecord> avroRecords = avro.avroRecords();
      assertThat(avroRecords).hasSize(1);
      assertThat(avroRecords.get(0).get("position"))
          .isEqualTo(first.records().get(0).path("position").asLong());
      assertThat(sellers.records()).isNotEmpty();
      // The risk of a record reads the same from its JSON and its Avro form.
      assertThat(avro.risks()).hasSize(1).isEqualTo(first.risks());
      assertThat(sellers.sellerRisks()).hasSameSizeAs(sellers.records());
    }
  }

  @Test
  void aMarketplaceCannotReadTheFeeds() {
    try (ParcelgateClient alpha = client("marketplace-alpha", "ES256")) {
      assertThatThrownBy(() -> alpha.priceRecords(FeedQuery.fromStart()))
          .isInstanceOfSatisfying(
              ProblemException.class, problem -> assertThat(problem.code()).isEqualTo("forbidden"));
    }
  }

  @Test
  void privacyOfficerProvesEveryExportedEntryAgainstASignedCheckpoint() {
    try (ParcelgateClient alpha = client("marketplace-alpha", "ES256");
        ParcelgateClient officer = client("privacy-officer", "ES256")) {
      alpha.push(batch(6));

      Checkpoint checkpoint = officer.checkpoint().checkpoint();
      List<String> entries = officer.exportLog(0, checkpoint.treeSize());

      assertThat(checkpoint.treeSize()).isPositive();
      assertThat(entries).hasSize((int) checkpoint.treeSize());
      long last = checkpoint.treeSize() - 1;
      assertThat(officer.proveInclusion(last, entries.get((int) last), checkpoint)).isTrue();
      assertThat(officer.proveInclusion(last, entries.get((int) last) + " ", checkpoint))
          .as("a changed entry is not in the log")
          .isFalse();
    }
  }

  @Test
  void privacyOfficerProvesTheLogOnlyGrewBetweenTwoCheckpoints() {
    try (ParcelgateClient alpha = client("marketplace-alpha", "ES256");
        ParcelgateClient officer = client("privacy-officer", "ES256")) {
      alpha.push(batch(6));
      Checkpoint earlier = officer.checkpoint().checkpoint();
      alpha.push(batch(6));
      Checkpoint later = officer.checkpoint().checkpoint();
      Checkpoint forged =
          new Checkpoint(
              earlier.issuer(),
              earlier.treeSize(),
              later.rootHash(),
              earlier.time(),
              earlier.keyId());

      assertThat(later.treeSize()).isGreaterThan(earlier.treeSize());
      assertThat(officer.proveConsistency(earlier, later)).isTrue();
      assertThat(officer.proveConsistency(forged, later)).isFalse();
      assertThat(officer.proveConsistency(later, earlier)).isFalse();
    }
  }

  private static List<Transaction> batch(int count) {
    return SampleTransactions.batch(ORDERS.getAndAdd(count), count, ORDERED);
  }

  private static ParcelgateClient client(String partner, String alg) {
    return client(URI.create("https://localhost:" + gateway.partnerPort()), partner, alg, 5);
  }

  private static ParcelgateClient client(URI base, String partner, String alg, int attempts) {
    Identity identity = pki.identity(partner);
    Path jwk = directory.resolve(partner + "-" + alg + ".jwk.json");
    try {
      Files.writeString(jwk, identity.signingKey(alg).toJSONString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return ParcelgateClient.builder(base)
        .identity(ClientIdentity.load(partner, identity.certificate(), identity.privateKey(), jwk))
        .trustAnchors(pki.trustAnchor())
        .audience(GATEWAY_ID)
        .retries(attempts, new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(200)))
        .build();
  }
}
