package org.parcelgate.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A filter over a log. Empty optionals match everything.
 *
 * @param batchId only the minimization entries of this batch
 * @param transactionId only the minimization entries of the batches that hold a version of this
 *     transaction of the marketplace {@code marketplaceId}, which it needs
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
    Optional<String> batchId,
    Optional<String> transactionId,
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
        Optional.empty(),
        Optional.empty(),
        limit,
        false);
  }

  /** This query, only for entries of this marketplace. */
  public LogQuery withMarketplace(String marketplace) {
    return new LogQuery(
        Optional.of(marketplace),
        recipient,
        kind,
        batchId,
        transactionId,
        from,
        to,
        fromIndex,
        beforeIndex,
        limit,
        oldestFirst);
  }

  /** This query, only for the minimization entries of this batch. */
  public LogQuery withBatch(String batch) {
    return new LogQuery(
        marketplaceId,
        recipient,
        kind,
        Optional.of(batch),
        transactionId,
        from,
        to,
        fromIndex,
        beforeIndex,
        limit,
        oldestFirst);
  }

  /** This query, only for the minimization entries of the batches of a transaction. */
  public LogQuery withTransaction(String marketplace, String transaction) {
    return new LogQuery(
        Optional.of(marketplace),
        recipient,
        kind,
        batchId,
        Optional.of(transaction),
        from,
        to,
        fromIndex,
        beforeIndex,
        limit,
        oldestFirst);
  }

  /** This query, only for entries of this kind from {@code from} (inclusive) to {@code to}. */
  public LogQuery withKindBetween(String kind, Instant from, Instant to) {
    return new LogQuery(
        marketplaceId,
        recipient,
        Optional.of(kind),
        batchId,
        transactionId,
        Optional.of(from),
        Optional.of(to),
        fromIndex,
        beforeIndex,
        limit,
        oldestFirst);
  }

  public LogQuery {
    if (transactionId.isPresent() && marketplaceId.isEmpty()) {
      throw new IllegalArgumentException("a transaction is found within its marketplace");
    }
  }
}
