package org.parcelgate.schema.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The parameters of {@link RiskTraffic}: which traffic, how much, and how often each {@link
 * FraudPattern} is injected. Same mix, same traffic.
 *
 * @param seed chooses everything: the catalogue's prices, the sellers, buyers, orders and patterns
 * @param parcels how many parcels to generate (the last order may add up to three more)
 * @param start the earliest order time
 * @param period orders are placed within {@code start + period}
 * @param sellers how many sellers sell (their popularity is Zipf-like)
 * @param rates how often each pattern is injected ({@link FraudPattern} says of what: parcels, or
 *     sellers for {@link FraudPattern#BUNCHED}); patterns without an entry are not injected
 * @param extraOrdersPerBuyer the mean of the Poisson number of orders a buyer places after the
 *     first
 * @param repeatSellerShare the probability that a buyer's later order goes to a seller the buyer
 *     bought from before (innocent repeat buyers)
 * @param idPrefix starts every transaction, buyer and payment id, so that two traffics with
 *     different prefixes never share one
 */
public record RiskMix(
    long seed,
    int parcels,
    Instant start,
    Duration period,
    int sellers,
    Map<FraudPattern, Double> rates,
    double extraOrdersPerBuyer,
    double repeatSellerShare,
    String idPrefix) {

  /** How long after the last order the traffic is judged: late payments fall within it. */
  public static final Duration SETTLEMENT = Duration.ofDays(90);

  /**
   * The default pattern rates: undervalued 4% of parcels, split 5% of parcels (in groups of 2 to
   * 4), 5% of sellers bunching, IOSS above the threshold 1%, IOSS of no Member State 0.5%, another
   * seller's IOSS 0.5%, payer country mismatch 2%, late payment 1%, tax shortfall 3%.
   */
  public static final Map<FraudPattern, Double> DEFAULT_RATES =
      Collections.unmodifiableMap(
          new EnumMap<>(
              Map.of(
                  FraudPattern.UNDERVALUED, 0.04,
                  FraudPattern.SPLIT, 0.05,
                  FraudPattern.BUNCHED, 0.05,
                  FraudPattern.IOSS_ABOVE_THRESHOLD, 0.01,
                  FraudPattern.IOSS_INVALID_MEMBER_STATE, 0.005,
                  FraudPattern.IOSS_OF_ANOTHER_SELLER, 0.005,
                  FraudPattern.PAYER_COUNTRY_MISMATCH, 0.02,
                  FraudPattern.LATE_PAYMENT, 0.01,
                  FraudPattern.TAX_SHORTFALL, 0.03)));

  public RiskMix {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(idPrefix, "idPrefix");
    if (parcels < 1) {
      throw new IllegalArgumentException("a traffic has at least one parcel");
    }
    if (period.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalArgumentException("the period is at least one day");
    }
    if (sellers < 2) {
      throw new IllegalArgumentException("a traffic has at least two sellers");
    }
    if (extraOrdersPerBuyer < 0 || repeatSellerShare < 0 || repeatSellerShare > 1) {
      throw new IllegalArgumentException(
          "extra orders per buyer must be >= 0 and the repeat seller share 0..1");
    }
    if (!idPrefix.matches("[A-Za-z0-9-]{1,40}")) {
      throw new IllegalArgumentException("the id prefix is 1 to 40 letters, digits or dashes");
    }
    EnumMap<FraudPattern, Double> copy = new EnumMap<>(FraudPattern.class);
    copy.putAll(rates);
    for (Map.Entry<FraudPattern, Double> rate : copy.entrySet()) {
      if (rate.getValue() == null || !(rate.getValue() >= 0 && rate.getValue() <= 0.5)) {
        throw new IllegalArgumentException(
            "the rate of " + rate.getKey() + " must be between 0 and 0.5");
      }
    }
    double iossShare =
        copy.getOrDefault(FraudPattern.IOSS_ABOVE_THRESHOLD, 0.0)
            + copy.getOrDefault(FraudPattern.IOSS_INVALID_MEMBER_STATE, 0.0)
            + copy.getOrDefault(FraudPattern.IOSS_OF_ANOTHER_SELLER, 0.0);
    double valueShare =
        copy.getOrDefault(FraudPattern.UNDERVALUED, 0.0)
            + copy.getOrDefault(FraudPattern.IOSS_ABOVE_THRESHOLD, 0.0);
    if (iossShare > 0.5 || valueShare > 0.5) {
      throw new IllegalArgumentException(
          "the IOSS patterns together, and undervaluation with IOSS above the threshold, are at"
              + " most 0.5 of the parcels");
    }
    rates = Collections.unmodifiableMap(copy);
  }

  /**
   * The default mix: seed 1, 50,000 parcels ordered from 1 June 2026 over 90 days (straddling the
   * flat duty's start on 1 July 2026), 500 sellers, {@link #DEFAULT_RATES}, buyers placing 1.6
   * orders on average, 30% of later orders going to a seller bought from before.
   */
  public static RiskMix defaults() {
    return new RiskMix(
        1,
        50_000,
        Instant.parse("2026-06-01T00:00:00Z"),
        Duration.ofDays(90),
        500,
        DEFAULT_RATES,
        0.6,
        0.3,
        "RT");
  }

  public double rate(FraudPattern pattern) {
    return rates.getOrDefault(pattern, 0.0);
  }

  /** When the traffic is judged: {@link #SETTLEMENT} after the last possible order. */
  public Instant settledAt() {
    return start.plus(period).plus(SETTLEMENT);
  }

  public RiskMix withSeed(long seed) {
    return new RiskMix(
        seed,
        parcels,
        start,
        period,
        sellers,
        rates,
        extraOrdersPerBuyer,
        repeatSellerShare,
        idPrefix);
  }

  /** This mix with {@code parcels}, and as many sellers as the default's share (one per 100). */
  public RiskMix withParcels(int parcels) {
    return new RiskMix(
        seed,
        parcels,
        start,
        period,
        Math.max(20, parcels / 100),
        rates,
        extraOrdersPerBuyer,
        repeatSellerShare,
        idPrefix);
  }

  public RiskMix withRate(FraudPattern pattern, double rate) {
    EnumMap<FraudPattern, Double> changed = new EnumMap<>(FraudPattern.class);
    changed.putAll(rates);
    changed.put(pattern, rate);
    return new RiskMix(
        seed,
        parcels,
        start,
        period,
        sellers,
        changed,
        extraOrdersPerBuyer,
        repeatSellerShare,
        idPrefix);
  }

  public RiskMix withTime(Instant start, Duration period) {
    return new RiskMix(
        seed,
        parcels,
        start,
        period,
        sellers,
        rates,
        extraOrdersPerBuyer,
        repeatSellerShare,
        idPrefix);
  }

  public RiskMix withIdPrefix(String idPrefix) {
    return new RiskMix(
        seed,
        parcels,
        start,
        period,
        sellers,
        rates,
        extraOrdersPerBuyer,
        repeatSellerShare,
        idPrefix);
  }
}
