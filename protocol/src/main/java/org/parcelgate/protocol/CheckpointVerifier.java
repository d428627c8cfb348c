package org.parcelgate.protocol;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;

/**
 * Checks a signed checkpoint of one of the gateway's logs against the gateway's published keys: its
 * signature ({@link GatewaySignatures}) and its claims, the {@code log} claim naming the log the
 * caller expects (so the access log's checkpoint is never taken for the minimization log's). Used
 * by the gateway's own log verification, the offline verify command and the client, so all apply
 * the same rules.
 */
public final class CheckpointVerifier {
  /** The value of the {@code log} claim of the minimization log's checkpoints. */
  public static final String LOG_NAME = "minimization";

  /** The value of the {@code log} claim of the access log's checkpoints. */
  public static final String ACCESS_LOG_NAME = "access";

  private final GatewaySignatures signatures;

  public CheckpointVerifier(JWKSet keys) {
    this.signatures = new GatewaySignatures(keys);
  }

  /**
   * The content of a checkpoint of the minimization log if its signature and form are good.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public Checkpoint verify(String jws) {
    return verify(jws, LOG_NAME);
  }

  /**
   * The content of a checkpoint of the log named {@code log} if its signature and form are good.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public Checkpoint verify(String jws, String log) {
    GatewaySignatures.Verified verified = signatures.verify(jws, JoseTypes.CHECKPOINT);
    JWTClaimsSet claims = verified.claims();
    try {
      Object size = claims.getClaim("tree_size");
      String root = claims.getStringClaim("root_hash");
      String named = claims.getStringClaim("log");
      if (named != null && !named.equals(log)) {
        throw new IllegalArgumentException(
            "the checkpoint is one of the " + named + " log, not of the " + log + " log");
      }
      if (named == null
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
