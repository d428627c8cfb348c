package org.parcelgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.parcelgate.conformance.Conformance.assertProblem;
import static org.parcelgate.conformance.Conformance.partner;
import static org.parcelgate.conformance.Conformance.target;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Protocol section 1: who may connect at all, and which certificate maps to which partner. */
@ExtendWith(ConformanceReport.class)
class TransportConformanceTest {

  @Test
  void refusesTheHandshakeWithoutAClientCertificate() throws Exception {
    reachable();
    assertThatThrownBy(() -> Partners.getWithoutCertificate(target(), "/v1/whoami"))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ConnectException.class);
  }

  @Test
  void refusesTheHandshakeWithACertificateOfAnUntrustedCa() throws Exception {
    refusedAtTheHandshake("untrusted");
  }

  @Test
  void refusesTheHandshakeWithARevokedCertificate() throws Exception {
    refusedAtTheHandshake("revoked");
  }

  @Test
  void refusesTheHandshakeWithAnExpiredCertificate() throws Exception {
    refusedAtTheHandshake("expired");
  }

  /**
   * The identity's connection fails while a good identity's, to the same target and trust anchor,
   * gets an answer: so the refusal is the certificate's, not a wrong URL or trust anchor.
   */
  private static void refusedAtTheHandshake(String identity) throws Exception {
    reachable();
    assertThatThrownBy(() -> partner(identity).get("/v1/whoami", null))
        .as(identity)
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ConnectException.class);
  }

  private static void reachable() throws Exception {
    assertThat(partner("marketplace-alpha").get("/v1/whoami", null).statusCode())
        .as("a registered identity reaches the gateway (positive control)")
        .isEqualTo(401);
  }

  @Test
  void refusesAValidCertificateThatIsNotRegistered() throws Exception {
    assertProblem(partner("unregistered").get("/v1/whoami", null), 401, "unknown_client");
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
    assertThat(keys.body()).doesNotContain("\"d\"");
    assertThat(description.statusCode()).isEqualTo(200);
    assertThat(Conformance.json(description).get("openapi")).isEqualTo("3.1.0");
  }

  @Test
  void marksEveryAnswerWithARequestIdAndNoSniff() throws Exception {
    HttpResponse<String> answer = partner("marketplace-alpha").get("/v1/whoami", null);

    assertThat(answer.headers().firstValue("X-Request-Id")).isPresent();
    assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }
}
