package org.parcelgate.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.Optional;
import org.parcelgate.auth.SignatureAlgorithms;

/**
 * Checks a signed checkpoint against the gateway's published keys: type, key, algorithm bound to
 * the key, signature and claims. Used by the gateway's own log verification and by the offline
 * verify command, so both apply the same rules.
 */
public final class CheckpointVerifier {
  private final JWKSet keys;

  public CheckpointVerifier(JWKSet keys) {
    this.keys = keys;
  }

  /**
   * The checkpoint's content if its signature and form are good.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public Checkpoint verify(String jws) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(jws.strip());
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new IllegalArgumentException("the checkpoint is not a JWS: " + e.getMessage());
    }
    if (!CheckpointSigner.CHECKPOINT_TYPE.equals(jwt.getHeader().getType())) {
      throw new IllegalArgumentException("the JWS is not a checkpoint (typ)");
    }
    String kid = jwt.getHeader().getKeyID();
    JWK key =
        Optional.ofNullable(kid == null ? null : keys.getKeyByKeyId(kid))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the checkpoint's key " + kid + " is not among the gateway's keys"));
    if (SignatureAlgorithms.algorithmFor(key.toPublicJWK())
        .filter(jwt.getHeader().getAlgorithm()::equals)
        .isEmpty()) {
      throw new IllegalArgumentException("the checkpoint's algorithm does not match its key");
    }
    try {
      JWSVerifier verifier = SignatureAlgorithms.verifierFor(key.toPublicJWK());
      if (!jwt.verify(verifier)) {
        throw new IllegalArgumentException("the checkpoint's signature is not valid");
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the checkpoint's signature cannot be checked", e);
    }
    try {
      Object size = claims.getClaim("tree_size");
      String root = claims.getStringClaim("root_hash");
      if (!CheckpointSigner.LOG_NAME.equals(claims.getStringClaim("log"))
          || !(size instanceof Number number)
          || number.longValue() < 0
          || root == null
          || claims.getIssueTime() == null) {
        throw new IllegalArgumentException("the checkpoint lacks log, tree_size, root_hash or iat");
      }
      return new Checkpoint(
          claims.getIssuer(), number.longValue(), root, claims.getIssueTime().toInstant(), kid);
    } catch (ParseException e) {
      throw new IllegalArgumentException("the checkpoint's claims are malformed");
    }
  }
}
