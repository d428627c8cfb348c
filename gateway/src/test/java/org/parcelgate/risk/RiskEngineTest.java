package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RiskEngineTest {
  private static final Detector OVERFLOWS =
      new Detector() {
        @Override
        public List<StateKey> keys(RiskRecord record) {
          return List.of();
        }

        @Override
        public void assess(
            RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
          Math.multiplyExact(Long.MAX_VALUE, 2);
        }
      };

  private static final Detector LATE =
      new Detector() {
        @Override
        public List<StateKey> keys(RiskRecord record) {
          return List.of();
        }

        @Override
        public void assess(
            RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
          findings.add(new Finding(Flag.LATE_PAYMENT, 40, "Paid late.", List.of()));
        }
      };

  private static RiskRecord record() {
    return ValueRecords.record(
        "T-1", 1, ValueRecords.T0, "buyer-1", "seller-1", "DE", "EUR", 1_000, List.of());
  }

  @Test
  void aDetectorWhoseArithmeticLeavesTheRangeJudgesNothingAndTheOthersStillDo() {
    RiskEngine engine = new RiskEngine(List.of(OVERFLOWS, LATE));

    Assessment assessment = engine.assess(record(), MemoryRiskState.empty(null));

    assertThat(assessment.findings()).extracting(Finding::flag).containsExactly(Flag.LATE_PAYMENT);
  }

  @Test
  void theSellerSummaryCountsTheAssessedRecordAndItsFlags() {
    RiskEngine engine = new RiskEngine(List.of(LATE));
    MemoryRiskState state = MemoryRiskState.empty(null);

    engine.assess(record(), state);
    engine.assess(record(), state);

    SellerSummary summary = SellerSummary.decode(state.get(SellerSummary.key("mkt-1", "seller-1")));
    assertThat(summary.assessed()).isEqualTo(2);
    assertThat(summary.flagged()).containsEntry(Flag.LATE_PAYMENT, 2L);
  }

  @Test
  void preparingARecordListsEveryDetectorsKeysAndHandsEachItsOwnBack() {
    StateKey a = new StateKey("a", "1");
    StateKey b = new StateKey("b", "2");
    List<List<StateKey>> handed = new ArrayList<>();
    Detector first = keysDetector(List.of(a, b), handed);
    Detector second = keysDetector(List.of(b), handed);
    RiskEngine engine = new RiskEngine(List.of(first, second));

    RiskEngine.Prepared prepared = engine.prepare(record());
    List<StateKey> listed = new ArrayList<>();
    prepared.forEachKey(listed::add);
    engine.assess(prepared, MemoryRiskState.empty(null));

    StateKey seller = SellerSummary.key("mkt-1", "seller-1");
    assertThat(listed).containsExactly(a, b, b, seller);
    assertThat(engine.keys(record())).containsExactly(a, b, seller);
    assertThat(handed).containsExactly(List.of(a, b), List.of(b));
  }

  @Test
  void refusesARecordPreparedByAnotherEngine() {
    RiskEngine.Prepared prepared = new RiskEngine(List.of(LATE)).prepare(record());
    RiskEngine other = new RiskEngine(List.of(LATE));

    assertThatThrownBy(() -> other.assess(prepared, MemoryRiskState.empty(null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Detector keysDetector(List<StateKey> keys, List<List<StateKey>> handed) {
    return new Detector() {
      @Override
      public List<StateKey> keys(RiskRecord record) {
        return keys;
      }

      @Override
      public void assess(
          RiskRecord record, List<StateKey> given, RiskState state, List<Finding> findings) {
        handed.add(given);
      }
    };
  }

  @Test
  void aReasonOrFigureLongerThanItsLimitIsCutNotRefused() {
    Finding finding =
        new Finding(
            Flag.UNDERVALUED,
            60,
            "x".repeat(70_000),
            List.of(new Figure("transactions", "y".repeat(70_000))));

    assertThat(finding.reason()).hasSize(Finding.MAX_REASON_LENGTH).endsWith("...");
    assertThat(finding.figures().get(0).value()).hasSize(Figure.MAX_VALUE_LENGTH).endsWith("...");
  }
}
