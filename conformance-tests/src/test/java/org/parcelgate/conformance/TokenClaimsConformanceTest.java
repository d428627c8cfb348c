package org.parcelgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.conformance.Conformance.assertProblem;
import static org.parcelgate.conformance.Conformance.partner;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Protocol section 2, the claims: parties, times, {@code jti}, the binding to the certificate and
 * to the body, and replay. One rule broken at a time, each with the documented status and code; a
 * token refused for any rule keeps its {@code jti}, an accepted one is spent.
 */
@ExtendWith(ConformanceReport.class)
class TokenClaimsConformanceTest {
  /** The SHA-256 of zero bytes, base64url without padding (protocol section 2). */
  private static final String EMPTY_DIGEST = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";

  private final Partners alpha = partner("marketplace-alpha");

  @Test
  void acceptsTheAudienceAsAOneElementArray() throws Exception {
    var response =
        alpha.get(
            "/v1/whoami",
            alpha.token().claim("aud", List.of(Conformance.target().audience)).sign());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void refusesAnIssuerOrSubjectOtherThanTheCertificatesPartner() throws Exception {
    assertProblem(
        "iss",
        alpha.get("/v1/whoami", alpha.token().claim("iss", "marketplace-beta").sign()),
        401,
        "issuer_mismatch");
    assertProblem(
        "sub",
        alpha.get("/v1/whoami", alpha.token().claim("sub", "marketplace-beta").sign()),
        401,
        "issuer_mismatch");
  }

  @Test
  void refusesATokenForAnotherAudience() throws Exception {
    assertProblem(
        "another",
        alpha.get("/v1/whoami", alpha.token().claim("aud", "elsewhere").sign()),
        401,
        "audience_mismatch");
    assertProblem(
        "a second",
        alpha.get(
            "/v1/whoami",
            alpha.token().claim("aud", List.of(Conformance.target().audience, "elsewhere")).sign()),
        401,
        "audience_mismatch");
  }

  @Test
  void refusesATokenWithoutARequiredClaim() throws Exception {
    for (String claim : List.of("iss", "sub", "aud", "iat", "exp", "jti", "cnf")) {
      assertProblem(
          "without " + claim,
          alpha.get("/v1/whoami", alpha.token().without(claim).sign()),
          401,
          "invalid_token");
    }
  }

  @Test
  void refusesAClaimOfTheWrongType() throws Exception {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> wrong = new LinkedHashMap<>();
    wrong.put("iss", 7);
    wrong.put("sub", List.of("marketplace-alpha"));
    wrong.put("aud", 7);
    wrong.put("iat", Long.toString(now));
    wrong.put("exp", Long.toString(now + 60));
    wrong.put("nbf", "yesterday");
    wrong.put("jti", 7);
    wrong.put("cnf", alpha.identity().thumbprint());
    for (var claim : wrong.entrySet()) {
      assertProblem(
          claim.getKey() + " = " + claim.getValue(),
          alpha.get("/v1/whoami", alpha.token().claim(claim.getKey(), claim.getValue()).sign()),
          401,
          "invalid_token");
    }
  }

  @Test
  void refusesAConfirmationWithoutTheThumbprintMember() throws Exception {
    String thumbprint = alpha.identity().thumbprint();
    for (Object cnf : List.of(Map.of("x5t", thumbprint), Map.of("x5t#S256", 7), Map.of())) {
      assertProblem(
          "cnf = " + cnf,
          alpha.get("/v1/whoami", alpha.token().claim("cnf", cnf).sign()),
          401,
          "invalid_token");
    }
  }

  @Test
  void refusesClaimsThatAreNotAJsonObject() throws Exception {
    for (String claims : List.of("not json", "[\"marketplace-alpha\"]", "{\"iss\":")) {
      String token = Conformance.resigned(alpha, header -> header, valid -> claims);
      assertProblem(claims, alpha.get("/v1/whoami", token), 401, "invalid_token");
    }
  }

  @Test
  void refusesClaimsThatRepeatAMember() throws Exception {
    // The repeated member has the same value: only a strict parser notices.
    String token =
        Conformance.resigned(
            alpha,
            header -> header,
            claims -> "{\"iss\":\"marketplace-alpha\"," + claims.substring(1));
    assertProblem(alpha.get("/v1/whoami", token), 401, "invalid_token");
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
  void refusesATokenNotValidBeforeALaterTime() throws Exception {
    long later = Instant.now().plusSeconds(600).getEpochSecond();
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().claim("nbf", later).sign()),
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
  void refusesAnExpiryThatIsNotAfterTheIssueTime() throws Exception {
    Instant now = Instant.now();
    assertProblem(
        "exp = iat",
        alpha.get("/v1/whoami", alpha.token().issuedAt(now, now).sign()),
        401,
        "invalid_token");
    assertProblem(
        "exp before iat",
        alpha.get("/v1/whoami", alpha.token().issuedAt(now, now.minusSeconds(10)).sign()),
        401,
        "invalid_token");
  }

  @Test
  void refusesAJtiThatIsEmptyTooLongOrNotPrintableAscii() throws Exception {
    for (String jti : List.of("", "with space", "x".repeat(129), "caf\u00e9", "tab\there")) {
      assertProblem(
          "jti of " + jti.length() + " characters",
          alpha.get("/v1/whoami", alpha.token().jti(jti).sign()),
          401,
          "invalid_token");
    }
    var longest = alpha.get("/v1/whoami", alpha.token().jti(longJti()).sign());
    assertThat(longest.statusCode()).as("a jti of 128 characters").isEqualTo(200);
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
    assertProblem(
        "without body_sha256", alpha.postBatch(body, alpha.token().sign()), 401, "invalid_token");
    assertProblem(
        "body_sha256 not a string",
        alpha.postBatch(body, alpha.token().claim("body_sha256", 7).sign()),
        401,
        "invalid_token");
    assertProblem(
        "another body's digest",
        alpha.postBatch(body, alpha.token().body(Conformance.batch(1)).sign()),
        401,
        "digest_mismatch");
  }

  @Test
  void treatsAnEmptyPostAsABody() throws Exception {
    assertProblem(
        "without body_sha256",
        alpha.send("POST", "/v1/whoami", alpha.token().sign(), Map.of(), new byte[0]),
        401,
        "invalid_token");
    // With the digest of zero bytes the token passes, and routing answers.
    assertProblem(
        "with the empty digest",
        alpha.send(
            "POST",
            "/v1/whoami",
            alpha.token().claim("body_sha256", EMPTY_DIGEST).sign(),
            Map.of(),
            new byte[0]),
        405,
        "method_not_allowed");
  }

  @Test
  void treatsBodyBytesOnAGetAsABody() throws Exception {
    byte[] body = {'{', '}'};
    assertProblem(
        alpha.send("GET", "/v1/whoami", alpha.token().sign(), Map.of(), body),
        401,
        "invalid_token");
    var bound = alpha.send("GET", "/v1/whoami", alpha.token().body(body).sign(), Map.of(), body);
    assertThat(bound.statusCode()).as(bound.body()).isEqualTo(200);
  }

  @Test
  void acceptsOnlyTheEmptyDigestOnARequestWithoutBody() throws Exception {
    var empty = alpha.get("/v1/whoami", alpha.token().claim("body_sha256", EMPTY_DIGEST).sign());
    assertThat(empty.statusCode()).as(empty.body()).isEqualTo(200);
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().body(new byte[] {1}).sign()), 401, "digest_mismatch");
  }

