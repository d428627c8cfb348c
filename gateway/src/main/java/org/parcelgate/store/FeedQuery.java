package org.parcelgate.store;

import java.time.Instant;
import java.util.Objects;
import org.parcelgate.risk.Flag;

/**
 * A page of one recipient's feed: the records after a position, in position order, matching every
 * filter that is set (null means no filter).
 *
 * @param afterSeq the position the page starts after (0 for the start of the feed)
 * @param upToSeq the last position the page may hold, inclusive; null for no bound
 * @param limit the most records the page holds
 * @param destinationCountry price feed only
 * @param from inclusive, on the received time (price feed) or the last-seen time (seller feed)
 * @param to exclusive, like {@code from}
 * @param trackingNumber price feed only
 * @param flaggedOnly price feed only: only records with at least one risk finding
 * @param flag price feed only: only records with a finding of this flag (null: any or none)
 */
public record FeedQuery(
    String recipient,
    long afterSeq,
    Long upToSeq,
    int limit,
    String marketplaceId,
    String destinationCountry,
    Instant from,
    Instant to,
    String trackingNumber,
    String sellerId,
    boolean flaggedOnly,
    Flag flag) {
  public FeedQuery {
    Objects.requireNonNull(recipient, "recipient");
    if (limit < 1 || afterSeq < 0) {
      throw new IllegalArgumentException("limit must be positive and afterSeq not negative");
    }
  }

  /** A query without risk filters. */
  public FeedQuery(
      String recipient,
      long afterSeq,
      Long upToSeq,
      int limit,
      String marketplaceId,
      String destinationCountry,
      Instant from,
      Instant to,
      String trackingNumber,
      String sellerId) {
    this(
        recipient,
        afterSeq,
        upToSeq,
        limit,
        marketplaceId,
        destinationCountry,
        from,
        to,
        trackingNumber,
        sellerId,
        false,
        null);
  }

  /** The next {@code limit} records after {@code afterSeq}, unfiltered. */
  public static FeedQuery after(String recipient, long afterSeq, int limit) {
    return new FeedQuery(recipient, afterSeq, null, limit, null, null, null, null, null, null);
  }

  public FeedQuery upTo(long seq) {
    return copy(seq, limit, flaggedOnly, flag);
  }

  /** This query with another page size. */
  public FeedQuery withLimit(int limit) {
    return copy(upToSeq, limit, flaggedOnly, flag);
  }

  /** This query for flagged records only, of {@code flag} when it is not null. */
  public FeedQuery flagged(Flag flag) {
    return copy(upToSeq, limit, true, flag);
  }

  /** This query with these fields changed: every other filter is kept, never dropped. */
  private FeedQuery copy(Long upToSeq, int limit, boolean flaggedOnly, Flag flag) {
    return new FeedQuery(
        recipient,
        afterSeq,
        upToSeq,
        limit,
        marketplaceId,
        destinationCountry,
        from,
        to,
        trackingNumber,
        sellerId,
        flaggedOnly,
        flag);
  }
}
