package org.parcelgate.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One entry to append to a log. The store assigns its index (the next leaf of the log's Merkle
 * tree) and keeps the entry's exact text; it does not interpret it.
 *
 * @param kind {@code minimization} or {@code read}; for filtering
 * @param marketplaceId for filtering; null for entries that concern no marketplace
 * @param recipient for filtering; null for entries that concern no recipient
 * @param batchId the batch a minimization entry describes, for finding it; null for others
 * @param entry the entry's canonical JSON text: its UTF-8 bytes are the Merkle leaf
 * @param leafHash the RFC 9162 leaf hash of those bytes
 * @param counts per field path and action, how many values were touched; for aggregates
 */
public record LogAppend(
    String kind,
    Instant time,
    String marketplaceId,
    String recipient,
    String batchId,
    String entry,
    byte[] leafHash,
    List<Count> counts) {

  /** How many values of one field path one action touched. */
  public record Count(String path, String action, long values) {}

  /** An entry that describes no batch. */
  public LogAppend(
      String kind,
      Instant time,
      String marketplaceId,
      String recipient,
      String entry,
      byte[] leafHash,
      List<Count> counts) {
    this(kind, time, marketplaceId, recipient, null, entry, leafHash, counts);
  }

  public LogAppend {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(leafHash, "leafHash");
    counts = List.copyOf(counts);
  }
}
