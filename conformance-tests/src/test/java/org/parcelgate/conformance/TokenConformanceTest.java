package org.parcelgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.conformance.Conformance.assertProblem;
import static org.parcelgate.conformance.Conformance.partner;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.RequestTokens;

/**
 * Protocol section 2: the request token, one rule broken at a time, each with the documented status
 * and code; a token refused for any rule keeps its jti, a good one is spent.
 */
@ExtendWith(ConformanceReport.class)
class TokenConformanceTest {
  private final Partners alpha = partner("marketplace-alpha");

  @Test
  void acceptsEveryRegisteredActivePartnerWithEachOfItsKeys() throws Exception {
    for (var identity : Conformance.target().pki.partners()) {
      if (identity.partnerId().equals("marketplace-suspended")) {
        continue;
      }
      Partners partner = new Partners(Conformance.target(), identity);
      for (JWK key : identity.signingKeys()) {
        String alg = key.getAlgorithm().getName();
        var response = partner.get("/v1/whoami", partner.token(alg).sign());
        assertThat(response.statusCode()).as("%s with %s", identity.name(), alg).isEqualTo(200);
        Map<String, Object> body = Conformance.json(response);
        assertThat(body.get("partnerId")).isEqualTo(identity.partnerId());
        assertThat(body.get("role")).isEqualTo(identity.role());
        assertThat(body.get("keyId")).isEqualTo(key.getKeyID());
      }
    }
  }

  @Test
  void refusesARequestWithoutAToken() throws Exception {
    var response = alpha.get("/v1/whoami", null);
    assertProblem(response, 401, "missing_token");
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
  }

