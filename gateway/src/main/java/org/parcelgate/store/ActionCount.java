package org.parcelgate.store;

import java.time.Instant;

/** Values one action touched in one field path, summed over the entries of one time bucket. */
public record ActionCount(Instant bucketStart, String path, String action, long values) {}
