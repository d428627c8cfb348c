package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.risk.ValueRecords.T0;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped engine runs the valuation and splitting detectors on the shipped tables. */
class ValuationAndSplittingEngineTest {
  private final RiskEngine engine =
      RiskEngine.create(RiskSettings.defaults(), ReferenceData.shipped());

  private static RiskRecord parcel(String id, long euroCents, long unitPriceCents) {
    return ValueRecords.record(
        id,
        1,
        T0,
        "buyer-1",
        "seller-1",
        "DE",
        "EUR",
        euroCents,
        List.of(new RiskRecord.Line(1, "85183000", "CN", 1L, "H87", unitPriceCents, 1L, 100L)));
  }

  @Test
  void flagsAnUndervaluedSplitConsignmentWithBothFlags() {
    MemoryRiskState state = MemoryRiskState.empty(null);
    RiskRecord first = parcel("A", 8_000, 1_800);
    assertThat(engine.keys(first))
        .contains(
            UnitValueBand.key("851830", "H87", "CN"),
            SplitGroup.key("mkt-1", "buyer-1", "seller-1", "DE"),
            BunchingDetector.key("mkt-1", "seller-1"));
    assertThat(engine.assess(first, state)).isEqualTo(Assessment.NONE);

    Assessment second = engine.assess(parcel("B", 9_000, 50), state);
    assertThat(second.has(Flag.SPLIT_CONSIGNMENT)).isTrue();
    assertThat(second.has(Flag.UNDERVALUED)).isTrue();
    assertThat(second.has(Flag.VALUE_BUNCHED_BELOW_THRESHOLD)).isFalse();
  }

  @Test
  void anOrdinaryParcelCarriesNoFlag() {
    MemoryRiskState state = MemoryRiskState.empty(null);
    assertThat(engine.assess(parcel("A", 1_800, 1_800), state).flagged()).isFalse();
    assertThat(engine.assess(parcel("B", 2_000, 2_000), state).flagged()).isFalse();
  }
}
