package org.parcelgate.store;

import java.time.Instant;

/**
 * A signed checkpoint of the minimization log: its size and root hash when it was signed.
 *
 * @param rootHash base64url
 * @param jws the signed checkpoint as handed out
 */
public record StoredCheckpoint(long treeSize, String rootHash, Instant signedAt, String jws) {}
