package org.parcelgate.risk;

import java.util.List;
import java.util.Optional;

/**
 * {@link Flag#VALUE_BUNCHED_BELOW_THRESHOLD}: a seller whose consignments bunch just below the
 * threshold. Per seller of a marketplace it counts the consignments (intrinsic value in euro at the
 * order date) and those within {@code risk.split.bunching-margin-percent} below the threshold (from
 * {@code threshold - margin} up to the threshold itself). Once the seller has {@code
 * bunching-min-parcels} consignments and at least {@code bunching-min-share-percent} of them lie in
 * the margin, a consignment in the margin is flagged. Judged on the counts before the record, then
 * the record is counted; amendments are judged but not counted again.
 *
 * <p>The counts are halved when they reach {@link #HALVE_AT}, so the share follows the seller's
 * recent consignments and the state stays two numbers. Stored as risk state of kind {@link #KIND},
 * with a leading version byte.
 */
public final class BunchingDetector implements Detector {
  public static final String KIND = "bunching";

  /** The seller's count of consignments at which both counts are halved. */
  public static final long HALVE_AT = 1000;

  private static final int VERSION = 1;

  /** The version byte and two counts. */
  private static final int ENCODED_LENGTH = 17;

  private final RiskSettings.Split settings;
  private final long thresholdEurCents;
  private final ExchangeRates rates;

  public BunchingDetector(
      RiskSettings.Split settings, long thresholdEurCents, ExchangeRates rates) {
    this.settings = settings;
    this.thresholdEurCents = thresholdEurCents;
    this.rates = rates;
  }

  static StateKey key(String marketplaceId, String sellerId) {
    return new StateKey(KIND, marketplaceId + "\n" + sellerId);
  }

  @Override
  public List<StateKey> keys(RiskRecord record) {
    return record.sellerId() == null
        ? List.of()
        : List.of(key(record.marketplaceId(), record.sellerId()));
  }

  /** The margin's lower end, in euro cents. */
  long marginFloor() {
    return thresholdEurCents - thresholdEurCents * settings.bunchingMarginPercent() / 100;
  }

  @Override
  public void assess(
      RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
    if (keys.isEmpty() // no seller
        || record.goodsValueMinor() == null
        || record.currency() == null) {
      return;
    }
    Optional<Long> converted =
        rates.toEurCents(
            record.goodsValueMinor(), record.currency(), EurText.valuationDate(record));
    if (converted.isEmpty()) {
      return;
    }
    long value = converted.get();
    boolean inMargin = value >= marginFloor() && value <= thresholdEurCents;
    StateKey key = keys.get(0);
    long[] stored = state.read(key, BunchingDetector::decode);
    long[] counts = stored == null ? decode(null) : stored;
    long consignments = counts[0];
    long bunched = counts[1];
    if (inMargin
        && consignments >= settings.bunchingMinParcels()
        && bunched * 100 >= settings.bunchingMinSharePercent() * consignments) {
      findings.add(finding(record, value, consignments, bunched));
    }
    if (record.version() <= 1) {
      consignments++;
      if (inMargin) {
        bunched++;
      }
      if (consignments >= HALVE_AT) {
        consignments = (consignments + 1) / 2;
        bunched = (bunched + 1) / 2;
      }
      state.write(key, new long[] {consignments, bunched}, c -> encode(c[0], c[1]), null);
    }
  }

  private Finding finding(RiskRecord record, long value, long consignments, long bunched) {
    long share = bunched * 100 / consignments;
    String margin =
        "between " + EurText.eur(marginFloor()) + " and " + EurText.eur(thresholdEurCents);
    String reason =
        "Seller "
            + record.sellerId()
            + " declared "
            + share
            + "% of its "
            + consignments
            + " consignments "
            + margin
            + ", just below the "
            + EurText.eur(thresholdEurCents)
            + " threshold; this consignment ("
            + EurText.eur(value)
            + ") is one of them.";
    int score = (int) Math.max(1, Math.min(100, 20 + share / 2));
    return new Finding(
        Flag.VALUE_BUNCHED_BELOW_THRESHOLD,
        score,
        reason,
        List.of(
            new Figure("share", share + "%"),
            new Figure("sellerConsignments", String.valueOf(consignments)),
            new Figure("margin", settings.bunchingMarginPercent() + "%"),
            new Figure(
                "marginEur",
                EurText.amount(marginFloor()) + "-" + EurText.amount(thresholdEurCents))));
  }

  /**
   * The version byte and both counts (8 bytes each, high byte first, as {@code DataOutput} writes
   * them), written straight into the array.
   */
  static byte[] encode(long consignments, long bunched) {
    byte[] bytes = new byte[ENCODED_LENGTH];
    bytes[0] = VERSION;
    putLong(bytes, 1, consignments);
    putLong(bytes, 9, bunched);
    return bytes;
  }

  static long[] decode(byte[] encoded) {
    if (encoded == null) {
      return new long[2];
    }
    if (encoded.length == 0) {
      throw new IllegalArgumentException("malformed bunching state");
    }
    if (encoded[0] != VERSION) {
      throw new IllegalArgumentException("unknown bunching state version");
    }
    // Bytes after the counts are ignored, as reading them from a stream did.
    if (encoded.length < ENCODED_LENGTH) {
      throw new IllegalArgumentException("malformed bunching state");
    }
    return new long[] {getLong(encoded, 1), getLong(encoded, 9)};
  }

  private static void putLong(byte[] bytes, int at, long value) {
    for (int i = 0; i < 8; i++) {
      bytes[at + i] = (byte) (value >>> (56 - 8 * i));
    }
  }

  private static long getLong(byte[] bytes, int at) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[at + i] & 0xFF);
    }
    return value;
  }
}
