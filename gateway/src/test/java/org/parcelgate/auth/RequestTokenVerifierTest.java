package org.parcelgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.pki.SigningKeys;
import org.parcelgate.protocol.Digests;
import org.parcelgate.testing.MutableClock;
import org.parcelgate.testing.TestPki;

class RequestTokenVerifierTest {
  private static final String AUDIENCE = "parcelgate-test";
  private static final Duration SKEW = Duration.ofSeconds(30);

  private final SamplePki pki = TestPki.shared();
  private final Identity alpha = pki.identity("marketplace-alpha");
  private MutableClock clock;
  private CaffeineReplayGuard replay;
  private RequestTokenVerifier verifier;
  private PartnerRegistry registry;

  @BeforeEach
  void setUp() throws Exception {
    clock = new MutableClock(Instant.now());
    replay = new CaffeineReplayGuard(10_000, clock);
    verifier =
        new RequestTokenVerifier(
            new TokenPolicy(
                AUDIENCE,
                Set.of(JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.EdDSA),
                SKEW,
                Duration.ofSeconds(300)),
            replay,
            clock);
    registry = PartnerRegistryParser.parse(Files.readAllBytes(pki.registry()));
  }

  private RequestTokens alphaToken() {
    return RequestTokens.of(alpha, "ES256", AUDIENCE, clock.instant());
  }

  private VerifiedRequest verify(Identity identity, String token, byte[] body) {
    Partner partner = registry.byId(identity.partnerId()).orElseThrow();
    return verifier.verify(partner, token, identity.thumbprint(), body);
  }

  private void assertRefused(String token, ProblemCode code) {
    assertRefused(token, null, code);
  }

