package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.parcelgate.http.PartnerTransportTest.assertProblem;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.privacy.LogVerifier;
import org.parcelgate.protocol.Checkpoint;
import org.parcelgate.protocol.CheckpointVerifier;
import org.parcelgate.protocol.MerkleTree;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The privacy officers' API over mutual TLS against an in-process gateway: what a batch leaves in
 * the minimization log, who may read it, the reads recorded in the access log, and proofs of both
 * logs that verify with nothing but the gateway's published keys.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class PrivacyApiTest {
  private static final SamplePki PKI = TestPki.shared();
  private static TestGateway.Running gateway;
  private static Vertx vertx;
  private static String batchId;

  @BeforeAll
  static void start(Vertx shared) {
    vertx = shared;
    gateway =
        Await.result(TestGateway.start(vertx, TestGateway.environment(PKI), Clock.systemUTC()));
    batchId = pushBatch(500);
  }

  /** Three records of marketplace-alpha, the seeds from {@code seed}; the batch's id. */
  private static String pushBatch(int seed) {
    List<Transaction> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      records.add(SampleTransactions.valid(seed + i, Instant.now().minusSeconds(3600)));
    }
    records
        .get(0)
        .getItems()
        .get(0)
        .setDescription("Phone case, blue; questions to seller.help@mail.example");
    byte[] body = Containers.write(records);
    Identity alpha = PKI.identity("marketplace-alpha");
    try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, gateway.partnerPort())) {
      String token =
          RequestTokens.of(alpha, "ES256", TestGateway.GATEWAY_ID, Instant.now()).body(body).sign();
      HttpResponse<Buffer> response = Await.result(client.postBatch(body, token));
      assertThat(response.statusCode()).isEqualTo(202);
      return response.bodyAsJsonObject().getString("batchId");
    }
  }

  /** The size of a log's latest checkpoint: reading it is not recorded. */
  private static long checkpointSize(String base) {
    return officer(base + "/checkpoint").bodyAsJsonObject().getLong("treeSize");
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
  }

  private static HttpResponse<Buffer> get(String partner, String path) {
    Identity identity = PKI.identity(partner);
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      String alg = identity.signingKeys().get(0).getAlgorithm().getName();
      String token = RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now()).sign();
      return Await.result(client.get(path, token));
    }
  }

  /** The browser's way in: the client certificate alone, and the review page's header. */
  private static HttpResponse<Buffer> getWithCertificateOnly(String partner, String path) {
    try (PartnerClient client =
        PartnerClient.of(vertx, PKI, PKI.identity(partner), gateway.partnerPort())) {
      return Await.result(
          client
              .request(io.vertx.core.http.HttpMethod.GET, path)
              .putHeader(PrivacyEndpoints.PAGE_HEADER, "1")
              .send());
    }
  }

  /** What another site can make the officer's browser send: the certificate, no page header. */
  private static HttpResponse<Buffer> getCrossSite(String path) {
    try (PartnerClient client =
        PartnerClient.of(vertx, PKI, PKI.identity("privacy-officer"), gateway.partnerPort())) {
      return Await.result(client.get(path, null));
    }
  }

  private static HttpResponse<Buffer> officer(String path) {
    return get("privacy-officer", path);
  }

  private static JsonObject minimizationEntry() {
    HttpResponse<Buffer> response =
        officer("/v1/privacy/entries?kind=minimization&marketplace=marketplace-alpha");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray entries = response.bodyAsJsonObject().getJsonArray("entries");
    return entries.stream()
        .map(JsonObject.class::cast)
        .filter(e -> batchId.equals(e.getString("batchId")))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void logsWhatTheBatchMinimizationDidForTheRecipient() {
    JsonObject entry = minimizationEntry();

    assertThat(entry.getString("recipient")).isEqualTo("customs-nl");
    assertThat(entry.getJsonObject("policy").getString("id")).isEqualTo("customs-default");
    assertThat(entry.getJsonObject("policy").getInteger("version")).isEqualTo(3);
    assertThat(entry.getInteger("keyVersion")).isEqualTo(1);
    assertThat(entry.getInteger("recordsIn")).isEqualTo(3);
    assertThat(entry.getInteger("recordsOut")).isEqualTo(3);
    assertThat(entry.getString("legalBasis")).contains("Union Customs Code");
    assertThat(entry.getJsonObject("freeText").getInteger("email")).isEqualTo(1);
    assertThat(entry.getJsonArray("fields").stream().map(JsonObject.class::cast))
        .anySatisfy(
            field -> {
              assertThat(field.getString("path")).isEqualTo("buyer.buyerId");
              assertThat(field.getString("action")).isEqualTo("pseudonymize");
              assertThat(field.getLong("values")).isEqualTo(3);
            })
        .anySatisfy(
            field -> {
              assertThat(field.getString("path")).isEqualTo("buyer.email");
              assertThat(field.getString("action")).isEqualTo("drop");
            });
  }

  @Test
  void countsMinimizedValuesPerRecipientAndAction() {
    String scrape = gateway.meters().scrape();

    assertThat(scrape)
        .containsPattern(
            "parcelgate_minimization_values_total\\{action=\"pseudonymize\",recipient=\"customs-nl\"\\} [1-9]")
        .containsPattern(
            "parcelgate_minimization_free_text_masked_total\\{kind=\"email\",recipient=\"customs-nl\"\\} [1-9]");
  }

  @Test
  void recordsTheOfficersReadsInTheAccessLogAndNeverInTheMinimizationLog() {
    long minimization = checkpointSize("/v1/privacy");
    long access = checkpointSize("/v1/privacy/access");

    officer("/v1/privacy/entries?recipient=customs-nl");
    officer("/v1/privacy/stats?recipient=customs-nl");
    officer("/v1/privacy/export?format=jsonl&recipient=customs-nl");

    assertThat(checkpointSize("/v1/privacy")).isEqualTo(minimization);
    assertThat(checkpointSize("/v1/privacy/access")).isGreaterThan(access);
    JsonArray reads =
        officer("/v1/privacy/access/entries?limit=50").bodyAsJsonObject().getJsonArray("entries");
    assertThat(reads.stream().map(JsonObject.class::cast))
        .anySatisfy(
            read -> {
              assertThat(read.getString("kind")).isEqualTo("read");
              assertThat(read.getString("officer")).isEqualTo("privacy-officer");
              assertThat(read.getString("log")).isEqualTo("minimization");
              assertThat(read.getString("resource")).isEqualTo("entries");
              assertThat(read.getString("query")).isEqualTo("recipient=customs-nl");
            })
        .anySatisfy(
            read -> {
              assertThat(read.getString("resource")).isEqualTo("stats");
              assertThat(read.getString("query")).isEqualTo("recipient=customs-nl&bucket=day");
            })
        .anySatisfy(
            read -> {
              assertThat(read.getString("resource")).isEqualTo("export");
              assertThat(read.getString("query")).startsWith("recipient=customs-nl&format=jsonl");
            });
    assertThat(
            officer("/v1/privacy/access/entries?recipient=customs-nl")
                .bodyAsJsonObject()
                .getJsonArray("entries"))
        .as("reads filtered by recipient are found by it")
        .isNotEmpty();
  }

  @Test
  void aReadRepeatedWithinItsPeriodIsRecordedOnce() {
    String read = "/v1/privacy/entries?marketplace=marketplace-alpha&recipient=customs-de";
    officer(read);
    long after = checkpointSize("/v1/privacy/access");

    officer(read);
    officer(read + "&limit=5");

    assertThat(checkpointSize("/v1/privacy/access")).isEqualTo(after);
    officer(read + "&kind=minimization");
    assertThat(checkpointSize("/v1/privacy/access")).isEqualTo(after + 1);
  }

  @Test
  void theAccessLogIsSignedAndVerifiedAsALogOfItsOwn() throws Exception {
    officer("/v1/privacy/entries?recipient=customs-nl");
    JsonObject checkpoint = officer("/v1/privacy/access/checkpoint").bodyAsJsonObject();
    HttpResponse<Buffer> export = officer("/v1/privacy/access/export?format=jsonl");
    JWKSet keys = JWKSet.parse(get("privacy-officer", PartnerApiRouter.JWKS_PATH).bodyAsString());
    CheckpointVerifier verifier = new CheckpointVerifier(keys);

    Checkpoint verified =
        verifier.verify(checkpoint.getString("jws"), CheckpointVerifier.ACCESS_LOG_NAME);
    LogVerifier.Result result =
        LogVerifier.verify(List.of(export.bodyAsString().split("\n")), verified);
    assertThat(result.verified()).as(result.message()).isTrue();
    assertThat(result.covered()).isEqualTo(checkpoint.getLong("treeSize"));
    assertThat(export.getHeader("Content-Disposition")).contains("access-log-0-");
    assertThatThrownBy(() -> verifier.verify(checkpoint.getString("jws")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("access log");

    SignedNote.CheckpointBody note =
        SignedNote.checkpoint(
            SignedNote.parse(checkpoint.getString("note"))
                .verifiedText(SignedNote.VerifierKey.parse(checkpoint.getString("noteKey"))));
    assertThat(note.origin()).isEqualTo(TestGateway.GATEWAY_ID + "/access-log");
    assertThat(note.treeSize()).isEqualTo(checkpoint.getLong("treeSize"));
    assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(note.rootHash()))
        .isEqualTo(checkpoint.getString("rootHash"));

    JsonObject verification = officer("/v1/privacy/access/verification").bodyAsJsonObject();
    assertThat(verification.getString("log")).isEqualTo("access");
    assertThat(verification.getString("status")).isEqualTo("verified");
    assertThat(
            firstEntryIsIncluded(
                "/v1/privacy/access",
                verification.getLong("treeSize"),
                verification.getString("rootHash")))
        .isTrue();
  }

  /** Whether the log's inclusion proof of entry 0 verifies against a root of that size. */
  private static boolean firstEntryIsIncluded(String base, long size, String rootHash) {
    JsonObject proof =
        officer(base + "/proofs/inclusion?index=0&treeSize=" + size).bodyAsJsonObject();
    return MerkleTree.verifyInclusion(
        decode(proof.getString("leafHash")),
        0,
        size,
        decodeAll(proof.getJsonArray("auditPath")),
        decode(rootHash));
  }

  @Test
  void findsTheEntriesOfABatchAndOfTheBatchesOfATransaction() {
    JsonArray ofBatch =
        officer("/v1/privacy/entries?batch=" + batchId).bodyAsJsonObject().getJsonArray("entries");
    assertThat(ofBatch).isNotEmpty();
    assertThat(ofBatch.stream().map(JsonObject.class::cast))
        .allSatisfy(entry -> assertThat(entry.getString("batchId")).isEqualTo(batchId));

    String transaction = SampleTransactions.valid(501, Instant.now()).getTransactionId();
    JsonArray ofTransaction =
        officer("/v1/privacy/entries?marketplace=marketplace-alpha&transaction=" + transaction)
            .bodyAsJsonObject()
            .getJsonArray("entries");
    assertThat(ofTransaction.stream().map(JsonObject.class::cast).map(e -> e.getString("batchId")))
        .containsOnly(batchId)
        .hasSize(ofBatch.size());
    assertThat(
            officer("/v1/privacy/entries?marketplace=marketplace-beta&transaction=" + transaction)
                .bodyAsJsonObject()
                .getJsonArray("entries"))
        .as("a transaction id is the marketplace's own")
        .isEmpty();

    JsonArray reads =
        officer("/v1/privacy/access/entries?limit=100").bodyAsJsonObject().getJsonArray("entries");
    assertThat(reads.stream().map(JsonObject.class::cast).map(r -> r.getString("query")))
        .as("the access log keeps the transaction id's hash, never the id")
        .anySatisfy(query -> assertThat(query).contains("transaction=sha256:"))
        .noneSatisfy(query -> assertThat(query).contains(transaction));
  }

  @Test
  void aggregatesValuesPerFieldAndActionOverTime() {
    JsonObject stats = officer("/v1/privacy/stats?bucket=hour").bodyAsJsonObject();

    assertThat(stats.getString("bucket")).isEqualTo("hour");
    assertThat(stats.getJsonArray("series").stream().map(JsonObject.class::cast))
        .anySatisfy(
            point -> {
              assertThat(point.getString("path")).isEqualTo("items[].description");
              assertThat(point.getString("action")).isEqualTo("mask");
              assertThat(point.getLong("values")).isGreaterThanOrEqualTo(3);
              assertThat(point.getString("period")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:00Z");
            });
  }

  @Test
  void aggregatesOnlyTheKindAskedFor() {
    // Only minimization entries count field values: a log written before the access log existed
    // holds read entries too, and they never count.
    JsonObject reads = officer("/v1/privacy/stats?kind=read").bodyAsJsonObject();

    assertThat(reads.getJsonArray("series")).isEmpty();
  }

  @Test
  void exportVerifiesOfflineAgainstTheSignedCheckpoint() throws Exception {
    JsonObject checkpoint = officer("/v1/privacy/checkpoint").bodyAsJsonObject();
    HttpResponse<Buffer> export = officer("/v1/privacy/export?format=jsonl");
    JWKSet keys = JWKSet.parse(get("privacy-officer", PartnerApiRouter.JWKS_PATH).bodyAsString());

    assertThat(export.getHeader("Content-Type")).startsWith("application/jsonl");
    Checkpoint verified = new CheckpointVerifier(keys).verify(checkpoint.getString("jws"));
    List<String> lines = List.of(export.bodyAsString().split("\n"));
    LogVerifier.Result result = LogVerifier.verify(lines, verified);
    assertThat(result.verified()).as(result.message()).isTrue();
    assertThat(result.covered()).isEqualTo(checkpoint.getLong("treeSize"));

    List<String> tampered = new ArrayList<>(lines);
    tampered.set(0, tampered.get(0).replace("customs-nl", "customs-de"));
    assertThat(LogVerifier.verify(tampered, verified).verified()).isFalse();
  }

  @Test
  void exportsCsvWithOneRowPerFieldAction() {
    HttpResponse<Buffer> export =
        officer("/v1/privacy/export?format=csv&marketplace=marketplace-alpha");

    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.getHeader("Content-Type")).startsWith("text/csv");
    String[] rows = export.bodyAsString().split("\r\n");
    assertThat(rows[0]).startsWith("index,time,kind,batch_id,marketplace,recipient,policy_id");
    assertThat(rows)
        .anySatisfy(
            row ->
                assertThat(row)
                    .contains(batchId + ",marketplace-alpha,customs-nl,customs-default,3,")
                    .contains(",buyer.buyerId,pseudonymize,3,"));
  }

  @Test
  void inclusionAndConsistencyProofsVerifyAgainstCheckpoints() {
    JsonObject older = officer("/v1/privacy/checkpoint").bodyAsJsonObject();
    long size = older.getLong("treeSize");
    assertThat(firstEntryIsIncluded("/v1/privacy", size, older.getString("rootHash"))).isTrue();

    pushBatch(600); // the log grows
    JsonObject newer = officer("/v1/privacy/checkpoint").bodyAsJsonObject();
    long second = newer.getLong("treeSize");
    assertThat(second).isGreaterThan(size);
    JsonObject consistency =
        officer("/v1/privacy/proofs/consistency?first=" + size + "&second=" + second)
            .bodyAsJsonObject();
    assertThat(
            MerkleTree.verifyConsistency(
                size,
                second,
                decode(older.getString("rootHash")),
                decode(newer.getString("rootHash")),
                decodeAll(consistency.getJsonArray("proof"))))
        .isTrue();
  }

  @Test
  void reportsTheLogVerified() {
    JsonObject verification = officer("/v1/privacy/verification").bodyAsJsonObject();

    assertThat(verification.getString("status")).isEqualTo("verified");
    assertThat(verification.getJsonArray("problems")).isEmpty();
    assertThat(verification.getJsonObject("checkpoint").getLong("treeSize"))
        .isEqualTo(verification.getLong("treeSize"));
  }

  @Test
  void refusesOtherRoles() {
    assertProblem(get("marketplace-alpha", "/v1/privacy/entries"), 403, "forbidden");
    assertProblem(get("customs-nl", "/v1/privacy/checkpoint"), 403, "forbidden");
    assertProblem(getWithCertificateOnly("marketplace-alpha", "/privacy/"), 403, "forbidden");
    HttpResponse<Buffer> browser;
    try (PartnerClient client =
        PartnerClient.of(vertx, PKI, PKI.identity("customs-nl"), gateway.partnerPort())) {
      browser =
          Await.result(
              client
                  .request(io.vertx.core.http.HttpMethod.GET, "/privacy/")
                  .putHeader("Accept", "text/html,application/xhtml+xml")
                  .send());
    }
    assertThat(browser.statusCode()).isEqualTo(403);
    assertThat(browser.getHeader("Content-Type")).startsWith("text/html");
    assertThat(browser.bodyAsString())
        .contains("This page is for privacy officers")
        .contains("customs-nl")
        .doesNotContain("{{");
    assertProblem(getWithCertificateOnly("customs-nl", "/privacy/api/entries"), 403, "forbidden");
  }

  @Test
  void apiNeedsTheRequestTokenButThePageOnlyTheCertificate() {
    assertProblem(
        getWithCertificateOnly("privacy-officer", "/v1/privacy/entries"), 401, "missing_token");

    HttpResponse<Buffer> page = getWithCertificateOnly("privacy-officer", "/privacy/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'self'");
    assertThat(page.getHeader("Content-Type")).startsWith("text/html");
    assertThat(getWithCertificateOnly("privacy-officer", "/privacy/api/entries").statusCode())
        .isEqualTo(200);
  }

  @Test
  void pageCallsStartedByAnotherSiteAreRefusedAndNotLogged() {
    long before = checkpointSize("/v1/privacy/access");

    assertProblem(getCrossSite("/privacy/api/export?format=csv"), 403, "forbidden");
    assertProblem(getCrossSite("/privacy/api/entries"), 403, "forbidden");
    assertProblem(getCrossSite("/privacy/api/access/entries"), 403, "forbidden");

    assertThat(checkpointSize("/v1/privacy/access")).isEqualTo(before);
  }

  @Test
  void refusesMalformedParametersWithoutEchoingThem() {
    HttpResponse<Buffer> response = officer("/v1/privacy/entries?from=yesterday%3Cscript%3E");
    assertProblem(response, 400, "invalid_request");
    assertThat(response.bodyAsString()).doesNotContain("script");
    assertProblem(officer("/v1/privacy/entries?limit=0"), 400, "invalid_request");
    assertProblem(officer("/v1/privacy/entries?kind=secret"), 400, "invalid_request");
    assertProblem(officer("/v1/privacy/access/entries?kind=minimization"), 400, "invalid_request");
    assertProblem(
        officer("/v1/privacy/entries?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z"),
        400,
        "invalid_request");
    assertProblem(officer("/v1/privacy/entries?transaction=ORD-1"), 400, "invalid_request");
    assertProblem(
        officer("/v1/privacy/entries?marketplace=marketplace-alpha&transaction=ORD%201"),
        400,
        "invalid_request");
    assertProblem(officer("/v1/privacy/access/entries?batch=" + batchId), 400, "invalid_request");
    assertProblem(officer("/v1/privacy/export?format=xml"), 400, "invalid_request");
    assertProblem(officer("/v1/privacy/stats?bucket=minute"), 400, "invalid_request");
    assertProblem(officer("/v1/privacy/proofs/inclusion?index=0"), 400, "invalid_request");
    assertProblem(
        officer("/v1/privacy/proofs/inclusion?index=0&treeSize=999999"), 400, "invalid_log_range");
    assertProblem(
        officer("/v1/privacy/proofs/consistency?first=5&second=2"), 400, "invalid_log_range");
  }

  private static byte[] decode(String base64) {
    return Base64.getUrlDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
  }

  private static List<byte[]> decodeAll(JsonArray array) {
    return array.stream().map(String.class::cast).map(PrivacyApiTest::decode).toList();
  }
}
