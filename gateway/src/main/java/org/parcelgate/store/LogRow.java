package org.parcelgate.store;

/** A stored entry of the minimization log: its leaf index, exact text and stored leaf hash. */
public record LogRow(long index, String entry, byte[] leafHash) {}