  private void assertRefused(String token, byte[] body, ProblemCode code) {
    assertThatThrownBy(() -> verify(alpha, token, body))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.problem()).isEqualTo(code));
  }

  @ParameterizedTest(name = "{0} signs for {1}")
  @CsvSource({
    "marketplace-alpha, ES256",
    "marketplace-alpha, EdDSA",
    "marketplace-beta, PS256",
    "customs-nl, ES256",
    "customs-nl, EdDSA",
    "privacy-officer, ES256"
  })
  void acceptsValidTokenForEachAlgorithm(String name, String alg) {
    Identity identity = pki.identity(name);
    String token = RequestTokens.of(identity, alg, AUDIENCE, clock.instant()).sign();

    VerifiedRequest verified = verify(identity, token, null);

    assertThat(verified.partner().id()).isEqualTo(identity.partnerId());
    assertThat(verified.keyId()).isEqualTo(identity.signingKey(alg).getKeyID());
  }

  @Test
  void acceptsBodyWithMatchingDigest() {
    byte[] body = "{\"batch\":1}".getBytes(StandardCharsets.UTF_8);
    assertThat(verify(alpha, alphaToken().body(body).sign(), body).jti()).isNotBlank();
  }

  /** The ingest trusts this digest instead of hashing the body again: it must be the body's. */
  @Test
  void carriesTheVerifiedBodyDigest() {
    byte[] body = "{\"batch\":2}".getBytes(StandardCharsets.UTF_8);

    assertThat(verify(alpha, alphaToken().body(body).sign(), body).bodySha256())
        .isEqualTo(Digests.sha256Base64Url(body));
    assertThat(verify(alpha, alphaToken().sign(), null).bodySha256()).isNull();
  }

  // --- header rules
  // --------------------------------------------------------------------------------------------------

  @Test
  void rejectsUnsignedToken() {
    String token =
        new PlainJWT(
                new JWTClaimsSet.Builder()
                    .issuer(alpha.partnerId())
                    .subject(alpha.partnerId())
                    .build())
            .serialize();
    assertRefused(token, ProblemCode.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void rejectsHmacTokenEvenWithPublicKeyAsSecret() throws JOSEException {
    byte[] secret =
        alpha.signingKey("ES256").toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(org.parcelgate.protocol.JoseTypes.REQUEST)
                .keyID(alpha.signingKey("ES256").getKeyID())
                .build(),
            new Payload(Map.of("iss", alpha.partnerId())));
    jws.sign(new MACSigner(secret));
    assertRefused(jws.serialize(), ProblemCode.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void rejectsAlgorithmMissingFromAllowList() {
    RequestTokenVerifier esOnly =
        new RequestTokenVerifier(
            new TokenPolicy(AUDIENCE, Set.of(JWSAlgorithm.ES256), SKEW, Duration.ofSeconds(300)),
            replay,
            clock);
    String token = RequestTokens.of(alpha, "EdDSA", AUDIENCE, clock.instant()).sign();
    Partner partner = registry.byId(alpha.partnerId()).orElseThrow();
    assertThatThrownBy(() -> esOnly.verify(partner, token, alpha.thumbprint(), null))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> assertThat(e.problem()).isEqualTo(ProblemCode.UNSUPPORTED_ALGORITHM));
  }

  @Test
  void rejectsWrongType() {
    assertRefused(
        alphaToken().header(h -> h.type(JOSEObjectType.JWT)).sign(), ProblemCode.INVALID_TOKEN);
  }

  @Test
  void rejectsTypeInOtherCase() {
    assertRefused(
        alphaToken().header(h -> h.type(new JOSEObjectType("PARCELGATE-REQUEST+JWT"))).sign(),
        ProblemCode.INVALID_TOKEN);
  }

  @Test
  void rejectsMissingType() {
    assertRefused(alphaToken().header(h -> h.type(null)).sign(), ProblemCode.INVALID_TOKEN);
  }

  @Test
  void rejectsTokenWithEmbeddedJwk() {
    assertRefused(
        alphaToken().header(h -> h.jwk(alpha.signingKey("ES256").toPublicJWK())).sign(),
        ProblemCode.INVALID_TOKEN);
  }

  @Test
  void rejectsTokenWithJku() {
    assertRefused(
        alphaToken().header(h -> h.jwkURL(URI.create("https://attacker.invalid/jwks"))).sign(),
        ProblemCode.INVALID_TOKEN);
  }

  @Test
  void rejectsTokenWithX5u() {
    assertRefused(
        alphaToken().header(h -> h.x509CertURL(URI.create("https://attacker.invalid/cert"))).sign(),
        ProblemCode.INVALID_TOKEN);
  }

  @Test
  void rejectsTokenWithX5c() throws Exception {
    Base64URL der = Base64URL.encode(alpha.x509().getEncoded());
    assertRefused(
        alphaToken()
            .header(
                h -> h.x509CertChain(List.of(new com.nimbusds.jose.util.Base64(der.toString()))))
            .sign(),
        ProblemCode.INVALID_TOKEN);
  }

  @Test
  void rejectsTokenWithCrit() {
    assertRefused(
        alphaToken()
            .header(h -> h.customParam("exp-policy", "x").criticalParams(Set.of("exp-policy")))
            .sign(),
        ProblemCode.INVALID_TOKEN);
  }

  @Test
  void rejectsMissingKid() {
    assertRefused(alphaToken().header(h -> h.keyID(null)).sign(), ProblemCode.INVALID_TOKEN);
  }

  @Test
  void rejectsKidOfAnotherPartner() {
    String betaKid = pki.identity("marketplace-beta").signingKey("PS256").getKeyID();
    assertRefused(alphaToken().header(h -> h.keyID(betaKid)).sign(), ProblemCode.UNKNOWN_KEY);
  }

  @Test
  void rejectsKeyUsedWithAnotherAlgorithm() {
    // Signed with alpha's EdDSA key, but naming alpha's ES256 kid.
    String esKid = alpha.signingKey("ES256").getKeyID();
    String token =
        alphaToken()
            .signWith(alpha.signingKey("EdDSA"), JWSAlgorithm.EdDSA)
            .header(h -> h.keyID(esKid))
            .sign();
    assertRefused(token, ProblemCode.UNSUPPORTED_ALGORITHM);
  }

  @Test
  void rejectsSignatureByUnregisteredKey() {
    String kid = alpha.signingKey("ES256").getKeyID();
    String token = alphaToken().signWith(SigningKeys.es256(kid), JWSAlgorithm.ES256).sign();
    assertRefused(token, ProblemCode.INVALID_SIGNATURE);
  }

  @Test
  void rejectsTamperedPayload() {
    String[] parts = alphaToken().sign().split("\\.");
    String forged =
        Base64URL.encode("{\"iss\":\"marketplace-alpha\",\"sub\":\"marketplace-alpha\"}")
            .toString();
    assertRefused(parts[0] + "." + forged + "." + parts[2], ProblemCode.INVALID_SIGNATURE);
  }

  @Test
  void rejectsGarbageAndOversizedTokens() {
    assertRefused("not-a-token", ProblemCode.INVALID_TOKEN);
    assertRefused("a".repeat(RequestTokenVerifier.MAX_TOKEN_LENGTH + 1), ProblemCode.INVALID_TOKEN);
    assertRefused("", ProblemCode.INVALID_TOKEN);
  }

  // --- encoding: one spelling per token (RFC 7515: base64url without padding)
  // ---------------------------------------------------------------------------------------------

  /** Other spellings of the same signed header, claims and signature. */
  enum Respelling {
    PADDED_HEADER,
    PADDED_PAYLOAD,
    PADDED_SIGNATURE,
    STANDARD_BASE64_ALPHABET,
    SPACE_INSIDE_A_SEGMENT,
    LINE_BREAK_BETWEEN_SEGMENTS,
    NON_CANONICAL_LAST_CHARACTER
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Respelling.class)
  void rejectsEverySpellingOfAValidTokenButTheCanonicalOne(Respelling respelling) {
    String token = tokenNeedingPadding();
    String[] parts = token.split("\\.");
    String respelled =
        switch (respelling) {
          case PADDED_HEADER -> padded(parts[0]) + "." + parts[1] + "." + parts[2];
          case PADDED_PAYLOAD -> parts[0] + "." + padded(parts[1]) + "." + parts[2];
          case PADDED_SIGNATURE -> parts[0] + "." + parts[1] + "." + padded(parts[2]);
          case STANDARD_BASE64_ALPHABET -> token.replace('-', '+').replace('_', '/');
          case SPACE_INSIDE_A_SEGMENT ->
              parts[0]
                  + "."
                  + parts[1].substring(0, 8)
                  + " "
                  + parts[1].substring(8)
                  + "."
                  + parts[2];
          case LINE_BREAK_BETWEEN_SEGMENTS -> parts[0] + ".\n" + parts[1] + "." + parts[2];
          case NON_CANONICAL_LAST_CHARACTER ->
              parts[0] + "." + parts[1] + "." + lastBitSet(parts[2]);
        };
    assertThat(respelled).isNotEqualTo(token);

    assertRefused(respelled, ProblemCode.INVALID_TOKEN);
    // The canonical spelling of the same token is accepted, and its jti was not used up.
    assertThat(verify(alpha, token, null).jti()).isNotBlank();
  }

  /**
   * A valid ES256 token whose header and payload segments are not a multiple of 4 long (padding
   * would be added in standard base64) and which holds a - or _ (the characters base64url has
   * instead of + and /). The signature is 86 characters, always padded in standard base64.
   */
  private String tokenNeedingPadding() {
    for (int attempt = 0; attempt < 256; attempt++) {
      String filler = "f".repeat(attempt % 4);
      String headerFiller = "h".repeat(attempt / 4 % 4);
      String token =
          alphaToken()
              .claim("filler", filler)
              .header(header -> header.customParam("filler", headerFiller))
              .sign();
      String[] parts = token.split("\\.");
      if (parts[0].length() % 4 != 0
          && parts[1].length() % 4 != 0
          && (token.indexOf('-') >= 0 || token.indexOf('_') >= 0)) {
        return token;
      }
    }
    throw new AssertionError("no token needing padding was made");
  }

  private static String padded(String segment) {
    return segment + "=".repeat((4 - segment.length() % 4) % 4);
  }

  /** The segment with a bit set after its last byte: decodes to the same bytes. */
  private static String lastBitSet(String segment) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = alphabet.indexOf(segment.charAt(segment.length() - 1));
    return segment.substring(0, segment.length() - 1) + alphabet.charAt(last | 1);
  }

  // --- claim rules
  // ---------------------------------------------------------------------------------------------------

  @Test
  void rejectsIssuerOfAnotherPartner() {
    assertRefused(
        alphaToken().claim("iss", "marketplace-beta").sign(), ProblemCode.ISSUER_MISMATCH);
  }

  @Test
  void rejectsSubjectOtherThanIssuer() {
    assertRefused(
        alphaToken().claim("sub", "marketplace-beta").sign(), ProblemCode.ISSUER_MISMATCH);
  }

  @Test
  void rejectsEachMissingClaim() {
    for (String claim : List.of("iss", "sub", "aud", "iat", "exp", "jti", "cnf")) {
      assertRefused(alphaToken().without(claim).sign(), ProblemCode.INVALID_TOKEN);
    }
  }

  @Test
  void rejectsClaimsOfTheWrongType() {
    assertRefused(alphaToken().claim("iat", "yesterday").sign(), ProblemCode.INVALID_TOKEN);
    assertRefused(alphaToken().claim("jti", 42).sign(), ProblemCode.INVALID_TOKEN);
    assertRefused(alphaToken().claim("cnf", "thumbprint").sign(), ProblemCode.INVALID_TOKEN);
    assertRefused(
        alphaToken().claim("iss", List.of("marketplace-alpha")).sign(), ProblemCode.INVALID_TOKEN);
  }

  @Test
  void rejectsOtherAudience() {
    assertRefused(
        alphaToken().claim("aud", "another-gateway").sign(), ProblemCode.AUDIENCE_MISMATCH);
  }

  @Test
  void rejectsMultipleAudiencesEvenIfOneMatches() {
    assertRefused(
        alphaToken().claim("aud", List.of(AUDIENCE, "other")).sign(),
        ProblemCode.AUDIENCE_MISMATCH);
  }

  @Test
  void rejectsExpiredToken() {
    String token = alphaToken().sign();
    clock.advance(Duration.ofSeconds(120).plus(SKEW).plusSeconds(1));
    assertRefused(token, ProblemCode.TOKEN_EXPIRED);
  }

  @Test
  void acceptsTokenExpiredWithinClockSkew() {
    String token = alphaToken().sign();
    clock.advance(Duration.ofSeconds(120).plus(SKEW).minusSeconds(1));
    assertThat(verify(alpha, token, null)).isNotNull();
  }

  @Test
  void rejectsIssuedAtInTheFutureBeyondSkew() {
    Instant future = clock.instant().plus(SKEW).plusSeconds(5);
    assertRefused(
        alphaToken().issuedAt(future, future.plusSeconds(60)).sign(),
        ProblemCode.TOKEN_NOT_YET_VALID);
  }

  @Test
  void acceptsIssuedAtInTheFutureWithinSkew() {
    Instant future = clock.instant().plus(SKEW).minusSeconds(5);
    assertThat(verify(alpha, alphaToken().issuedAt(future, future.plusSeconds(60)).sign(), null))
        .isNotNull();
  }

  @Test
  void rejectsNotBeforeInTheFuture() {
    assertRefused(
        alphaToken().claim("nbf", clock.instant().plusSeconds(120).getEpochSecond()).sign(),
        ProblemCode.TOKEN_NOT_YET_VALID);
  }

  @Test
  void rejectsLifetimeOverFiveMinutes() {
    Instant now = clock.instant();
    assertRefused(
        alphaToken().issuedAt(now, now.plusSeconds(301)).sign(),
        ProblemCode.TOKEN_LIFETIME_TOO_LONG);
  }

  @Test
  void rejectsExpiryNotAfterIssue() {
    Instant now = clock.instant();
    assertRefused(alphaToken().issuedAt(now, now).sign(), ProblemCode.INVALID_TOKEN);
  }

  @Test
  void rejectsJtiOutsideOneTo128PrintableCharacters() {
    assertRefused(alphaToken().jti("").sign(), ProblemCode.INVALID_TOKEN);
    assertRefused(alphaToken().jti("x".repeat(129)).sign(), ProblemCode.INVALID_TOKEN);
    assertRefused(alphaToken().jti("line\nbreak").sign(), ProblemCode.INVALID_TOKEN);
    assertThat(verify(alpha, alphaToken().jti("x".repeat(128)).sign(), null)).isNotNull();
  }

  // --- binding, digest, replay
  // ---------------------------------------------------------------------------------------

  @Test
  void rejectsTokenBoundToAnotherCertificate() {
    String betaThumbprint = pki.identity("marketplace-beta").thumbprint();
    assertRefused(
        alphaToken().claim("cnf", Map.of("x5t#S256", betaThumbprint)).sign(),
        ProblemCode.CERTIFICATE_BINDING_MISMATCH);
  }

  @Test
  void rejectsBodyWithoutDigest() {
    assertRefused(
        alphaToken().sign(), "{}".getBytes(StandardCharsets.UTF_8), ProblemCode.INVALID_TOKEN);
  }

  @Test
  void rejectsDigestOfAnotherBody() {
    byte[] signed = "{\"total\":100}".getBytes(StandardCharsets.UTF_8);
    byte[] sent = "{\"total\":1}".getBytes(StandardCharsets.UTF_8);
    assertRefused(alphaToken().body(signed).sign(), sent, ProblemCode.DIGEST_MISMATCH);
  }

  @Test
  void rejectsDigestClaimOnRequestWithoutBodyUnlessItIsTheEmptyDigest() {
    assertRefused(
        alphaToken().body("x".getBytes(StandardCharsets.UTF_8)).sign(),
        ProblemCode.DIGEST_MISMATCH);
    assertThat(verify(alpha, alphaToken().body(new byte[0]).sign(), null)).isNotNull();
  }

  @Test
  void rejectsReplayedJti() {
    String token = alphaToken().jti("once").sign();
    verify(alpha, token, null);
    assertRefused(token, ProblemCode.TOKEN_REPLAYED);
  }

  @Test
  void rejectsReplayWithFreshSignatureOverSameJti() {
    verify(alpha, alphaToken().jti("same-id").sign(), null);
    // A new signature (ECDSA is randomized, so different bytes) does not reopen the jti.
    assertRefused(alphaToken().jti("same-id").sign(), ProblemCode.TOKEN_REPLAYED);
  }

  @Test
  void acceptsSameJtiFromAnotherPartner() {
    Identity customs = pki.identity("customs-nl");
    verify(alpha, alphaToken().jti("shared-id").sign(), null);
    assertThat(
            verify(
                customs,
                RequestTokens.of(customs, "ES256", AUDIENCE, clock.instant())
                    .jti("shared-id")
                    .sign(),
                null))
        .isNotNull();
  }

  @Test
  void refusedTokenDoesNotConsumeItsJti() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertRefused(
        alphaToken().jti("retry-me").body("other".getBytes(StandardCharsets.UTF_8)).sign(),
        body,
        ProblemCode.DIGEST_MISMATCH);
    assertThat(verify(alpha, alphaToken().jti("retry-me").body(body).sign(), body)).isNotNull();
  }

  @Test
  void replayGuardForgetsTokensOnlyAfterTheyExpire() {
    verify(alpha, alphaToken().jti("aging").sign(), null);
    clock.advance(Duration.ofSeconds(120));
    assertThat(replay.size()).isEqualTo(1);
    clock.advance(SKEW.plusSeconds(1));
    assertThat(replay.size()).isZero();
  }
}
