package org.parcelgate.store;

import java.util.Locale;

/** The two feeds of a recipient: price records (one per transaction version) and seller records. */
public enum FeedKind {
  PRICE,
  SELLER;

  /** The name in SQL, URLs, metrics and idempotency keys: {@code price} or {@code seller}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FeedKind fromWireName(String name) {
    for (FeedKind kind : values()) {
      if (kind.wireName().equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown feed kind");
  }
}
