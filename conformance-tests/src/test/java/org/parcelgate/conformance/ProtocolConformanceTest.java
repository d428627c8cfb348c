package org.parcelgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.Identity;
import org.parcelgate.schema.AvroTrust;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;

/**
 * The partner protocol as docs/protocol.md states it, checked from outside: status and problem
 * {@code code} of each good path and each class of refusal. Runs against {@link Target}.
 */
@ExtendWith(ConformanceReport.class)
class ProtocolConformanceTest {
  private static Target target;

  @BeforeAll
  static void target() {
    AvroTrust.install();
    target = Target.get();
  }

  private static Partners partner(String name) {
    return new Partners(target, target.pki.identity(name));
  }

  private static String code(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    return JSONObjectUtils.parse(response.body()).get("code").toString();
  }

  private static void assertProblem(HttpResponse<String> response, int status, String code)
      throws Exception {
    assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
    assertThat(code(response)).isEqualTo(code);
  }

  @Test
  void acceptsEveryRegisteredActivePartnerWithEachOfItsKeys() throws Exception {
    for (Identity identity : target.pki.partners()) {
      if (identity.partnerId().equals("marketplace-suspended")) {
        continue;
      }
      Partners partner = new Partners(target, identity);
      for (var key : identity.signingKeys()) {
        String alg = key.getAlgorithm().getName();
        HttpResponse<String> response = partner.get("/v1/whoami", partner.token(alg).sign());
        assertThat(response.statusCode()).as("%s with %s", identity.name(), alg).isEqualTo(200);
        Map<String, Object> body = JSONObjectUtils.parse(response.body());
        assertThat(body.get("partnerId")).isEqualTo(identity.partnerId());
        assertThat(body.get("role")).isEqualTo(identity.role());
      }
    }
  }

  @Test
  void refusesRequestWithoutToken() throws Exception {
    assertProblem(partner("marketplace-alpha").get("/v1/whoami", null), 401, "missing_token");
  }

