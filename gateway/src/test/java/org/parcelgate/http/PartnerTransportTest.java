package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;
import org.parcelgate.testing.TlsSockets;

/**
 * The front door over real mutual TLS against an in-process gateway: who may complete a handshake,
 * and which certificate maps to which partner. Read it as a table: no certificate, untrusted CA,
 * expired, revoked, unregistered, suspended, good; then protocols, suites and renegotiation.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class PartnerTransportTest {
  private static final SamplePki PKI = TestPki.shared();
  private static TestGateway.Running gateway;
  private static Vertx vertx;

  @BeforeAll
  static void start(Vertx shared) {
    vertx = shared;
    gateway = Await.result(TestGateway.start(vertx, PKI));
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
  }

  private static HttpResponse<Buffer> whoami(Identity identity, String alg) {
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      String token = RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now()).sign();
      return Await.result(client.get(PartnerApiRouter.WHOAMI_PATH, token));
    }
  }

  private static Throwable handshakeFailure(Identity identity) {
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      return Await.failure(client.get(PartnerApiRouter.WHOAMI_PATH, "irrelevant"));
    }
  }

  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource({
    "marketplace-alpha, ES256, marketplace",
    "marketplace-alpha, EdDSA, marketplace",
    "marketplace-beta, PS256, marketplace",
    "customs-nl, EdDSA, customs",
    "privacy-officer, ES256, privacy-officer"
  })
  void acceptsRegisteredPartnerWithEachAlgorithm(String name, String alg, String role) {
    Identity identity = PKI.identity(name);
    HttpResponse<Buffer> response = whoami(identity, alg);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("partnerId")).isEqualTo(identity.partnerId());
    assertThat(body.getString("role")).isEqualTo(role);
    assertThat(body.getString("keyId")).isEqualTo(identity.signingKey(alg).getKeyID());
  }

  @Test
  void refusesHandshakeWithoutClientCertificate() {
    assertThat(handshakeFailure(null)).isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"untrusted", "expired", "revoked"})
  void refusesHandshakeWithCertificate(String name) {
    // The identity names are the rejection reasons' metric tags.
    double before = tlsRejections(name);
    assertThat(handshakeFailure(PKI.identity(name))).isNotNull();
    assertThat(tlsRejections(name)).isEqualTo(before + 1);
  }

  @Test
  void refusesValidCertificateThatIsNotRegistered() {
    Identity unregistered = PKI.identity("unregistered");
    try (PartnerClient client = PartnerClient.of(vertx, PKI, unregistered, gateway.partnerPort())) {
      HttpResponse<Buffer> response = Await.result(client.get(PartnerApiRouter.WHOAMI_PATH, null));
      assertProblem(response, 401, "unknown_client");
      assertThat(response.getHeader("WWW-Authenticate")).isNull();
    }
  }

  @Test
  void refusesSuspendedPartner() {
    HttpResponse<Buffer> response = whoami(PKI.identity("marketplace-suspended"), "ES256");
    assertProblem(response, 403, "partner_suspended");
  }

  @Test
  void acceptsTls12WithAnAeadSuite() {
    Identity alpha = PKI.identity("marketplace-alpha");
    try (PartnerClient client =
        PartnerClient.of(
            vertx,
            PKI,
            alpha,
            gateway.partnerPort(),
            o -> o.setEnabledSecureTransportProtocols(Set.of("TLSv1.2")))) {
      String token = RequestTokens.of(alpha, "ES256", TestGateway.GATEWAY_ID, Instant.now()).sign();
      assertThat(Await.result(client.get(PartnerApiRouter.WHOAMI_PATH, token)).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void refusesTls11() {
    Identity alpha = PKI.identity("marketplace-alpha");
    try (PartnerClient client =
        PartnerClient.of(
            vertx,
            PKI,
            alpha,
            gateway.partnerPort(),
            o -> o.setEnabledSecureTransportProtocols(Set.of("TLSv1.1")))) {
      assertThat(Await.failure(client.get(PartnerApiRouter.WHOAMI_PATH, null))).isNotNull();
    }
  }

  @Test
  void refusesTls12WithCbcSuite() {
    Identity alpha = PKI.identity("marketplace-alpha");
    try (PartnerClient client =
        PartnerClient.of(
            vertx,
            PKI,
            alpha,
            gateway.partnerPort(),
            o ->
                o.setEnabledSecureTransportProtocols(Set.of("TLSv1.2"))
                    .addEnabledCipherSuite("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"))) {
      // Only the CBC suite is offered (the option replaces the JDK default list).
      assertThat(Await.failure(client.get(PartnerApiRouter.WHOAMI_PATH, null))).isNotNull();
    }
  }

  @Test
  void refusesARenegotiationStartedByATls12Client() throws IOException {
    Identity alpha = PKI.identity("marketplace-alpha");
    try (SSLSocket socket = TlsSockets.open(PKI, alpha, gateway.partnerPort(), "TLSv1.2")) {
      assertThat(whoami(socket, alpha).status()).isEqualTo(200);

      socket.startHandshake(); // a new ClientHello on the established connection

      assertThatThrownBy(() -> whoami(socket, alpha))
          .as("the gateway answers the renegotiation with an alert, not with the next answer")
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void keepsATls13ConnectionWhoseClientUpdatesItsKeys() throws IOException {
    Identity alpha = PKI.identity("marketplace-alpha");
    try (SSLSocket socket = TlsSockets.open(PKI, alpha, gateway.partnerPort(), "TLSv1.3")) {
      assertThat(whoami(socket, alpha).status()).isEqualTo(200);

      socket.startHandshake(); // TLS 1.3 has no renegotiation: this is a KeyUpdate

      assertThat(whoami(socket, alpha).status()).isEqualTo(200);
    }
  }

  private static TlsSockets.Response whoami(SSLSocket socket, Identity identity)
      throws IOException {
    String token =
        RequestTokens.of(identity, "ES256", TestGateway.GATEWAY_ID, Instant.now()).sign();
    TlsSockets.write(
        socket,
        TlsSockets.head(
                "GET",
                PartnerApiRouter.WHOAMI_PATH,
                java.util.Map.of("Authorization", "Bearer " + token))
            + "\r\n");
    return TlsSockets.read(socket);
  }

  @Test
  void publishesGatewaySigningKeysWithoutPrivateParts() {
    try (PartnerClient client =
        PartnerClient.of(vertx, PKI, PKI.identity("customs-nl"), gateway.partnerPort())) {
      HttpResponse<Buffer> response = Await.result(client.get(PartnerApiRouter.JWKS_PATH, null));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/jwk-set+json");
      JsonObject key = response.bodyAsJsonObject().getJsonArray("keys").getJsonObject(0);
      assertThat(key.getString("kid")).isEqualTo("gateway-es256-1");
      assertThat(key.containsKey("d")).isFalse();
    }
  }

  private static double tlsRejections(String reason) {
    return gateway.meters().get("parcelgate.tls.rejected").tag("reason", reason).counter().count();
  }

  static void assertProblem(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getString("code")).isEqualTo(code);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("type")).isEqualTo("urn:parcelgate:problem:" + code);
    assertThat(problem.getString("detail")).isNotBlank().doesNotContainPattern("\\p{Cntrl}");
    assertThat(problem.getString("requestId")).isEqualTo(response.getHeader("X-Request-Id"));
    assertThat(problem.encode()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
