package org.parcelgate.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.parcelgate.auth.Digests;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SigningKeys;

/**
 * Builds request tokens the way a well-behaved marketplace client does, with a hook to break exactly one rule.
 * Every field starts valid for the given identity and gateway.
 */
public final class Tokens {
  private JWSAlgorithm algorithm;
  private JWK signingKey;
  private UnaryOperator<JWSHeader.Builder> headerChange = UnaryOperator.identity();
  private final Map<String, Object> claims = new HashMap<>();

  private Tokens(JWK signingKey, JWSAlgorithm algorithm) {
    this.signingKey = signingKey;
    this.algorithm = algorithm;
  }

  /** A valid token of {@code identity}, signed with its key for {@code alg}, bound to its certificate. */
  public static Tokens of(Identity identity, String alg, String audience, Instant now) {
    JWK key = identity.signingKey(alg);
    Tokens tokens = new Tokens(key, JWSAlgorithm.parse(alg));
    tokens.claims.put("iss", identity.partnerId());
    tokens.claims.put("sub", identity.partnerId());
    tokens.claims.put("aud", audience);
    tokens.claims.put("iat", now.getEpochSecond());
    tokens.claims.put("exp", now.plusSeconds(120).getEpochSecond());
    tokens.claims.put("jti", UUID.randomUUID().toString());
    tokens.claims.put("cnf", Map.of("x5t#S256", identity.thumbprint()));
    return tokens;
  }

  public Tokens body(byte[] body) {
    return claim("body_sha256", Digests.sha256Base64Url(body));
  }

  public Tokens claim(String name, Object value) {
    claims.put(name, value);
    return this;
  }

  public Tokens without(String claim) {
    claims.remove(claim);
    return this;
  }

  public Tokens jti(String jti) {
    return claim("jti", jti);
  }

  public Tokens issuedAt(Instant iat, Instant exp) {
    return claim("iat", iat.getEpochSecond()).claim("exp", exp.getEpochSecond());
  }

  /** Changes the header after the valid defaults are set (e.g. another typ, an embedded jwk). */
  public Tokens header(UnaryOperator<JWSHeader.Builder> change) {
    UnaryOperator<JWSHeader.Builder> previous = headerChange;
    headerChange = builder -> change.apply(previous.apply(builder));
    return this;
  }

  /** Signs with another key (and its algorithm) while the header keeps whatever kid the test chooses. */
  public Tokens signWith(JWK key, JWSAlgorithm alg) {
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
      throw new IllegalStateException("cannot sign test token", e);
    }
  }

  private JWSSigner signer() {
    return SigningKeys.signer(signingKey);
  }
}
