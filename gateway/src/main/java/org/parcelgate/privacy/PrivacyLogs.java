package org.parcelgate.privacy;

import java.time.Clock;
import org.parcelgate.protocol.CheckpointVerifier;
import org.parcelgate.signing.CheckpointSigner;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.LogName;

/**
 * What privacy officers read: the minimization log, the access log, and the recording of their
 * reads in the access log.
 */
public record PrivacyLogs(SignedLog minimization, SignedLog access, OfficerReads reads) {

  /** Both logs over the store, checkpoints signed with the gateway's key. */
  public static PrivacyLogs create(
      GatewayStore store, CheckpointSigner signer, CheckpointVerifier verifier, Clock clock) {
    SignedLog access = new SignedLog(LogName.ACCESS, store, signer, verifier, clock);
    return new PrivacyLogs(
        new SignedLog(LogName.MINIMIZATION, store, signer, verifier, clock),
        access,
        new OfficerReads(access, clock));
  }

  /** The log of this name. */
  public SignedLog log(LogName name) {
    return name == LogName.MINIMIZATION ? minimization : access;
  }
}
