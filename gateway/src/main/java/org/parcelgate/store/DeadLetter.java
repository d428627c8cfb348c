package org.parcelgate.store;

import java.time.Instant;
import java.util.Locale;

/** A record a push could not deliver, kept for an operator to look at and re-drive. */
public record DeadLetter(
    String recipient,
    FeedKind kind,
    long seq,
    Status status,
    String reason,
    String detail,
    Instant failedAt,
    int attempts) {

  /** Where a dead letter stands. */
  public enum Status {
    /** Not delivered; waits for an operator. */
    DEAD,
    /** An operator asked to deliver it again; the pusher will. */
    REDRIVE,
    /** Delivered after a re-drive. */
    REDELIVERED,
    /** Never delivered, and its record purged by the recipient's retention. */
    PURGED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Status fromWireName(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }
}
