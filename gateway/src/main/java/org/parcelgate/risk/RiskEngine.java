package org.parcelgate.risk;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

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

  /**
   * A record with the state keys {@link #assess} reads for it: per detector, in the engine's order,
   * the keys it made, and the key of the seller's summary (null without a seller). Made once per
   * record, so that the keys a store loads beforehand are not made again (the split group's key is
   * a SHA-256) when the record is assessed.
   */
  public static final class Prepared {
    private final RiskEngine engine;
    private final RiskRecord record;
    private final List<List<StateKey>> byDetector;
    private final StateKey sellerKey;

    private Prepared(
        RiskEngine engine, RiskRecord record, List<List<StateKey>> byDetector, StateKey sellerKey) {
      this.engine = engine;
      this.record = record;
      this.byDetector = byDetector;
      this.sellerKey = sellerKey;
    }

    public RiskRecord record() {
      return record;
    }

    /** Hands every key to {@code action}; a key several detectors read, once for each. */
    public void forEachKey(Consumer<StateKey> action) {
      for (List<StateKey> keys : byDetector) {
        keys.forEach(action);
      }
      if (sellerKey != null) {
        action.accept(sellerKey);
      }
    }
  }

  /** The record with the keys every detector reads for it. */
  public Prepared prepare(RiskRecord record) {
    List<List<StateKey>> byDetector = new ArrayList<>(detectors.size());
    for (Detector detector : detectors) {
      byDetector.add(detector.keys(record));
    }
    StateKey sellerKey = null;
    if (record.sellerId() != null) {
      sellerKey = SellerSummary.key(record.marketplaceId(), record.sellerId());
      // The revenue detector reads the summary too: with one key object for both, the state
      // looks the key up once per record, not twice.
      sellerKey = sameKey(byDetector, sellerKey);
    }
    return new Prepared(this, record, byDetector, sellerKey);
  }

  /** A detector's key equal to {@code key} if there is one, else {@code key}. */
  private static StateKey sameKey(List<List<StateKey>> byDetector, StateKey key) {
    for (List<StateKey> keys : byDetector) {
      for (StateKey made : keys) {
        if (made.equals(key)) {
          return made;
        }
      }
    }
    return key;
  }

  /** Every state key {@link #assess} reads for the record, each once. */
  public List<StateKey> keys(RiskRecord record) {
    Set<StateKey> keys = new LinkedHashSet<>();
    prepare(record).forEachKey(keys::add);
    return List.copyOf(keys);
  }

  /**
   * Assesses the record and learns from it: its findings, and its seller's summary updated in
   * {@code state}.
   */
  public Assessment assess(RiskRecord record, RiskState state) {
    return assess(prepare(record), state);
  }

  /**
   * {@link #assess(RiskRecord, RiskState)} with the keys made beforehand, by this engine's {@link
   * #prepare} (another engine's detectors would be handed keys that are not theirs).
   */
  public Assessment assess(Prepared prepared, RiskState state) {
    if (prepared.engine != this) {
      throw new IllegalArgumentException("the record was prepared by another engine");
    }
    RiskRecord record = prepared.record;
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < detectors.size(); i++) {
      try {
        detectors.get(i).assess(record, prepared.byDetector.get(i), state, findings);
      } catch (ArithmeticException e) {
        // Amounts so large (valid, but near the 64-bit limit) that a conversion or a sum leaves
        // the range: the detector does not judge this record, as with a missing field.
      }
    }
    Assessment assessment = new Assessment(findings);
    StateKey key = prepared.sellerKey;
    if (key != null) {
      state.write(
          key,
          SellerSummary.in(state, key).withAssessment(assessment),
          SellerSummary::encode,
          null);
    }
    return assessment;
  }
}
