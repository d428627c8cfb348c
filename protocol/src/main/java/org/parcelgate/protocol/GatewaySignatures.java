package org.parcelgate.protocol;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;

/**
 * Checks what a gateway signed against the keys it publishes at {@code /.well-known/jwks.json}: the
 * one canonical spelling of the compact form ({@link CompactJws}: unpadded base64url, nothing
 * around it), the exact {@code typ}, a {@code kid} among the keys, the algorithm bound to that key,
 * and the signature. Used by the gateway's own log verification and by clients for receipts,
 * checkpoints and feed pages, so both apply the same rules. Thread-safe.
 */
public final class GatewaySignatures {
  private final JWKSet keys;

  public GatewaySignatures(JWKSet keys) {
    this.keys = keys;
  }

  /**
   * The header and claims of a compact JWS of the given type whose signature verifies.
   *
   * @throws SignatureCheckException saying what is wrong
   */
  public Verified verify(String compact, JOSEObjectType type) {
    if (CompactJws.segments(compact).isEmpty()) {
      throw new SignatureCheckException(
          Reason.MALFORMED,
          "the " + JoseTypes.describe(type) + " is not a JWS in canonical compact form");
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(compact);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new SignatureCheckException(
          Reason.MALFORMED, "the " + JoseTypes.describe(type) + " is not a signed JWT");
    }
    check(jwt, type);
    return new Verified(jwt.getHeader(), claims);
  }

  /** A signed JWT whose signature verified. */
  public record Verified(JWSHeader header, JWTClaimsSet claims) {}

  /**
   * The protected header of a detached JWS (RFC 7515 Appendix F) over exactly {@code body}.
   *
   * @throws SignatureCheckException saying what is wrong
   */
  public JWSHeader verifyDetached(String detached, byte[] body, JOSEObjectType type) {
    String[] parts = CompactJws.segments(detached).orElse(null);
    if (parts == null || !parts[1].isEmpty()) {
      throw new SignatureCheckException(
          Reason.MALFORMED, "the " + JoseTypes.describe(type) + " is not a detached JWS");
    }
    JWSObject jws;
    try {
      jws =
          new JWSObject(
              new Base64URL(parts[0]),
              new Payload(Base64URL.encode(body)),
              new Base64URL(parts[2]));
    } catch (ParseException e) {
      throw new SignatureCheckException(
          Reason.MALFORMED, "the " + JoseTypes.describe(type) + " is not a JWS");
    }
    check(jws, type);
    return jws.getHeader();
  }

  private void check(JWSObject jws, JOSEObjectType type) {
    JWSHeader header = jws.getHeader();
    if (!JoseTypes.is(header.getType(), type)) {
      throw new SignatureCheckException(
          Reason.WRONG_TYPE, "the JWS is not a " + JoseTypes.describe(type) + " (typ)");
    }
    String kid = header.getKeyID();
    JWK key = kid == null ? null : keys.getKeyByKeyId(kid);
    if (key == null) {
      throw new SignatureCheckException(
          Reason.UNKNOWN_KEY,
          "the " + JoseTypes.describe(type) + "'s key " + kid + " is not among the gateway's keys");
    }
    JWK publicKey = key.toPublicJWK();
    if (SignatureAlgorithms.algorithmFor(publicKey)
        .filter(header.getAlgorithm()::equals)
        .isEmpty()) {
      throw new SignatureCheckException(
          Reason.ALGORITHM_MISMATCH,
          "the " + JoseTypes.describe(type) + "'s algorithm does not match its key");
    }
    try {
      if (!jws.verify(SignatureAlgorithms.verifierFor(publicKey))) {
        throw new SignatureCheckException(
            Reason.BAD_SIGNATURE, "the " + JoseTypes.describe(type) + "'s signature is not valid");
      }
    } catch (JOSEException e) {
      throw new SignatureCheckException(
          Reason.BAD_SIGNATURE,
          "the " + JoseTypes.describe(type) + "'s signature cannot be checked");
    }
  }

  /** Why a signed object was refused. */
  public enum Reason {
    /** Not a JWS of the expected form. */
    MALFORMED,
    /** Another {@code typ}. */
    WRONG_TYPE,
    /** A {@code kid} the key set does not hold: after a rotation, fetch the keys again. */
    UNKNOWN_KEY,
    /** An algorithm other than the one bound to the key. */
    ALGORITHM_MISMATCH,
    /** The signature does not verify. */
    BAD_SIGNATURE
  }

  /** What is wrong with a signed object; the message names the defect, never the object. */
  public static final class SignatureCheckException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public SignatureCheckException(Reason reason, String message) {
      super(message);
      this.reason = reason;
    }

    public Reason reason() {
      return reason;
    }
  }
}
