package org.parcelgate.signing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.Date;

/**
 * Signs checkpoints of the minimization log: a JWS with {@code typ} {@code
 * parcelgate-checkpoint+jwt} and the claims {@code iss}, {@code iat}, {@code log} ({@code
 * minimization}), {@code tree_size} and {@code root_hash} (base64url). Thread-safe.
 */
public final class CheckpointSigner {
  public static final JOSEObjectType CHECKPOINT_TYPE =
      new JOSEObjectType("parcelgate-checkpoint+jwt");

  /** The value of the {@code log} claim. */
  public static final String LOG_NAME = "minimization";

  private final GatewaySigner signer;

  public CheckpointSigner(GatewaySigner signer) {
    this.signer = signer;
  }

  /** The signed checkpoint as a compact JWS. */
  public String sign(long treeSize, String rootHash, Instant time) {
    return signer.sign(
        CHECKPOINT_TYPE,
        new JWTClaimsSet.Builder()
            .issueTime(Date.from(time))
            .claim("log", LOG_NAME)
            .claim("tree_size", treeSize)
            .claim("root_hash", rootHash)
            .build());
  }
}
