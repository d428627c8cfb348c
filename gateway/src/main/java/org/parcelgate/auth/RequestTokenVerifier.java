package org.parcelgate.auth;

import static org.parcelgate.error.ProblemCode.AUDIENCE_MISMATCH;
import static org.parcelgate.error.ProblemCode.CERTIFICATE_BINDING_MISMATCH;
import static org.parcelgate.error.ProblemCode.DIGEST_MISMATCH;
import static org.parcelgate.error.ProblemCode.INVALID_SIGNATURE;
import static org.parcelgate.error.ProblemCode.INVALID_TOKEN;
import static org.parcelgate.error.ProblemCode.ISSUER_MISMATCH;
import static org.parcelgate.error.ProblemCode.TOKEN_EXPIRED;
import static org.parcelgate.error.ProblemCode.TOKEN_LIFETIME_TOO_LONG;
import static org.parcelgate.error.ProblemCode.TOKEN_NOT_YET_VALID;
import static org.parcelgate.error.ProblemCode.TOKEN_REPLAYED;
import static org.parcelgate.error.ProblemCode.UNKNOWN_KEY;
import static org.parcelgate.error.ProblemCode.UNSUPPORTED_ALGORITHM;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.protocol.CompactJws;
import org.parcelgate.protocol.Digests;
import org.parcelgate.protocol.JoseTypes;
import org.parcelgate.protocol.RequestToken;

/**
 * Verifies the signed request token ({@code Authorization: Bearer}) of one request, for a partner
 * already identified by its TLS client certificate. Every rule of docs/protocol.md is checked here
 * and only here, explicitly: Nimbus is used to parse and to verify signatures, not for its lenient
 * default claim checks.
 *
 * <p>Checks run cheapest and least revealing first; the replay guard is consulted last, so a token
 * that fails any other rule does not consume its {@code jti}. Pure Java and thread-safe; its only
 * I/O is the replay guard's, which the gateway backs with the store: call it from a worker thread.
 */
public final class RequestTokenVerifier {
  /** Compact tokens longer than this are refused before parsing. */
  public static final int MAX_TOKEN_LENGTH = 8192;

  private static final Pattern JTI = Pattern.compile("[\\x21-\\x7e]{1,128}");

  private final TokenPolicy policy;
  private final ReplayGuard replayGuard;
  private final Clock clock;

