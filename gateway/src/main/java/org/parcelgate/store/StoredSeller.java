package org.parcelgate.store;

import java.time.Instant;
import java.util.List;
import org.parcelgate.risk.SellerSummary;

/**
 * A seller record as its recipient's feed returns it: the seller's identity as the latest minimized
 * record showed it, and what the recipient received of the seller.
 *
 * @param seq the position of the record's latest change in the recipient's seller feed
 * @param transactions the transactions of the seller the recipient received (each counted once,
 *     however often amended)
 * @param values per currency, the transactions and the sum of their goods values (latest version)
 * @param identity Avro binary of the schema named by {@code identityFingerprint}
 * @param risk what the risk assessments say about the seller ({@link SellerSummary#EMPTY} before
 *     any); null when risk assessment is off
 */
public record StoredSeller(
    long seq,
    String marketplaceId,
    String sellerId,
    Instant firstSeen,
    Instant lastSeen,
    long transactions,
    List<CurrencyTotal> values,
    String identityFingerprint,
    byte[] identity,
    SellerSummary risk) {

  /** One currency's share of a seller's transactions. */
  public record CurrencyTotal(String currency, long transactions, long valueMinor) {}

  public StoredSeller {
    values = List.copyOf(values);
  }

  /** A seller record without a risk summary (risk assessment off). */
  public StoredSeller(
      long seq,
      String marketplaceId,
      String sellerId,
      Instant firstSeen,
      Instant lastSeen,
      long transactions,
      List<CurrencyTotal> values,
      String identityFingerprint,
      byte[] identity) {
    this(
        seq,
        marketplaceId,
        sellerId,
        firstSeen,
        lastSeen,
        transactions,
        values,
        identityFingerprint,
        identity,
        null);
  }
}
