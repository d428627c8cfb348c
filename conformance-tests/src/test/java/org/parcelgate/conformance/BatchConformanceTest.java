package org.parcelgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.conformance.Conformance.assertProblem;
import static org.parcelgate.conformance.Conformance.batch;
import static org.parcelgate.conformance.Conformance.container;
import static org.parcelgate.conformance.Conformance.json;
import static org.parcelgate.conformance.Conformance.partner;
import static org.parcelgate.conformance.Conformance.records;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.Identity;
import org.parcelgate.schema.Transaction;

/**
 * Protocol section 6: batches. Every algorithm's good path with its receipt verified, idempotency,
 * the container refusals, record-by-record validation, and the configured limits ({@code
 * parcelgate.bodyLimit}, default 16 MiB; {@code parcelgate.maxRecords}, default 10,000).
 */
@ExtendWith(ConformanceReport.class)
class BatchConformanceTest {
  private static final int BODY_LIMIT =
      Integer.getInteger("parcelgate.bodyLimit", 16 * 1024 * 1024);
  private static final int MAX_RECORDS = Integer.getInteger("parcelgate.maxRecords", 10_000);

  @Test
  void acceptsABatchSignedWithEachAlgorithmAndAnswersWithAReceiptThatVerifies() throws Exception {
    JWKSet keys = Conformance.gatewayKeys();
    for (String marketplace : List.of("marketplace-alpha", "marketplace-beta")) {
      Identity identity = Conformance.target().pki.identity(marketplace);
      Partners partner = new Partners(Conformance.target(), identity);
      for (JWK key : identity.signingKeys()) {
        byte[] body = batch(3);
        var token = partner.token(key.getAlgorithm().getName()).body(body);
        HttpResponse<String> answer = partner.postBatch(body, token.sign());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        Map<String, Object> outcome = json(answer);
        assertThat(answer.headers().firstValue("Location"))
            .hasValue("/v1/batches/" + outcome.get("batchId"));
        assertThat(outcome.get("accepted")).isEqualTo(3L);
        SignedJWT receipt = SignedJWT.parse(outcome.get("receipt").toString());
        assertThat(receipt.getHeader().getType().getType()).isEqualTo("parcelgate-receipt+jwt");
        assertThat(Conformance.verifies(receipt, keys)).as("receipt signature").isTrue();
        JWTClaimsSet claims = receipt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(marketplace);
        assertThat(claims.getIssuer()).isEqualTo(Conformance.target().audience);
        assertThat(claims.getStringClaim("batch_id")).isEqualTo(outcome.get("batchId"));
        assertThat(claims.getStringClaim("body_sha256")).isEqualTo(sha256(body));
        assertThat(claims.getLongClaim("records")).isEqualTo(3L);
        assertThat(claims.getLongClaim("accepted")).isEqualTo(3L);
      }
    }
  }

  @Test
  void answersARetryOfTheSameBodyWithTheOriginalAnswerAndOnlyToItsSender() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    Partners beta = partner("marketplace-beta");
    byte[] body = batch(2);

    HttpResponse<String> first = alpha.postBatch(body, alpha.token().body(body).sign());
    HttpResponse<String> retry = alpha.postBatch(body, alpha.token().body(body).sign());
    String path = "/v1/batches/" + json(first).get("batchId");
    HttpResponse<String> read = alpha.get(path, alpha.token().sign());

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo(first.body());
    assertProblem(beta.get(path, beta.token().sign()), 404, "not_found");
  }

  @Test
  void rejectsABrokenRecordAndAcceptsTheOthersOfTheSameBatch() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    List<Transaction> records = records(3);
    records.get(1).getItems().get(0).setHsCode("12");
    byte[] body = container(records);

    Map<String, Object> outcome = json(alpha.postBatch(body, alpha.token().body(body).sign()));

    assertThat(outcome.get("accepted")).isEqualTo(2L);
    assertThat(outcome.get("rejected")).isEqualTo(1L);
    Map<?, ?> rejected = (Map<?, ?>) ((List<?>) outcome.get("rejectedRecords")).get(0);
    assertThat(rejected.get("index")).isEqualTo(1L);
    Map<?, ?> error = (Map<?, ?>) ((List<?>) rejected.get("errors")).get(0);
    assertThat(error.get("field")).isEqualTo("items[0].hsCode");
    assertThat(error.get("code")).isEqualTo("invalid_hs_code");
  }

  @Test
  void refusesAChangedRecordUnderAStoredIdUnlessItIsAnAmendment() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    List<Transaction> original = records(1);
    post(alpha, container(original));
    Transaction changed = Transaction.newBuilder(original.get(0)).build();
    changed.getShipment().setCarrier("Another Carrier");
    Transaction amendment = Transaction.newBuilder(changed).setAmendment(true).build();
    Transaction unknown = Transaction.newBuilder(records(1).get(0)).setAmendment(true).build();

    assertThat(rejectedCode(post(alpha, container(List.of(changed)))))
        .isEqualTo("transaction_id_conflict");
    assertThat(rejectedCode(post(alpha, container(List.of(unknown)))))
        .isEqualTo("amendment_of_unknown_transaction");
    Map<String, Object> amended = json(post(alpha, container(List.of(amendment))));
    Map<?, ?> stored = (Map<?, ?>) ((List<?>) amended.get("acceptedRecords")).get(0);
    assertThat(stored.get("version")).isEqualTo(2L);
  }

  @Test
  void refusesABodyThatIsNotAnAvroContainer() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = "{\"transactions\": []}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertProblem(alpha.postBatch(body, alpha.token().body(body).sign()), 400, "invalid_container");
  }

  @Test
  void refusesAnotherMediaType() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = batch(1);
    assertProblem(
        alpha.send(
            "POST",
            "/v1/batches",
            alpha.token().body(body).sign(),
            Map.of("Content-Type", "application/json"),
            body),
        415,
        "unsupported_media_type");
  }

  @Test
  void refusesAnUnregisteredWriterSchema() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    Schema renamed =
        new Schema.Parser()
            .parse(Transaction.getClassSchema().toString().replace("\"Transaction\"", "\"Order\""));
    byte[] body = container(renamed, records(1));
    assertProblem(
        alpha.postBatch(body, alpha.token().body(body).sign()), 400, "unknown_writer_schema");
  }

  @Test
  void refusesAnEmptyContainer() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = container(List.of());
    assertProblem(alpha.postBatch(body, alpha.token().body(body).sign()), 400, "empty_batch");
  }

  @Test
  void refusesABodyOverTheLimitBeforeReadingTheToken() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = new byte[BODY_LIMIT + 1];
    assertProblem(alpha.postBatch(body, "not even a token"), 413, "body_too_large");
  }

  @Test
  void refusesMoreRecordsThanTheLimit() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = batch(MAX_RECORDS + 1);
    assertProblem(alpha.postBatch(body, alpha.token().body(body).sign()), 413, "too_many_records");
  }

  private static HttpResponse<String> post(Partners partner, byte[] body) throws Exception {
    HttpResponse<String> answer = partner.postBatch(body, partner.token().body(body).sign());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    return answer;
  }

  private static String rejectedCode(HttpResponse<String> answer) throws Exception {
    Map<?, ?> rejected = (Map<?, ?>) ((List<?>) json(answer).get("rejectedRecords")).get(0);
    return ((Map<?, ?>) ((List<?>) rejected.get("errors")).get(0)).get("code").toString();
  }

  private static String sha256(byte[] body) throws Exception {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
  }
}
