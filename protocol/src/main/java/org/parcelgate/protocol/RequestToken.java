package org.parcelgate.protocol;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A well-formed request token (protocol.md, section 2): {@code iss} = {@code sub} = the caller,
 * {@code aud}, {@code iat}, {@code exp}, a fresh random {@code jti}, the {@code cnf.x5t#S256}
 * binding to the caller's TLS certificate and, for a request with a body, {@code body_sha256}. One
 * token per request: the gateway refuses a {@code jti} it has seen.
 *
 * @param issuer the caller's partner id (or the gateway's id when it pushes)
 * @param audience the id of the receiving side
 * @param certificateThumbprint base64url SHA-256 of the caller's TLS certificate ({@link
 *     Digests#thumbprint})
 * @param bodySha256 base64url SHA-256 of the exact body, or {@code null} for a request without one
 */
public record RequestToken(
    String issuer,
    String audience,
    String certificateThumbprint,
    String bodySha256,
    Instant issuedAt,
    Duration lifetime,
    String jti) {
  /** The claim that binds the token to the body. */
  public static final String BODY_DIGEST_CLAIM = "body_sha256";

  /** The claim that binds the token to the TLS certificate (RFC 8705), and its member. */
  public static final String CONFIRMATION_CLAIM = "cnf";

  public static final String THUMBPRINT_CONFIRMATION = "x5t#S256";

  /** The lifetime well-behaved callers use: long enough for a slow link, far below the maximum. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(2);

  public RequestToken {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(certificateThumbprint, "certificateThumbprint");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(lifetime, "lifetime");
    Objects.requireNonNull(jti, "jti");
  }

  /** A token for a request issued now, with the default lifetime and a random {@code jti}. */
  public static RequestToken of(
      String issuer, String audience, String certificateThumbprint, byte[] body, Instant now) {
    return new RequestToken(
        issuer,
        audience,
        certificateThumbprint,
        body == null ? null : Digests.sha256Base64Url(body),
        now,
        DEFAULT_LIFETIME,
        UUID.randomUUID().toString());
  }

  /** The token's claims. */
  public JWTClaimsSet claims() {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(issuer)
            .audience(audience)
            .issueTime(Date.from(issuedAt))
            .expirationTime(Date.from(issuedAt.plus(lifetime)))
            .jwtID(jti)
            .claim(CONFIRMATION_CLAIM, Map.of(THUMBPRINT_CONFIRMATION, certificateThumbprint));
    if (bodySha256 != null) {
      claims.claim(BODY_DIGEST_CLAIM, bodySha256);
    }
    return claims.build();
  }

  /**
   * The compact JWS, signed with a private key whose {@code kid} the receiver has registered; the
   * algorithm is the one bound to the key's type ({@link SignatureAlgorithms#algorithmFor}).
   *
   * @throws IllegalArgumentException if the key cannot sign or has no {@code kid}
   */
  public String sign(JWK privateKey) {
    if (privateKey.getKeyID() == null) {
      throw new IllegalArgumentException("a request signing key needs a kid");
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(SignatureAlgorithms.require(privateKey))
                .type(JoseTypes.REQUEST)
                .keyID(privateKey.getKeyID())
                .build(),
            claims());
    try {
      jwt.sign(SignatureAlgorithms.signer(privateKey));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot sign with key " + privateKey.getKeyID(), e);
    }
    return jwt.serialize();
  }
}
