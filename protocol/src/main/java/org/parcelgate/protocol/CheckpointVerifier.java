package org.parcelgate.protocol;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;

/**
 * Checks a signed checkpoint of the minimization log against the gateway's published keys: its
 * signature ({@link GatewaySignatures}) and its claims. Used by the gateway's own log verification,
 * the offline verify command and the client, so all apply the same rules.
 */
public final class CheckpointVerifier {
  /** The value of the {@code log} claim. */
  public static final String LOG_NAME = "minimization";

  private final GatewaySignatures signatures;

  public CheckpointVerifier(JWKSet keys) {
    this.signatures = new GatewaySignatures(keys);
  }

  /**
   * The checkpoint's content if its signature and form are good.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public Checkpoint verify(String jws) {
    GatewaySignatures.Verified verified = signatures.verify(jws, JoseTypes.CHECKPOINT);
    JWTClaimsSet claims = verified.claims();
    try {
      Object size = claims.getClaim("tree_size");
      String root = claims.getStringClaim("root_hash");
      if (!LOG_NAME.equals(claims.getStringClaim("log"))
          || !(size instanceof Number number)
          || number.longValue() < 0
          || root == null
          || claims.getIssueTime() == null) {
        throw new IllegalArgumentException("the checkpoint lacks log, tree_size, root_hash or iat");
      }
      return new Checkpoint(
          claims.getIssuer(),
          number.longValue(),
          root,
          claims.getIssueTime().toInstant(),
          verified.header().getKeyID());
    } catch (ParseException e) {
      throw new IllegalArgumentException("the checkpoint's claims are malformed");
    }
  }
}
