package org.parcelgate.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.parcelgate.privacy.RecipientPolicies;
import org.parcelgate.store.IndexEntry;
import org.parcelgate.store.PriceRow;

/**
 * The delivery side of ingesting a batch: which recipients receive which accepted records (by
 * destination), and the price records to store for them with the batch. Plain Java.
 */
public final class FeedRecords {
  private final Routing routing;
  private final Map<String, RecipientFeed> feeds = new LinkedHashMap<>();
  private final CommittedCopies committed;

  public FeedRecords(Routing routing, List<RecipientFeed> feeds) {
    this(routing, feeds, CommittedCopies.NONE);
  }

  /**
   * @param committed hears of each batch's minimized copies once the batch is committed
   */
  public FeedRecords(Routing routing, List<RecipientFeed> feeds, CommittedCopies committed) {
    this.routing = routing;
    this.committed = committed;
    feeds.forEach(feed -> this.feeds.put(feed.recipient(), feed));
    for (String recipient : routing.recipients()) {
      if (!this.feeds.containsKey(recipient)) {
        throw new IllegalArgumentException("recipient " + recipient + " has no policy");
      }
    }
  }

  public Routing routing() {
    return routing;
  }

  /**
   * Per recipient, the positions of the accepted records it receives.
   *
   * @param entries the index entries of the accepted records, in order
   */
  public Map<String, List<Integer>> route(List<IndexEntry> entries) {
    List<String> destinations = new ArrayList<>(entries.size());
    entries.forEach(entry -> destinations.add(entry.destinationCountry()));
    return routing.route(destinations);
  }

  /** The price records of a batch's minimized copies, recipient by recipient. */
  public List<PriceRow> priceRows(RecipientPolicies.Outcome outcome, List<IndexEntry> entries) {
    List<PriceRow> rows = new ArrayList<>();
    for (RecipientPolicies.RecipientRecords copy : outcome.records()) {
      rows.addAll(feeds.get(copy.minimizer().recipient()).priceRows(copy, entries));
    }
    return rows;
  }

  /**
   * The batch's minimized copies are committed: tells whoever listens.
   *
   * @param entries the index entries of the batch's accepted records, in order
   */
  public void committed(
      String batchId,
      String marketplaceId,
      Instant receivedAt,
      RecipientPolicies.Outcome outcome,
      List<IndexEntry> entries) {
    for (RecipientPolicies.RecipientRecords copy : outcome.records()) {
      committed.committed(
          new CommittedCopies.Copy(
              batchId,
              marketplaceId,
              receivedAt,
              copy.minimizer().recipient(),
              copy.positions(),
              copy.records(),
              entries));
    }
  }
}
