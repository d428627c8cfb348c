package org.parcelgate.client;

import org.parcelgate.protocol.Checkpoint;

/**
 * A checkpoint of the minimization log whose signature verified, with the signed JWS itself, which
 * is the evidence to keep: anyone can verify it later with the gateway's published keys.
 */
public record SignedCheckpoint(Checkpoint checkpoint, String jws) {
  public long treeSize() {
    return checkpoint.treeSize();
  }
}