  @Test
  void refusesATokenThatIsNotACompactJws() throws Exception {
    var response = alpha.get("/v1/whoami", "not-a-token");
    assertProblem(response, 401, "invalid_token");
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer error=\"invalid_token\"");
  }

  @Test
  void refusesAnUnsecuredToken() throws Exception {
    String header = encode("{\"alg\":\"none\",\"typ\":\"parcelgate-request+jwt\"}");
    String claims = encode("{\"iss\":\"marketplace-alpha\"}");
    assertProblem(
        alpha.get("/v1/whoami", header + "." + claims + "."), 401, "unsupported_algorithm");
  }

  @Test
  void refusesAnHmacToken() throws Exception {
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType("parcelgate-request+jwt"))
                .keyID(alpha.token().kid())
                .build(),
            new Payload(Map.of("iss", "marketplace-alpha", "sub", "marketplace-alpha")));
    jws.sign(new MACSigner(new OctetSequenceKeyGenerator(256).generate()));
    assertProblem(alpha.get("/v1/whoami", jws.serialize()), 401, "unsupported_algorithm");
  }

  @Test
  void refusesAnAlgorithmThatIsNotTheRegisteredKeys() throws Exception {
    // marketplace-alpha's EdDSA key id in a header that claims ES256, signed with a fresh EC key.
    RequestTokens tokens = alpha.token("EdDSA");
    JWK ec = new ECKeyGenerator(Curve.P_256).keyID(tokens.kid()).generate();
    assertProblem(
        alpha.get("/v1/whoami", tokens.signWith(ec, JWSAlgorithm.ES256).sign()),
        401,
        "unsupported_algorithm");
  }

  @Test
  void refusesAnotherType() throws Exception {
    String token =
        alpha
            .token()
            .header(h -> h.type(new JOSEObjectType("application/parcelgate-request+jwt")))
            .sign();
    assertProblem(alpha.get("/v1/whoami", token), 401, "invalid_token");
  }

  @Test
  void refusesEmbeddedOrRemoteKeys() throws Exception {
    JWK stranger = new ECKeyGenerator(Curve.P_256).keyID("stranger").generate();
    String embedded = alpha.token().header(h -> h.jwk(stranger.toPublicJWK())).sign();
    String remote =
        alpha.token().header(h -> h.jwkURL(URI.create("https://keys.example/jwks"))).sign();
    assertProblem(alpha.get("/v1/whoami", embedded), 401, "invalid_token");
    assertProblem(alpha.get("/v1/whoami", remote), 401, "invalid_token");
  }

  @Test
  void refusesAKeyIdNotRegisteredForThePartner() throws Exception {
    String betasKid =
        Conformance.target().pki.identity("marketplace-beta").signingKeys().get(0).getKeyID();
    JWK stranger = new ECKeyGenerator(Curve.P_256).keyID(betasKid).generate();
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().signWith(stranger, JWSAlgorithm.ES256).sign()),
        401,
        "unknown_key");
  }

  @Test
  void refusesASignatureByAnotherKeyUnderTheRegisteredKid() throws Exception {
    RequestTokens tokens = alpha.token("ES256");
    JWK forger = new ECKeyGenerator(Curve.P_256).keyID(tokens.kid()).generate();
    assertProblem(
        alpha.get("/v1/whoami", tokens.signWith(forger, JWSAlgorithm.ES256).sign()),
        401,
        "invalid_signature");
  }

  @Test
  void refusesAnIssuerOrSubjectOtherThanTheCertificatesPartner() throws Exception {
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().claim("iss", "marketplace-beta").sign()),
        401,
        "issuer_mismatch");
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().claim("sub", "marketplace-beta").sign()),
        401,
        "issuer_mismatch");
  }

  @Test
  void refusesATokenForAnotherAudience() throws Exception {
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().claim("aud", "elsewhere").sign()),
        401,
        "audience_mismatch");
    assertProblem(
        alpha.get(
            "/v1/whoami",
            alpha.token().claim("aud", List.of(Conformance.target().audience, "elsewhere")).sign()),
        401,
        "audience_mismatch");
  }

  @Test
  void refusesAnExpiredToken() throws Exception {
    Instant past = Instant.now().minusSeconds(3600);
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().issuedAt(past, past.plusSeconds(120)).sign()),
        401,
        "token_expired");
  }

  @Test
  void refusesATokenIssuedInTheFuture() throws Exception {
    Instant future = Instant.now().plusSeconds(600);
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().issuedAt(future, future.plusSeconds(120)).sign()),
        401,
        "token_not_yet_valid");
  }

  @Test
  void refusesALifetimeOverFiveMinutes() throws Exception {
    Instant now = Instant.now();
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().issuedAt(now, now.plusSeconds(301)).sign()),
        401,
        "token_lifetime_too_long");
  }

  @Test
  void refusesATokenWithoutARequiredClaim() throws Exception {
    for (String claim : List.of("jti", "exp", "iat", "aud", "cnf")) {
      assertProblem(
          alpha.get("/v1/whoami", alpha.token().without(claim).sign()), 401, "invalid_token");
    }
  }

  @Test
  void refusesAReplayedTokenButNotOneRefusedForAnotherRule() throws Exception {
    String jti = "conformance-" + System.nanoTime();
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().jti(jti).claim("aud", "elsewhere").sign()),
        401,
        "audience_mismatch");

    String token = alpha.token().jti(jti).sign();
    assertThat(alpha.get("/v1/whoami", token).statusCode()).isEqualTo(200);
    assertProblem(alpha.get("/v1/whoami", token), 401, "token_replayed");
    assertProblem(alpha.get("/v1/whoami", alpha.token().jti(jti).sign()), 401, "token_replayed");
  }

  @Test
  void refusesATokenBoundToAnotherCertificate() throws Exception {
    String thumbprint = Conformance.target().pki.identity("marketplace-beta").thumbprint();
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().claim("cnf", Map.of("x5t#S256", thumbprint)).sign()),
        401,
        "certificate_binding_mismatch");
  }

  @Test
  void refusesABodyWithoutOrWithAWrongDigest() throws Exception {
    byte[] body = Conformance.batch(1);
    assertProblem(alpha.postBatch(body, alpha.token().sign()), 401, "invalid_token");
    assertProblem(
        alpha.postBatch(body, alpha.token().body(Conformance.batch(1)).sign()),
        401,
        "digest_mismatch");
  }

  private static String encode(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
