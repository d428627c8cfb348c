package org.parcelgate.store;

/**
 * Where one push stream of a recipient stands.
 *
 * @param deliveredSeq the feed position up to which the receiver acknowledged (or records were
 *     dead-lettered)
 * @param inFlightToSeq the last position of the delivery being attempted, or null: a retry sends
 *     exactly the positions up to it again
 * @param attempts failed attempts of the delivery in flight
 * @param lastError what the last failed attempt met (a status or an error class), or null
 */
public record DeliveryState(
    String recipient,
    FeedKind kind,
    long deliveredSeq,
    Long inFlightToSeq,
    int attempts,
    String lastError) {

  public static DeliveryState initial(String recipient, FeedKind kind) {
    return new DeliveryState(recipient, kind, 0, null, 0, null);
  }
}
