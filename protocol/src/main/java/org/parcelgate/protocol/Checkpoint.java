package org.parcelgate.protocol;

import java.time.Instant;

/**
 * A signed tree head of the minimization log: the gateway attests that the log held {@code
 * treeSize} entries whose RFC 9162 Merkle root is {@code rootHash} at {@code time}.
 *
 * @param rootHash base64url SHA-256
 * @param keyId the {@code kid} that signed it
 */
public record Checkpoint(
    String issuer, long treeSize, String rootHash, Instant time, String keyId) {}
