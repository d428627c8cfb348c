package org.parcelgate.signing;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.Date;
import org.parcelgate.protocol.JoseTypes;

/**
 * Signs checkpoints of the gateway's logs: a JWS with {@code typ} {@code parcelgate-checkpoint+jwt}
 * and the claims {@code iss}, {@code iat}, {@code log} ({@code minimization} or {@code access}),
 * {@code tree_size} and {@code root_hash} (base64url). Thread-safe.
 */
public final class CheckpointSigner {
  private final GatewaySigner signer;

  public CheckpointSigner(GatewaySigner signer) {
    this.signer = signer;
  }

  /** The signed checkpoint of the log named {@code log} as a compact JWS. */
  public String sign(String log, long treeSize, String rootHash, Instant time) {
    return signer.sign(
        JoseTypes.CHECKPOINT,
        new JWTClaimsSet.Builder()
            .issueTime(Date.from(time))
            .claim("log", log)
            .claim("tree_size", treeSize)
            .claim("root_hash", rootHash)
            .build());
  }
}
