package org.parcelgate.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What a purge by retention deleted for a recipient, and the index of its minimization-log entry.
 *
 * @param count the records of a copy, or the sellers of a purge of sellers
 * @param undelivered how many of them were dead letters, never delivered
 */
public record RetentionPurge(
    String recipient, Instant purgedAt, long logIndex, int count, int undelivered) {
  public RetentionPurge {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(purgedAt, "purgedAt");
  }
}
