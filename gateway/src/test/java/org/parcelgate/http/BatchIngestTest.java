package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.http.PartnerTransportTest.assertProblem;

import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.file.CodecFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.protocol.Digests;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * POST /v1/batches and GET /v1/batches/{id} over mutual TLS against an in-process gateway with a
 * real store.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class BatchIngestTest {
  private static final SamplePki PKI = TestPki.shared();
  private static TestGateway.Running gateway;
  private static Vertx vertx;
  private static final java.util.concurrent.atomic.AtomicInteger NEXT =
      new java.util.concurrent.atomic.AtomicInteger(1000);

  @BeforeAll
  static void start(Vertx shared) {
    vertx = shared;
    Map<String, String> env = TestGateway.environment(PKI);
    gateway = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
  }

  /** Fresh, valid transactions whose ids no other test uses. */
  private static List<Transaction> fresh(int count) {
    List<Transaction> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(
          SampleTransactions.valid(NEXT.getAndIncrement(), Instant.now().minusSeconds(3600)));
    }
    return records;
  }

  private static HttpResponse<Buffer> post(Identity identity, String alg, byte[] body) {
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      String token =
          RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now()).body(body).sign();
      return Await.result(
          client
              .request(io.vertx.core.http.HttpMethod.POST, BatchEndpoints.BATCHES_PATH)
              .putHeader("Authorization", "Bearer " + token)
              .putHeader("Content-Type", BatchEndpoints.MEDIA_TYPE)
              .sendBuffer(Buffer.buffer(body)));
    }
  }

  private static HttpResponse<Buffer> get(Identity identity, String path) {
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      String alg = identity.signingKeys().get(0).getAlgorithm().getName();
      String token = RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now()).sign();
      return Await.result(client.get(path, token));
    }
  }

  private static Identity alpha() {
    return PKI.identity("marketplace-alpha");
  }

  @ParameterizedTest(name = "{0} {1} writer v{2}")
  @CsvSource({
    "marketplace-alpha, ES256, 2",
    "marketplace-alpha, EdDSA, 1",
    "marketplace-beta, PS256, 1",
    "marketplace-beta, PS256, 2"
  })
  void acceptsBatchesOfBothVersionsWithEachAlgorithm(String name, String alg, int version)
      throws Exception {
    Identity identity = PKI.identity(name);
    byte[] body =
        Containers.write(
            fresh(5),
            version == 1 ? Containers.v1() : Containers.v2(),
            CodecFactory.deflateCodec(6));

    HttpResponse<Buffer> response = post(identity, alg, body);

    assertThat(response.statusCode()).isEqualTo(202);
    JsonObject outcome = response.bodyAsJsonObject();
    assertThat(outcome.getInteger("records")).isEqualTo(5);
    assertThat(outcome.getInteger("accepted")).isEqualTo(5);
    assertThat(outcome.getInteger("schemaVersion")).isEqualTo(version);
    assertThat(response.getHeader("Location"))
        .isEqualTo("/v1/batches/" + outcome.getString("batchId"));

    SignedJWT receipt = SignedJWT.parse(outcome.getString("receipt"));
    assertThat(receipt.getHeader().getType().getType()).isEqualTo("parcelgate-receipt+jwt");
    assertThat(receipt.verify(gatewayVerifier(identity))).isTrue();
    var claims = receipt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo(TestGateway.GATEWAY_ID);
    assertThat(claims.getSubject()).isEqualTo(identity.partnerId());
    assertThat(claims.getStringClaim("batch_id")).isEqualTo(outcome.getString("batchId"));
    assertThat(claims.getStringClaim("body_sha256")).isEqualTo(Digests.sha256Base64Url(body));
    assertThat(claims.getLongClaim("accepted")).isEqualTo(5);
  }

  private static JWSVerifier gatewayVerifier(Identity identity) throws Exception {
    HttpResponse<Buffer> jwks = get(identity, PartnerApiRouter.JWKS_PATH);
    return new ECDSAVerifier(JWKSet.parse(jwks.bodyAsString()).getKeys().get(0).toECKey());
  }

  @Test
  void retryOfTheSameBodyReturnsTheOriginalReceipt() {
    byte[] body = Containers.write(fresh(3));
    HttpResponse<Buffer> first = post(alpha(), "ES256", body);
    HttpResponse<Buffer> retry = post(alpha(), "EdDSA", body);

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.bodyAsString()).isEqualTo(first.bodyAsString());
    assertThat(
            gateway.meters().get("parcelgate.batches").tag("outcome", "repeated").counter().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void acceptsValidRecordsAndRejectsInvalidOnesIndividually() {
    List<Transaction> records = fresh(3);
    records.get(1).getItems().get(0).setHsCode("12AB");
    HttpResponse<Buffer> response = post(alpha(), "ES256", Containers.write(records));

    assertThat(response.statusCode()).isEqualTo(202);
    JsonObject outcome = response.bodyAsJsonObject();
    assertThat(outcome.getInteger("accepted")).isEqualTo(2);
    assertThat(outcome.getInteger("rejected")).isEqualTo(1);
    JsonObject rejected = outcome.getJsonArray("rejectedRecords").getJsonObject(0);
    assertThat(rejected.getInteger("index")).isEqualTo(1);
    JsonArray errors = rejected.getJsonArray("errors");
    assertThat(errors.getJsonObject(0).getString("field")).isEqualTo("items[0].hsCode");
    assertThat(errors.getJsonObject(0).getString("code")).isEqualTo("invalid_hs_code");
  }

  @Test
  void refusesChangedTransactionUnlessItIsAnAmendment() {
    Transaction original = fresh(1).get(0);
    assertThat(post(alpha(), "ES256", Containers.write(List.of(original))).statusCode())
        .isEqualTo(202);

    Transaction changed = Transaction.newBuilder(original).build();
    changed.getShipment().setCarrier("Another Carrier");
    JsonObject conflict =
        post(alpha(), "ES256", Containers.write(List.of(changed))).bodyAsJsonObject();
    assertThat(conflict.getInteger("rejected")).isEqualTo(1);
    assertThat(
            conflict
                .getJsonArray("rejectedRecords")
                .getJsonObject(0)
                .getJsonArray("errors")
                .getJsonObject(0)
                .getString("code"))
        .isEqualTo("transaction_id_conflict");

    changed.setAmendment(true);
    JsonObject amended =
        post(alpha(), "ES256", Containers.write(List.of(changed))).bodyAsJsonObject();
    assertThat(amended.getInteger("accepted")).isEqualTo(1);
    assertThat(amended.getJsonArray("acceptedRecords").getJsonObject(0).getInteger("version"))
        .isEqualTo(2);

    // The same content again, in other bytes (another codec), is recognized and not stored twice.
    JsonObject again =
        post(
                alpha(),
                "ES256",
                Containers.write(List.of(changed), Containers.v2(), CodecFactory.nullCodec()))
            .bodyAsJsonObject();
    assertThat(again.getInteger("unchanged")).isEqualTo(1);
    assertThat(again.getInteger("accepted")).isZero();
  }

  @Test
  void batchStatusIsVisibleToItsSenderOnly() {
    HttpResponse<Buffer> posted = post(alpha(), "ES256", Containers.write(fresh(2)));
    String location = posted.getHeader("Location");

    HttpResponse<Buffer> own = get(alpha(), location);
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(own.bodyAsString()).isEqualTo(posted.bodyAsString());

    assertProblem(get(PKI.identity("marketplace-beta"), location), 404, "not_found");
    assertProblem(get(PKI.identity("customs-nl"), location), 403, "forbidden");
    assertProblem(get(alpha(), "/v1/batches/not-a-batch-id"), 404, "not_found");
  }

  @Test
  void refusesOtherMediaTypes() {
    byte[] body = Containers.write(fresh(1));
    try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha(), gateway.partnerPort())) {
      String token =
          RequestTokens.of(alpha(), "ES256", TestGateway.GATEWAY_ID, Instant.now())
              .body(body)
              .sign();
      HttpResponse<Buffer> response =
          Await.result(
              client
                  .request(io.vertx.core.http.HttpMethod.POST, BatchEndpoints.BATCHES_PATH)
                  .putHeader("Authorization", "Bearer " + token)
                  .putHeader("Content-Type", "application/json")
                  .sendBuffer(Buffer.buffer(body)));
      assertProblem(response, 415, "unsupported_media_type");
    }
  }

  @Test
  void refusesHostileContainerAndStoresNothing() {
    List<Transaction> records = fresh(2);
    byte[] valid = Containers.write(records, Containers.v2(), CodecFactory.nullCodec());
    byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 40);

    assertProblem(post(alpha(), "ES256", truncated), 400, "invalid_container");

    // Nothing of it was stored: the same records are new when sent whole.
    JsonObject outcome = post(alpha(), "ES256", valid).bodyAsJsonObject();
    assertThat(outcome.getInteger("accepted")).isEqualTo(2);
  }

  @Test
  void refusesBatchWithAStringThatIsNotUtf8AndStoresNothing() {
    List<Transaction> records = fresh(2);
    records.get(1).getSeller().setName("SellerNameMarker");
    byte[] valid = Containers.write(records, Containers.v2(), CodecFactory.nullCodec());
    byte[] hostile = valid.clone();
    byte[] marker = "SellerNameMarker".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i + marker.length <= valid.length; i++) {
      if (java.util.Arrays.equals(valid, i, i + marker.length, marker, 0, marker.length)) {
        // A UTF-8-encoded lone surrogate: Avro alone would store U+FFFD in its place.
        hostile[i + 6] = (byte) 0xed;
        hostile[i + 7] = (byte) 0xa0;
        hostile[i + 8] = (byte) 0x80;
      }
    }

    HttpResponse<Buffer> refused = post(alpha(), "ES256", hostile);

    assertProblem(refused, 400, "malformed_record");
    assertThat(refused.bodyAsJsonObject().getString("detail"))
        .isEqualTo("record 1 holds a string that is not well-formed UTF-8");
    // Nothing of it was stored: the same records are new when sent as written.
    assertThat(post(alpha(), "ES256", valid).bodyAsJsonObject().getInteger("accepted"))
        .isEqualTo(2);
  }

  @Test
  void customsCannotPushBatches() {
    Identity customs = PKI.identity("customs-nl");
    assertProblem(post(customs, "ES256", Containers.write(fresh(1))), 403, "forbidden");
  }
}
