package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.http.PartnerTransportTest.assertProblem;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.ingest.ForeignContainers;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.protocol.Digests;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * A batch written by fastavro, the most used Python Avro library, with its default deflate codec,
 * pushed over mutual TLS to an in-process gateway: its blocks end with 3 bytes of the zlib
 * checksum, which the gateway checks and accepts.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class ForeignContainerIngestTest {
  private static final SamplePki PKI = TestPki.shared();
  private static TestGateway.Running gateway;
  private static Vertx vertx;

  @BeforeAll
  static void start(Vertx shared) {
    vertx = shared;
    Map<String, String> env = TestGateway.environment(PKI);
    // The committed fixtures' orders are dated when scripts/make-foreign-containers ran: the
    // longest order age the configuration allows keeps them acceptable for ten years.
    env.put("PARCELGATE_VALIDATION_MAX_ORDER_AGE", "3660d");
    gateway = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
  }

  private static HttpResponse<Buffer> post(Identity identity, byte[] body) {
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      String token =
          RequestTokens.of(identity, "ES256", TestGateway.GATEWAY_ID, Instant.now())
              .body(body)
              .sign();
      return Await.result(
          client
              .request(HttpMethod.POST, BatchEndpoints.BATCHES_PATH)
              .putHeader("Authorization", "Bearer " + token)
              .putHeader("Content-Type", BatchEndpoints.MEDIA_TYPE)
              .sendBuffer(Buffer.buffer(body)));
    }
  }

  @Test
  void acceptsAFastavroDeflateBatchAndReceiptsIt() throws Exception {
    Identity alpha = PKI.identity("marketplace-alpha");
    byte[] fastavro = ForeignContainers.read("fastavro-deflate");
    byte[] wrongChecksum = fastavro.clone();
    // The block's last byte, just before the final sync marker: the third checksum byte.
    wrongChecksum[wrongChecksum.length - 17] ^= 0x01;

    HttpResponse<Buffer> refused = post(alpha, wrongChecksum);

    assertProblem(refused, 400, "invalid_container");
    assertThat(refused.bodyAsJsonObject().getString("detail"))
        .isEqualTo("a deflate block's trailing checksum does not match its data");
    // Nothing of it was stored: the same records are accepted as new when sent intact.

    HttpResponse<Buffer> response = post(alpha, fastavro);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    JsonObject outcome = response.bodyAsJsonObject();
    assertThat(outcome.getInteger("records")).isEqualTo(ForeignContainers.RECORDS);
    assertThat(outcome.getInteger("accepted"))
        .as(
            "the fixture's orders must be within validation.max-order-age;"
                + " if they have grown too old, run scripts/make-foreign-containers: %s",
            outcome)
        .isEqualTo(ForeignContainers.RECORDS);
    assertThat(outcome.getInteger("schemaVersion")).isEqualTo(2);
    SignedJWT receipt = SignedJWT.parse(outcome.getString("receipt"));
    assertThat(receipt.verify(gatewayVerifier(alpha))).isTrue();
    assertThat(receipt.getJWTClaimsSet().getStringClaim("body_sha256"))
        .isEqualTo(Digests.sha256Base64Url(fastavro));
    assertThat(receipt.getJWTClaimsSet().getLongClaim("accepted"))
        .isEqualTo(ForeignContainers.RECORDS);
  }

  private static ECDSAVerifier gatewayVerifier(Identity identity) throws Exception {
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      String token =
          RequestTokens.of(identity, "ES256", TestGateway.GATEWAY_ID, Instant.now()).sign();
      HttpResponse<Buffer> jwks = Await.result(client.get(PartnerApiRouter.JWKS_PATH, token));
      return new ECDSAVerifier(JWKSet.parse(jwks.bodyAsString()).getKeys().get(0).toECKey());
    }
  }
}
