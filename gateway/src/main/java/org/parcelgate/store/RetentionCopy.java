package org.parcelgate.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A recipient's copy of a batch that its retention has made due: the batch's records minimized for
 * the recipient and the price rows at feed positions {@code firstSeq} to {@code lastSeq}.
 *
 * @param logIndex the index of the copy's minimization entry
 */
public record RetentionCopy(
    String recipient,
    String batchId,
    String marketplaceId,
    Instant receivedAt,
    long firstSeq,
    long lastSeq,
    int records,
    long logIndex) {
  public RetentionCopy {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(batchId, "batchId");
    Objects.requireNonNull(marketplaceId, "marketplaceId");
    Objects.requireNonNull(receivedAt, "receivedAt");
  }

  /** Builds the minimization-log entry of a copy's purge, inside the purge's transaction. */
  @FunctionalInterface
  public interface Entry {
    /**
     * @param undelivered how many of the copy's records were dead letters, never delivered
     */
    LogAppend of(RetentionCopy copy, int undelivered);
  }

  /** Builds the minimization-log entry of a purge of sellers, inside the purge's transaction. */
  @FunctionalInterface
  public interface SellerEntry {
    LogAppend of(String recipient, int sellers, int undelivered);
  }
}