  @Test
  void refusesReplayedToken() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    String token = alpha.token().sign();
    assertThat(alpha.get("/v1/whoami", token).statusCode()).isEqualTo(200);
    assertProblem(alpha.get("/v1/whoami", token), 401, "token_replayed");
  }

  @Test
  void refusesTokenBoundToAnotherCertificate() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    String thumbprint = target.pki.identity("marketplace-beta").thumbprint();
    String token = alpha.token().claim("cnf", Map.of("x5t#S256", thumbprint)).sign();
    assertProblem(alpha.get("/v1/whoami", token), 401, "certificate_binding_mismatch");
  }

  @Test
  void refusesTokenForAnotherAudience() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().claim("aud", "elsewhere").sign()),
        401,
        "audience_mismatch");
  }

  @Test
  void refusesExpiredToken() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    Instant past = Instant.now().minusSeconds(3600);
    String token = alpha.token().issuedAt(past, past.plusSeconds(120)).sign();
    assertProblem(alpha.get("/v1/whoami", token), 401, "token_expired");
  }

  @Test
  void refusesUnregisteredCertificate() throws Exception {
    assertProblem(partner("unregistered").get("/v1/whoami", null), 401, "unknown_client");
  }

  @Test
  void refusesSuspendedPartner() throws Exception {
    Partners suspended = partner("marketplace-suspended");
    assertProblem(suspended.get("/v1/whoami", suspended.token().sign()), 403, "partner_suspended");
  }

  @Test
  void refusesHandshakeWithRevokedOrExpiredCertificate() {
    for (String name : List.of("revoked", "expired")) {
      assertThatThrownBy(() -> partner(name).get("/v1/whoami", null))
          .as(name)
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void acceptsABatchAndSignsAReceiptThenRecognizesItsRetry() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = batch(3);

    HttpResponse<String> first = alpha.postBatch(body, alpha.token().body(body).sign());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    Map<String, Object> outcome = JSONObjectUtils.parse(first.body());
    assertThat(((Number) outcome.get("accepted")).intValue()).isEqualTo(3);

    SignedJWT receipt = SignedJWT.parse(outcome.get("receipt").toString());
    JWKSet keys = JWKSet.parse(alpha.get("/.well-known/jwks.json", null).body());
    var key = keys.getKeyByKeyId(receipt.getHeader().getKeyID());
    assertThat(key).isNotNull();
    assertThat(receipt.verify(new ECDSAVerifier(key.toECKey()))).isTrue();
    assertThat(receipt.getJWTClaimsSet().getStringClaim("batch_id"))
        .isEqualTo(outcome.get("batchId"));

    HttpResponse<String> retry = alpha.postBatch(body, alpha.token().body(body).sign());
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.body()).isEqualTo(first.body());
  }

  @Test
  void refusesBatchWhoseBodyIsNotTheSignedOne() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] signed = batch(1);
    byte[] sent = batch(1);
    assertProblem(alpha.postBatch(sent, alpha.token().body(signed).sign()), 401, "digest_mismatch");
  }

  @Test
  void refusesBatchThatIsNotAnAvroContainer() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = "{\"transactions\": []}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertProblem(alpha.postBatch(body, alpha.token().body(body).sign()), 400, "invalid_container");
  }

  @Test
  void refusesBatchesFromCustoms() throws Exception {
    Partners customs = partner("customs-nl");
    byte[] body = batch(1);
    assertProblem(customs.postBatch(body, customs.token().body(body).sign()), 403, "forbidden");
  }

  @Test
  void privacyOfficerReadsTheMinimizationLogOfABatch() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    // Six orders in a row cover every sample destination, so some go to a customs recipient.
    byte[] body = batch(6);
    HttpResponse<String> stored = alpha.postBatch(body, alpha.token().body(body).sign());
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(202);
    String batchId = JSONObjectUtils.parse(stored.body()).get("batchId").toString();

    Partners officer = partner("privacy-officer");
    HttpResponse<String> entries =
        officer.get(
            "/v1/privacy/entries?kind=minimization&marketplace=marketplace-alpha",
            officer.token().sign());
    assertThat(entries.statusCode()).as(entries.body()).isEqualTo(200);
    assertThat(entries.body()).contains("\"batchId\":\"" + batchId + "\"");
  }

  @Test
  void minimizationLogExportMatchesItsSignedCheckpoint() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    byte[] body = batch(1);
    assertThat(alpha.postBatch(body, alpha.token().body(body).sign()).statusCode()).isEqualTo(202);
    Partners officer = partner("privacy-officer");
    Map<String, Object> checkpoint =
        JSONObjectUtils.parse(officer.get("/v1/privacy/checkpoint", officer.token().sign()).body());
    SignedJWT jws = SignedJWT.parse(checkpoint.get("jws").toString());
    JWKSet keys = JWKSet.parse(officer.get("/.well-known/jwks.json", null).body());
    var key = keys.getKeyByKeyId(jws.getHeader().getKeyID());
    assertThat(key).isNotNull();
    assertThat(jws.getHeader().getType().toString()).isEqualTo("parcelgate-checkpoint+jwt");
    assertThat(jws.verify(new ECDSAVerifier(key.toECKey()))).isTrue();
    long size = jws.getJWTClaimsSet().getLongClaim("tree_size");

    HttpResponse<String> export =
        officer.get("/v1/privacy/export?format=jsonl&end=" + size, officer.token().sign());
    assertThat(export.statusCode()).isEqualTo(200);
    List<String> lines = List.of(export.body().split("\n"));
    assertThat((long) lines.size()).isEqualTo(size);
    assertThat(Rfc9162.rootHash(lines))
        .isEqualTo(jws.getJWTClaimsSet().getStringClaim("root_hash"));
  }

  @Test
  void minimizationLogIsForPrivacyOfficersOnly() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    Partners customs = partner("customs-nl");
    assertProblem(alpha.get("/v1/privacy/entries", alpha.token().sign()), 403, "forbidden");
    assertProblem(customs.get("/v1/privacy/checkpoint", customs.token().sign()), 403, "forbidden");
    assertProblem(alpha.get("/privacy/api/entries", null), 403, "forbidden");
  }

  @Test
  void customsReadsTheSignedPriceRecordsOfItsOwnDestinationsOnly() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    List<Transaction> records = records(6);
    byte[] body = container(records);
    HttpResponse<String> stored = alpha.postBatch(body, alpha.token().body(body).sign());
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(202);
    String batchId = JSONObjectUtils.parse(stored.body()).get("batchId").toString();
    JWKSet keys = JWKSet.parse(alpha.get("/.well-known/jwks.json", null).body());

    for (Map.Entry<String, String> administration :
        Map.of("customs-nl", "NL", "customs-de", "DE").entrySet()) {
      Partners customs = partner(administration.getKey());
      List<String> expected =
          records.stream()
              .filter(
                  r ->
                      r.getShipment()
                          .getDestinationCountry()
                          .toString()
                          .equals(administration.getValue()))
              .map(r -> r.getTransactionId().toString())
              .toList();
      List<String> found = new java.util.ArrayList<>();
      String cursor = "0";
      boolean more = true;
      while (more) {
        HttpResponse<String> page =
            customs.get(
                "/v1/customs/price-records?marketplace=marketplace-alpha&limit=500&cursor="
                    + cursor,
                customs.token().sign());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        JWSObject signature =
            JWSObject.parse(
                page.headers().firstValue("Parcelgate-Signature").orElseThrow(),
                new Payload(page.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(signature.getHeader().getType().toString()).isEqualTo("parcelgate-feed+jws");
        assertThat(
                signature.verify(
                    new ECDSAVerifier(
                        keys.getKeyByKeyId(signature.getHeader().getKeyID()).toECKey())))
            .isTrue();
        Map<String, Object> json = JSONObjectUtils.parse(page.body());
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
  void customsFeedsAreForCustomsOnly() throws Exception {
    for (String name : List.of("marketplace-alpha", "privacy-officer")) {
      Partners other = partner(name);
      assertProblem(other.get("/v1/customs/price-records", other.token().sign()), 403, "forbidden");
      assertProblem(
          other.get("/v1/customs/seller-records", other.token().sign()), 403, "forbidden");
    }
    Partners customs = partner("customs-nl");
    assertProblem(
        customs.get("/v1/customs/price-records?cursor=x", customs.token().sign()),
        400,
        "invalid_cursor");
  }

  /** A valid batch of orders whose numbers no earlier run used. */
  private static byte[] batch(int count) throws IOException {
    return container(records(count));
  }

  /** Valid orders whose numbers no earlier run used. */
  private static List<Transaction> records(int count) {
    int first = (int) Math.floorMod(System.nanoTime() / 1000, 90_000_000L) + 1;
    return SampleTransactions.batch(first, count, Instant.now().minusSeconds(3600));
  }

  private static byte[] container(List<Transaction> records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<Transaction> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(Transaction.class))) {
      writer.setCodec(CodecFactory.deflateCodec(6));
      writer.create(Transaction.getClassSchema(), out);
      for (Transaction record : records) {
        writer.append(record);
      }
    }
    return out.toByteArray();
  }
}
