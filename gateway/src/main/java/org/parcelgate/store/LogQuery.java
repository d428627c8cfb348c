package org.parcelgate.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A filter over the minimization log. Empty optionals match everything.
 *
 * @param from inclusive
 * @param to exclusive
 * @param fromIndex only entries with this index or a larger one
 * @param beforeIndex only entries with a smaller index
 * @param limit at most this many entries
 * @param oldestFirst the order: by index ascending, or (false) newest first
 */
public record LogQuery(
    Optional<String> marketplaceId,
    Optional<String> recipient,
    Optional<String> kind,
    Optional<Instant> from,
    Optional<Instant> to,
    Optional<Long> fromIndex,
    Optional<Long> beforeIndex,
    int limit,
    boolean oldestFirst) {

  /** Everything, newest first, up to {@code limit}. */
  public static LogQuery all(int limit) {
    return new LogQuery(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        limit,
        false);
  }
}
