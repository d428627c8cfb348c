package org.parcelgate.risk;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every detector, in a fixed order, and the seller summaries: assesses one record at a time, in
 * feed order, against a recipient's {@link RiskState}. Plain Java: the same engine runs in the
 * gateway's assessor (state in the store) and in the evaluation (state in memory).
 */
public final class RiskEngine {
  private final List<Detector> detectors;

  public RiskEngine(List<Detector> detectors) {
    this.detectors = List.copyOf(detectors);
  }

  /** The engine with every detector the gateway ships, configured by {@code settings}. */
  public static RiskEngine create(RiskSettings settings, ReferenceData reference) {
    List<Detector> detectors = new ArrayList<>();
    detectors.add(
        new UndervaluationDetector(
            settings.undervaluation(), ReferenceBands.of(reference), reference.exchangeRates()));
    detectors.add(
        new SplitConsignmentDetector(
            settings.split(), settings.thresholdEurCents(), reference.exchangeRates()));
    detectors.add(
        new BunchingDetector(
            settings.split(), settings.thresholdEurCents(), reference.exchangeRates()));
    detectors.add(new IossDetector(settings, reference));
    detectors.add(new ThreeWayMatchDetector(settings));
    detectors.add(new RevenueDetector(settings, reference));
    return new RiskEngine(detectors);
  }

  /** Every state key {@link #assess} reads for the record. */
  public List<StateKey> keys(RiskRecord record) {
    Set<StateKey> keys = new LinkedHashSet<>();
    for (Detector detector : detectors) {
      keys.addAll(detector.keys(record));
    }
    if (record.sellerId() != null) {
      keys.add(SellerSummary.key(record.marketplaceId(), record.sellerId()));
    }
    return List.copyOf(keys);
  }

  /**
   * Assesses the record and learns from it: its findings, and its seller's summary updated in
   * {@code state}.
   */
  public Assessment assess(RiskRecord record, RiskState state) {
    List<Finding> findings = new ArrayList<>();
    for (Detector detector : detectors) {
      try {
        detector.assess(record, state, findings);
      } catch (ArithmeticException e) {
        // Amounts so large (valid, but near the 64-bit limit) that a conversion or a sum leaves
        // the range: the detector does not judge this record, as with a missing field.
      }
    }
    Assessment assessment = new Assessment(findings);
    if (record.sellerId() != null) {
      StateKey key = SellerSummary.key(record.marketplaceId(), record.sellerId());
      state.write(
          key,
          SellerSummary.in(state, key).withAssessment(assessment),
          SellerSummary::encode,
          null);
    }
    return assessment;
  }
}