  @Test
  void refusesAReplayedTokenButNotOneRefusedForAnotherRule() throws Exception {
    String jti = "conformance-" + UUID.randomUUID();
    assertProblem(
        "refused for its audience first",
        alpha.get("/v1/whoami", alpha.token().jti(jti).claim("aud", "elsewhere").sign()),
        401,
        "audience_mismatch");

    String token = alpha.token().jti(jti).sign();
    assertThat(alpha.get("/v1/whoami", token).statusCode()).isEqualTo(200);
    assertProblem("the same token", alpha.get("/v1/whoami", token), 401, "token_replayed");
    assertProblem(
        "the same jti signed again",
        alpha.get("/v1/whoami", alpha.token().jti(jti).sign()),
        401,
        "token_replayed");
  }

  @Test
  void acceptsAJtiThatAnotherPartnerUsed() throws Exception {
    Partners beta = partner("marketplace-beta");
    String jti = "conformance-" + UUID.randomUUID();
    assertThat(alpha.get("/v1/whoami", alpha.token().jti(jti).sign()).statusCode()).isEqualTo(200);

    var response = beta.get("/v1/whoami", beta.token().jti(jti).sign());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void spendsAValidTokenEvenWhenRoutingRefusesTheRequest() throws Exception {
    String token = alpha.token().sign();
    assertProblem("unknown path", alpha.get("/v1/nothing-here", token), 404, "not_found");
    assertProblem("then", alpha.get("/v1/whoami", token), 401, "token_replayed");
  }

  private static String longJti() {
    String id = "conformance-" + UUID.randomUUID();
    return id + "x".repeat(128 - id.length());
  }
}
