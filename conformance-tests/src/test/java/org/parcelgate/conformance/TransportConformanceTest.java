package org.parcelgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.parcelgate.conformance.Conformance.assertProblem;
import static org.parcelgate.conformance.Conformance.partner;
import static org.parcelgate.conformance.Conformance.target;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.CertificateAuthority;
import org.parcelgate.pki.IssuedCertificate;
import org.parcelgate.pki.Keys;
import org.parcelgate.pki.Pem;

/**
 * Protocol section 1: who may connect at all, and which certificate maps to which partner. The
 * handshake cases read as a table: no certificate, untrusted CA, expired, not yet valid, revoked,
 * not for client authentication, a suite without AEAD; then a valid certificate that is not
 * registered, a suspended partner's, and a registered one's. Certificates the PKI directory does
 * not hold are issued here, at test time.
 */
@ExtendWith(ConformanceReport.class)
class TransportConformanceTest {

  @Test
  void refusesTheHandshakeWithoutAClientCertificate() throws Exception {
    refusedAtTheHandshake(Tls.anonymous(target()));
  }

  @Test
  void refusesTheHandshakeWithACertificateOfAnUntrustedCa() throws Exception {
    Instant now = Instant.now();
    CertificateAuthority stranger =
        CertificateAuthority.createRoot(
            "Conformance throwaway CA", now.minusSeconds(3600), now.plus(Duration.ofDays(1)));
    refusedAtTheHandshake(
        stranger.issueClient(
            Keys.ecP256(),
            "conformance-untrusted",
            now.minusSeconds(3600),
            now.plus(Duration.ofDays(1))));
  }

  @Test
  void refusesTheHandshakeWithAnExpiredCertificate() throws Exception {
    refusedAtTheHandshake("expired");
  }

  @Test
  void refusesTheHandshakeWithACertificateNotYetValid() throws Exception {
    Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
    refusedAtTheHandshake(
        target()
            .pki
            .rootCa()
            .issueClient(
                Keys.ecP256(),
                "conformance-not-yet-valid",
                tomorrow,
                tomorrow.plus(Duration.ofDays(1))));
  }

  @Test
  void refusesTheHandshakeWithARevokedCertificate() throws Exception {
    refusedAtTheHandshake("revoked");
  }

  @Test
  void refusesTheHandshakeWithACertificateForServerAuthenticationOnly() throws Exception {
    Instant now = Instant.now();
    refusedAtTheHandshake(
        target()
            .pki
            .rootCa()
            .issueServer(
                Keys.ecP256(),
                "conformance-server-only",
                List.of("conformance.invalid"),
                List.of(),
                now.minusSeconds(3600),
                now.plus(Duration.ofDays(1))));
  }

  @Test
  void refusesTheHandshakeOfferingOnlySuitesWithoutAead() throws Exception {
    SSLParameters cbcOnly = new SSLParameters();
    cbcOnly.setProtocols(new String[] {"TLSv1.2"});
    cbcOnly.setCipherSuites(
        new String[] {
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"
        });
    var alpha = target().pki.identity("marketplace-alpha");
    refusedAtTheHandshake(
        Tls.client(target(), alpha.x509(), Pem.readPrivateKey(alpha.privateKey()), cbcOnly));
  }

  @Test
  void refusesAValidCertificateThatIsNotRegistered() throws Exception {
    Instant now = Instant.now();
    IssuedCertificate fresh =
        target()
            .pki
            .rootCa()
            .issueClient(
                Keys.ecP256(),
                "conformance-unregistered",
                now.minusSeconds(3600),
                now.plus(Duration.ofDays(1)));
    assertProblem(
        "issued now", Tls.get(client(fresh), target(), "/v1/whoami"), 401, "unknown_client");
    assertProblem(
        "from the PKI directory",
        partner("unregistered").get("/v1/whoami", null),
        401,
        "unknown_client");
  }

  @Test
  void refusesAnUnregisteredCertificateBeforeReadingTheBody() throws Exception {
    assertProblem(
        partner("unregistered")
            .postBatch(Partners.zeros(target().bodyLimit + 1L), "not even a token"),
        401,
        "unknown_client");
  }

  @Test
  void refusesASuspendedPartnerEvenWithAValidToken() throws Exception {
    Partners suspended = partner("marketplace-suspended");
    assertProblem(suspended.get("/v1/whoami", suspended.token().sign()), 403, "partner_suspended");
  }

  @Test
  void servesTheKeySetAndTheApiDescriptionToARegisteredCertificateWithoutAToken() throws Exception {
    Partners alpha = partner("marketplace-alpha");

    HttpResponse<String> keys = alpha.get("/.well-known/jwks.json", null);
    HttpResponse<String> description = alpha.get("/v1/openapi.json", null);

    assertThat(keys.statusCode()).isEqualTo(200);
    assertThat(keys.headers().firstValue("Content-Type")).hasValue("application/jwk-set+json");
    assertThat(keys.headers().firstValue("Cache-Control")).hasValue("max-age=300");
    assertThat(keys.body()).doesNotContain("\"d\"");
    assertThat(description.statusCode()).isEqualTo(200);
    assertThat(description.headers().firstValue("Content-Type"))
        .hasValue("application/openapi+json");
    assertThat(description.headers().firstValue("Cache-Control")).hasValue("max-age=300");
    assertThat(Conformance.json(description).get("openapi")).isEqualTo("3.1.0");
  }

  @Test
  void marksEveryAnswerWithItsOwnRequestIdAndNoSniff() throws Exception {
    String mine = "11111111-2222-3333-4444-555555555555";
    HttpResponse<String> answer =
        partner("marketplace-alpha")
            .send("GET", "/v1/whoami", null, Map.of("X-Request-Id", mine), null);

    assertThat(answer.headers().firstValue("X-Request-Id"))
        .hasValueSatisfying(id -> assertThat(id).isNotEqualTo(mine).hasSize(36));
    assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  /**
   * The identity's connection fails while a good identity's, to the same target and trust anchor,
   * gets an answer: so the refusal is the certificate's, not a wrong URL or trust anchor.
   */
  private static void refusedAtTheHandshake(String identity) throws Exception {
    refusedAtTheHandshake(client(target().pki.identity(identity)));
  }

  private static void refusedAtTheHandshake(IssuedCertificate certificate) throws Exception {
    refusedAtTheHandshake(client(certificate));
  }

  private static void refusedAtTheHandshake(HttpClient client) throws Exception {
    assertThat(partner("marketplace-alpha").get("/v1/whoami", null).statusCode())
        .as("a registered identity reaches the gateway (positive control)")
        .isEqualTo(401);
    assertThatThrownBy(() -> Tls.get(client, target(), "/v1/whoami"))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ConnectException.class);
  }

  private static HttpClient client(org.parcelgate.pki.Identity identity) {
    return Tls.client(target(), identity.x509(), Pem.readPrivateKey(identity.privateKey()));
  }

  private static HttpClient client(IssuedCertificate certificate) {
    return Tls.client(target(), certificate.certificate(), certificate.keyPair().getPrivate());
  }
}
