package org.parcelgate.store;

import java.util.Objects;

/** An index row as found by a look-up: which marketplace and batch it came with, and the entry. */
public record StoredTransaction(String marketplaceId, String batchId, IndexEntry entry) {
  public StoredTransaction {
    Objects.requireNonNull(marketplaceId, "marketplaceId");
    Objects.requireNonNull(batchId, "batchId");
    Objects.requireNonNull(entry, "entry");
  }
}
