package org.parcelgate.risk;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link Flag#SPLIT_CONSIGNMENT}: consignments of one buyer pseudonym from one seller of one
 * marketplace to one destination, ordered within {@code risk.split.window} of each other, each
 * within the threshold ({@code risk.threshold-eur}, on the intrinsic value in euro at the order
 * date) and together above it. A consignment is judged with the group's consignments whose order
 * times are within the window of its own: when they are at least {@code risk.split.min-parcels}
 * with it and together exceed the threshold, it is flagged. So the consignment that takes the group
 * over is flagged, and every later one of the group too; the earlier ones were assessed before and
 * keep their assessment.
 *
 * <p>A consignment above the threshold is declared as such and belongs to no group. An amendment
 * replaces its transaction's earlier entry. A record without a buyer pseudonym, seller,
 * destination, order time, intrinsic value, or a rate for its currency on the order date is not
 * judged.
 */
public final class SplitConsignmentDetector implements Detector {
  /**
   * How long after the last record received a group's state is kept beyond the window: sale data
   * are due the day after payment, so a week covers late batches and corrections of the group's
   * consignments; a consignment arriving later is judged without the forgotten ones.
   */
  public static final Duration MARGIN = Duration.ofDays(7);

  private final RiskSettings.Split settings;
  private final long thresholdEurCents;
  private final ExchangeRates rates;

  public SplitConsignmentDetector(
      RiskSettings.Split settings, long thresholdEurCents, ExchangeRates rates) {
    this.settings = settings;
    this.thresholdEurCents = thresholdEurCents;
    this.rates = rates;
  }

  @Override
  public List<StateKey> keys(RiskRecord record) {
    return judged(record) ? List.of(key(record)) : List.of();
  }

  private static boolean judged(RiskRecord record) {
    return record.buyerPseudonym() != null
        && record.sellerId() != null
        && record.destinationCountry() != null
        && record.orderTime() != null
        && record.goodsValueMinor() != null
        && record.currency() != null;
  }

  /** The kind of the split groups' state values. */
  public static final String STATE_KIND = SplitGroup.KIND;

  /**
   * The stored key of a group whose state key before migration V13 was {@code fields} (its four
   * fields joined by newlines), for that migration.
   */
  public static String storedKey(String fields) {
    return SplitGroup.storedKey(fields);
  }

  private static StateKey key(RiskRecord record) {
    return SplitGroup.key(
        record.marketplaceId(),
        record.buyerPseudonym(),
        record.sellerId(),
        record.destinationCountry());
  }

  @Override
  public void assess(
      RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
    if (keys.isEmpty()) {
      return; // not judged
    }
    Optional<Long> converted =
        rates.toEurCents(
            record.goodsValueMinor(), record.currency(), EurText.valuationDate(record));
    if (converted.isEmpty()) {
      return;
    }
    long value = converted.get();
    StateKey key = keys.get(0);
    // Read as an object: a state that keeps it decoded hands the same group to the next record of
    // the group; changed, it is written back below.
    SplitGroup group = state.read(key, SplitGroup::decode);
    if (group == null) {
      group = SplitGroup.empty();
    }
    SplitGroup.Entry earlier = group.entry(record.transactionId());
    if (earlier != null && earlier.version() > record.version()) {
      return;
    }
    group.remove(record.transactionId());
    if (value <= thresholdEurCents) {
      Instant time = record.orderTime();
      List<SplitGroup.Entry> others = group.near(time, settings.window(), thresholdEurCents);
      long total = value;
      for (SplitGroup.Entry e : others) {
        total = Math.addExact(total, e.valueEurCents());
      }
      int parcels = others.size() + 1;
      if (parcels >= settings.minParcels() && total > thresholdEurCents) {
        findings.add(finding(record, value, total, others));
      }
      group.put(new SplitGroup.Entry(record.transactionId(), record.version(), time, value));
    } else if (earlier == null) {
      return;
    }
    group.prune(settings.window());
    state.write(
        key, group, SplitGroup::encode, record.receivedAt().plus(settings.window()).plus(MARGIN));
  }

  /**
   * The score: 50 for a group of {@code min-parcels} just over the threshold, 10 more per further
   * consignment and up to 40 more as the group's value reaches twice the threshold; at most 95.
   */
  int score(int parcels, long total) {
    long over = Math.min(40, 40 * (total - thresholdEurCents) / Math.max(1, thresholdEurCents));
    long score = 50 + 10L * (parcels - settings.minParcels()) + over;
    return (int) Math.max(50, Math.min(95, score));
  }

  private Finding finding(
      RiskRecord record, long value, long total, List<SplitGroup.Entry> others) {
    int parcels = others.size() + 1;
    List<String> transactions = others.stream().map(SplitGroup.Entry::transactionId).toList();
    String window = EurText.window(settings.window());
    String reason =
        "This consignment ("
            + EurText.eur(value)
            + ") and "
            + others.size()
            + (others.size() == 1 ? " other consignment" : " other consignments")
            + " of the same buyer from seller "
            + record.sellerId()
            + " to "
            + record.destinationCountry()
            + ", ordered within "
            + window
            + " of it, are worth "
            + EurText.eur(total)
            + " together, above the "
            + EurText.eur(thresholdEurCents)
            + " threshold, while each stays within it: taken together they are one consignment"
            + " (other transactions: "
            + String.join(", ", transactions)
            + ").";
    List<Figure> figures = new ArrayList<>();
    figures.add(new Figure("parcels", String.valueOf(parcels)));
    figures.add(new Figure("groupValueEur", EurText.amount(total)));
    figures.add(new Figure("thresholdEur", EurText.amount(thresholdEurCents)));
    figures.add(new Figure("window", window));
    figures.add(new Figure("transactions", String.join(",", transactions)));
    return new Finding(Flag.SPLIT_CONSIGNMENT, score(parcels, total), reason, figures);
  }
}
