package org.parcelgate.privacy;

import java.time.Clock;
import org.parcelgate.protocol.CheckpointVerifier;
import org.parcelgate.signing.CheckpointSigner;
import org.parcelgate.signing.GatewaySigner;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.signing.LogNoteSigner;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.LogName;

/**
 * What privacy officers read: the minimization log, the access log, and the recording of their
 * reads in the access log.
 */
public record PrivacyLogs(SignedLog minimization, SignedLog access, OfficerReads reads) {

  /**
   * Both logs over the store, checkpoints signed with the gateway's key (as JWS) and with the note
   * key derived from it (as C2SP signed notes).
   */
  public static PrivacyLogs create(
      GatewayStore store,
      GatewaySigningKeys keys,
      String gatewayId,
      CheckpointVerifier verifier,
      Clock clock) {
    CheckpointSigner signer = new CheckpointSigner(new GatewaySigner(keys, gatewayId));
    LogNoteSigner notes = LogNoteSigner.derivedFrom(keys);
    SignedLog access =
        new SignedLog(LogName.ACCESS, store, signer, verifier, notes, gatewayId, clock);
    return new PrivacyLogs(
        new SignedLog(LogName.MINIMIZATION, store, signer, verifier, notes, gatewayId, clock),
        access,
        new OfficerReads(access, clock));
  }

  /** The log of this name. */
  public SignedLog log(LogName name) {
    return name == LogName.MINIMIZATION ? minimization : access;
  }
}
