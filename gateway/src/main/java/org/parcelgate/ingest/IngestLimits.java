package org.parcelgate.ingest;

/**
 * Bounds on one batch, enforced while decoding so memory is never spent beyond them. String, bytes
 * and collection lengths are bounded by Avro's own {@code org.apache.avro.limits.*} properties (see
 * {@link AvroLimits}).
 *
 * @param maxRecords records per batch
 * @param maxDecompressedBytes total decompressed size of all blocks of one batch
 */
public record IngestLimits(int maxRecords, long maxDecompressedBytes) {
  public IngestLimits {
    if (maxRecords < 1 || maxDecompressedBytes < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
