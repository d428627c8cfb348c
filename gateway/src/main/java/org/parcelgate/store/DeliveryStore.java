package org.parcelgate.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the store keeps for delivery to customs: each recipient's price and seller feeds, where its
 * push streams stand, and the records a push could not deliver. The price feed is written by {@link
 * GatewayStore#commit(NewBatch)}, in the batch's transaction. The seller feed and the look-up by
 * tracking number are built after the commit by the store's follower, from the committed price rows
 * in feed order: they lag the price feed by {@link #followerLag()} rows.
 *
 * <p>Blocking, like the rest of the store: call it from worker threads.
 */
public interface DeliveryStore {

  /**
   * A page of a recipient's price feed, in position order. A look-up by tracking number finds only
   * the records the follower has applied ({@link #followerLag()}); every other filter is exact.
   */
  List<StoredPrice> priceRecords(FeedQuery query);

  /**
   * A page of a recipient's seller feed, in position order: the sellers as the follower has applied
   * the price records so far. Its positions are taken by the follower, gap-free and in order.
   *
   * @throws IllegalArgumentException if the query filters by destination or tracking number
   */
  List<StoredSeller> sellerRecords(FeedQuery query);

  /**
   * Price records committed but not yet applied by the follower to the seller feed and the look-up
   * by tracking number, over every recipient: the follower's lag. One index probe per recipient.
   */
  long followerLag();

  /**
   * Runs the follower on the store's writer until every price record committed before the call is
   * applied, and returns once that is durable: for tests and tools that must read the seller feed
   * or look up a tracking number right after a commit.
   */
  void catchUpFollower();

  /** The last position of a recipient's feed; 0 while it is empty. */
  long lastSeq(String recipient, FeedKind kind);

  /**
   * How many records of a recipient's feed lie after a position: what a push stream delivered up to
   * there still has to send. Price positions are one record each; a seller that changed moves to a
   * newer position and leaves none behind, so seller records are counted, not positions.
   */
  long recordsAfter(String recipient, FeedKind kind, long afterSeq);

  /** Where a recipient's push stream stands; the initial state if it never moved. */
  DeliveryState deliveryState(String recipient, FeedKind kind);

  /** Stores a push stream's state. */
  void saveDeliveryState(DeliveryState state);

  /**
   * Takes or renews the lease of a recipient's push stream for {@code holder}, until {@code now +
   * ttl}: granted when the stream has no lease, when {@code holder} holds it, or when it expired at
   * or before {@code now}. Durable before it returns, like every write. Several gateway instances
   * on one database push a stream only while they hold its lease, so the lease decides which one
   * does; {@code now} comes from the caller's clock, whose skew against the other instances' the
   * caller's safety margin must cover.
   *
   * @return whether {@code holder} holds the lease now
   */
  boolean lease(String recipient, FeedKind kind, String holder, Instant now, Duration ttl);

  /**
   * Gives up {@code holder}'s lease of a push stream, so another instance may take it at once; a
   * lease another holder took in the meantime is left alone.
   */
  void release(String recipient, FeedKind kind, String holder);

  /**
   * Stores dead letters (a letter stored before takes the new status, reason and time, and adds the
   * attempts) and the stream's new state, in one transaction.
   */
  void deadLetter(DeliveryState state, List<DeadLetter> letters);

  /**
   * Dead letters after a position, stream and then position order.
   *
   * @param kind null for both streams
   * @param status null for every status
   */
  List<DeadLetter> deadLetters(
      String recipient, FeedKind kind, DeadLetter.Status status, long afterSeq, int limit);

  /**
   * Moves the given dead letters that are in status {@code from} to status {@code to}.
   *
   * @return how many moved
   */
  int moveDeadLetters(
      String recipient,
      FeedKind kind,
      List<Long> seqs,
      DeadLetter.Status from,
      DeadLetter.Status to);

  /**
   * Moves every dead letter of a recipient's stream that is in status {@code from} to status {@code
   * to}, in one statement.
   *
   * @return how many moved
   */
  int moveAllDeadLetters(
      String recipient, FeedKind kind, DeadLetter.Status from, DeadLetter.Status to);

  /** Keeps a record schema by its fingerprint; keeping one already kept changes nothing. */
  void registerSchema(String fingerprint, String schemaJson);

  /** A kept record schema's JSON. */
  Optional<String> schema(String fingerprint);

  /** Dead letters counted by {@code recipient/stream/status}. */
  Map<String, Long> deadLetterCounts();
}
