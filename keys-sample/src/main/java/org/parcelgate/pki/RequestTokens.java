package org.parcelgate.pki;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Builds Parcelgate request tokens for a sample identity, the way a well-behaved partner client
 * does: {@code typ} {@code parcelgate-request+jwt}, the identity's {@code kid}, {@code iss} =
 * {@code sub} = its partner id, a two-minute lifetime, a random {@code jti}, the {@code
 * cnf.x5t#S256} binding to its certificate and, for a body, its {@code body_sha256}. Tests use the
 * hooks to break exactly one rule at a time.
 */
public final class RequestTokens {
  /** The lifetime of the tokens this builder makes. */
  public static final long LIFETIME_SECONDS = 120;

  private JWSAlgorithm algorithm;
  private JWK signingKey;
  private UnaryOperator<JWSHeader.Builder> headerChange = UnaryOperator.identity();
  private final Map<String, Object> claims = new HashMap<>();

  private RequestTokens(JWK signingKey, JWSAlgorithm algorithm) {
    this.signingKey = signingKey;
    this.algorithm = algorithm;
  }

  /**
   * A valid token of {@code identity}, signed with its key for {@code alg}, bound to its
   * certificate.
   */
  public static RequestTokens of(Identity identity, String alg, String audience, Instant now) {
    JWK key = identity.signingKey(alg);
    RequestTokens tokens = new RequestTokens(key, JWSAlgorithm.parse(alg));
    tokens.claims.put("iss", identity.partnerId());
    tokens.claims.put("sub", identity.partnerId());
    tokens.claims.put("aud", audience);
    tokens.claims.put("iat", now.getEpochSecond());
    tokens.claims.put("exp", now.plusSeconds(LIFETIME_SECONDS).getEpochSecond());
    tokens.claims.put("jti", UUID.randomUUID().toString());
    tokens.claims.put("cnf", Map.of("x5t#S256", identity.thumbprint()));
    return tokens;
  }

  public RequestTokens body(byte[] body) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(body);
      return claim(
          "body_sha256", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new PkiException("SHA-256 is not available", e);
    }
  }

  public RequestTokens claim(String name, Object value) {
    claims.put(name, value);
    return this;
  }

  public RequestTokens without(String claim) {
    claims.remove(claim);
    return this;
  }

  public RequestTokens jti(String jti) {
    return claim("jti", jti);
  }

  public RequestTokens issuedAt(Instant iat, Instant exp) {
    return claim("iat", iat.getEpochSecond()).claim("exp", exp.getEpochSecond());
  }

  /** Changes the header after the valid defaults are set (e.g. another typ, an embedded jwk). */
  public RequestTokens header(UnaryOperator<JWSHeader.Builder> change) {
    UnaryOperator<JWSHeader.Builder> previous = headerChange;
    headerChange = builder -> change.apply(previous.apply(builder));
    return this;
  }

  /**
   * Signs with another key (and its algorithm) while the header keeps whatever kid the test
   * chooses.
   */
  public RequestTokens signWith(JWK key, JWSAlgorithm alg) {
    this.signingKey = key;
    this.algorithm = alg;
    return this;
  }

  public String kid() {
    return signingKey.getKeyID();
  }

  public String sign() {
    JWSHeader.Builder header =
        new JWSHeader.Builder(algorithm)
            .type(new JOSEObjectType("parcelgate-request+jwt"))
            .keyID(signingKey.getKeyID());
    JWSHeader built = headerChange.apply(header).build();
    try {
      // A raw JWS over the claims map, so tests can also send claims of the wrong type.
      JWSObject jws = new JWSObject(built, new Payload(claims));
      jws.sign(signer());
      return jws.serialize();
    } catch (JOSEException e) {
      throw new PkiException("cannot sign the request token", e);
    }
  }

  private JWSSigner signer() {
    return org.parcelgate.protocol.SignatureAlgorithms.signer(signingKey);
  }
}