  public RequestTokenVerifier(TokenPolicy policy, ReplayGuard replayGuard, Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.replayGuard = Objects.requireNonNull(replayGuard, "replayGuard");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Verifies one token.
   *
   * @param partner the partner bound to the connection's client certificate
   * @param compact the token in JWS compact serialization
   * @param connectionThumbprint the {@code x5t#S256} of the connection's client certificate
   * @param body the exact request body bytes, or {@code null} if the request has no body
   * @throws GatewayException with the code of the first rule the token breaks
   */
  public VerifiedRequest verify(
      Partner partner, String compact, String connectionThumbprint, byte[] body) {
    SignedJWT jwt = parse(compact);
    JWSHeader header = jwt.getHeader();
    checkHeader(header);
    PartnerKey key =
        partner
            .key(header.getKeyID())
            .orElseThrow(() -> refuse(UNKNOWN_KEY, "the kid is not registered for this partner"));
    if (!key.algorithm().equals(header.getAlgorithm())) {
      throw refuse(
          UNSUPPORTED_ALGORITHM, "the key registered under this kid signs with " + key.algorithm());
    }
    checkSignature(jwt, key);

    JWTClaimsSet claims = claims(jwt);
    checkParties(claims, partner);
    Instant expiresAt = checkTimes(claims);
    String jti = checkJti(claims);
    checkBinding(claims, connectionThumbprint);
    String bodySha256 = checkBody(claims, body);

    if (!replayGuard.firstUse(partner.id(), jti, expiresAt.plus(policy.clockSkew()))) {
      throw refuse(TOKEN_REPLAYED, "this token id has already been used");
    }
    return new VerifiedRequest(
        partner, key.kid(), jti, claims.getIssueTime().toInstant(), expiresAt, bodySha256);
  }

  private static SignedJWT parse(String compact) {
    if (compact == null || compact.isEmpty() || compact.length() > MAX_TOKEN_LENGTH) {
      throw refuse(
          INVALID_TOKEN, "the token is empty or longer than " + MAX_TOKEN_LENGTH + " characters");
    }
    // One spelling per token: Nimbus would also accept padding, the standard alphabet, whitespace
    // and non-zero trailing bits, each another string for the same signed token.
    if (CompactJws.segments(compact).isEmpty()) {
      throw refuse(
          INVALID_TOKEN,
          "the token must be three segments of base64url without padding (RFC 7515 compact form)");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(compact);
    } catch (ParseException e) {
      throw refuse(INVALID_TOKEN, "the token is not a JWS in compact serialization");
    }
    if (jwt instanceof PlainJWT) {
      throw refuse(UNSUPPORTED_ALGORITHM, "unsigned tokens (alg none) are never accepted");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw refuse(INVALID_TOKEN, "the token must be a JWS, not a JWE");
    }
    return signed;
  }

  private void checkHeader(JWSHeader header) {
    if (!policy.algorithms().contains(header.getAlgorithm())) {
      throw refuse(UNSUPPORTED_ALGORITHM, "accepted algorithms are " + algorithmNames());
    }
    // JOSEObjectType.equals ignores case; the protocol wants the exact value.
    if (!JoseTypes.is(header.getType(), JoseTypes.REQUEST)) {
      throw refuse(INVALID_TOKEN, "the typ header must be " + JoseTypes.REQUEST);
    }
    if (header.getJWKURL() != null
        || header.getJWK() != null
        || header.getX509CertURL() != null
        || header.getX509CertChain() != null) {
      throw refuse(
          INVALID_TOKEN,
          "the headers jku, jwk, x5u and x5c are not accepted; keys come from the registry");
    }
    if (header.getCriticalParams() != null) {
      throw refuse(INVALID_TOKEN, "the crit header is not accepted");
    }
    if (header.getKeyID() == null || header.getKeyID().isEmpty()) {
      throw refuse(INVALID_TOKEN, "the kid header is required");
    }
  }

  private String algorithmNames() {
    return policy.algorithms().stream().map(Object::toString).sorted().toList().toString();
  }

  private static void checkSignature(SignedJWT jwt, PartnerKey key) {
    boolean valid;
    try {
      valid = jwt.verify(key.verifier());
    } catch (JOSEException | IllegalStateException e) {
      valid = false;
    }
    if (!valid) {
      throw refuse(INVALID_SIGNATURE, "the signature does not verify with the registered key");
    }
  }

  private static JWTClaimsSet claims(SignedJWT jwt) {
    try {
      return jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw refuse(INVALID_TOKEN, "the claims are not a valid JWT claims set");
    }
  }

  private void checkParties(JWTClaimsSet claims, Partner partner) {
    String issuer = requiredString(claims, "iss");
    String subject = requiredString(claims, "sub");
    if (!partner.id().equals(issuer) || !partner.id().equals(subject)) {
      throw refuse(
          ISSUER_MISMATCH,
          "iss and sub must both be the partner id bound to the client certificate");
    }
    List<String> audience = claims.getAudience();
    if (audience == null || audience.isEmpty()) {
      throw refuse(INVALID_TOKEN, "the aud claim is required");
    }
    if (audience.size() != 1 || !policy.audience().equals(audience.get(0))) {
      throw refuse(AUDIENCE_MISMATCH, "aud must be the single value " + policy.audience());
    }
  }

  private Instant checkTimes(JWTClaimsSet claims) {
    Instant issuedAt = requiredTime(claims, "iat");
    Instant expiresAt = requiredTime(claims, "exp");
    if (!expiresAt.isAfter(issuedAt)) {
      throw refuse(INVALID_TOKEN, "exp must be later than iat");
    }
    if (Duration.between(issuedAt, expiresAt).compareTo(policy.maxLifetime()) > 0) {
      throw refuse(
          TOKEN_LIFETIME_TOO_LONG,
          "exp - iat must not exceed " + policy.maxLifetime().toSeconds() + " s");
    }
    Instant now = clock.instant();
    if (now.isAfter(expiresAt.plus(policy.clockSkew()))) {
      throw refuse(TOKEN_EXPIRED, "the token expired");
    }
    if (issuedAt.isAfter(now.plus(policy.clockSkew()))) {
      throw refuse(TOKEN_NOT_YET_VALID, "iat is in the future");
    }
    Instant notBefore = optionalTime(claims, "nbf");
    if (notBefore != null && notBefore.isAfter(now.plus(policy.clockSkew()))) {
      throw refuse(TOKEN_NOT_YET_VALID, "nbf is in the future");
    }
    return expiresAt;
  }

  private static String checkJti(JWTClaimsSet claims) {
    String jti = requiredString(claims, "jti");
    if (!JTI.matcher(jti).matches()) {
      throw refuse(INVALID_TOKEN, "jti must be 1 to 128 printable ASCII characters");
    }
    return jti;
  }

  private static void checkBinding(JWTClaimsSet claims, String connectionThumbprint) {
    Map<String, Object> confirmation;
    try {
      confirmation = claims.getJSONObjectClaim(RequestToken.CONFIRMATION_CLAIM);
    } catch (ParseException e) {
      throw refuse(INVALID_TOKEN, "cnf must be a JSON object");
    }
    if (confirmation == null
        || !(confirmation.get(RequestToken.THUMBPRINT_CONFIRMATION) instanceof String thumbprint)) {
      throw refuse(INVALID_TOKEN, "the cnf claim with an x5t#S256 member is required");
    }
    if (!constantTimeEquals(thumbprint, connectionThumbprint)) {
      throw refuse(
          CERTIFICATE_BINDING_MISMATCH,
          "cnf.x5t#S256 is not the thumbprint of this connection's certificate");
    }
  }

  /** The body's digest once the claim is proven to match it; null for no body and no claim. */
  private static String checkBody(JWTClaimsSet claims, byte[] body) {
    Object claimed = claims.getClaim(RequestToken.BODY_DIGEST_CLAIM);
    if (claimed == null) {
      if (body != null) {
        throw refuse(INVALID_TOKEN, "the body_sha256 claim is required for a request with a body");
      }
      return null;
    }
    if (!(claimed instanceof String digest)) {
      throw refuse(INVALID_TOKEN, "body_sha256 must be a string");
    }
    String actual = Digests.sha256Base64Url(body == null ? new byte[0] : body);
    if (!constantTimeEquals(digest, actual)) {
      throw refuse(DIGEST_MISMATCH, "body_sha256 is not the SHA-256 of the request body");
    }
    return actual;
  }

  private static String requiredString(JWTClaimsSet claims, String name) {
    Object value = claims.getClaim(name);
    if (value == null) {
      throw refuse(INVALID_TOKEN, "the " + name + " claim is required");
    }
    if (!(value instanceof String text)) {
      throw refuse(INVALID_TOKEN, "the " + name + " claim must be a string");
    }
    return text;
  }

  private static Instant requiredTime(JWTClaimsSet claims, String name) {
    Instant value = optionalTime(claims, name);
    if (value == null) {
      throw refuse(INVALID_TOKEN, "the " + name + " claim is required");
    }
    return value;
  }

  private static Instant optionalTime(JWTClaimsSet claims, String name) {
    try {
      Date date = claims.getDateClaim(name);
      return date == null ? null : date.toInstant();
    } catch (ParseException e) {
      throw refuse(
          INVALID_TOKEN, "the " + name + " claim must be a number of seconds since the epoch");
    }
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static GatewayException refuse(ProblemCode code, String detail) {
    return new GatewayException(code, detail);
  }
}
