package org.parcelgate.store;

/**
 * A stored node of the minimization log's Merkle tree: the head of the perfect subtree over leaves
 * {@code [index * 2^level, (index + 1) * 2^level)}. Level 0 is a leaf hash.
 */
public record LogNode(int level, long index, byte[] hash) {}
