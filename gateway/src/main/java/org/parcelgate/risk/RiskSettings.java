package org.parcelgate.risk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The risk configuration ({@code risk.*}; defaults.yaml documents every key).
 *
 * @param enabled whether accepted records are assessed; when they are, a price record reaches its
 *     recipient's feed once assessed, with its findings
 * @param referenceDirectory tables that replace the shipped reference tables of the same file name
 * @param thresholdEurCents the value limit of low-value consignments (H7, IOSS), in euro cents
 */
public record RiskSettings(
    boolean enabled,
    Optional<Path> referenceDirectory,
    long thresholdEurCents,
    Undervaluation undervaluation,
    Split split,
    ThreeWayMatch threeWayMatch,
    Revenue revenue) {

  /**
   * @param minBandRecords records a learned band needs before it judges; below, the shipped
   *     reference band judges (or nothing, when there is none)
   * @param flagBelowDeviations how many robust deviations (of the log unit value) below the band's
   *     median a line is flagged
   */
  public record Undervaluation(int minBandRecords, int flagBelowDeviations) {}

  /**
   * @param window how far apart one buyer's consignments from one seller may be and still count as
   *     one (in order time)
   * @param minParcels consignments that make a group
   * @param bunchingMarginPercent "just below the threshold": within this share of it
   * @param bunchingMinParcels consignments a seller needs before its bunching is judged
   * @param bunchingMinSharePercent the share of a seller's consignments just below the threshold
   *     from which they count as bunched
   */
  public record Split(
      Duration window,
      int minParcels,
      int bunchingMarginPercent,
      int bunchingMinParcels,
      int bunchingMinSharePercent) {}

  /**
   * @param latePayment a payment accepted later than this after the order is flagged
   */
  public record ThreeWayMatch(Duration latePayment) {}

  /**
   * @param toleranceEurCents a shortfall up to this is rounding, not flagged
   */
  public record Revenue(long toleranceEurCents) {}

  public RiskSettings {
    Objects.requireNonNull(referenceDirectory, "referenceDirectory");
    Objects.requireNonNull(undervaluation, "undervaluation");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(threeWayMatch, "threeWayMatch");
    Objects.requireNonNull(revenue, "revenue");
  }

  /** The shipped defaults, as defaults.yaml sets them. */
  public static RiskSettings defaults() {
    return new RiskSettings(
        true,
        Optional.empty(),
        15_000,
        new Undervaluation(30, 3),
        new Split(Duration.ofHours(72), 2, 10, 20, 30),
        new ThreeWayMatch(Duration.ofDays(30)),
        new Revenue(100));
  }
}
