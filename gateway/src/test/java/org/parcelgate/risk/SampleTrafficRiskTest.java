package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.parcelgate.privacy.Minimizer;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.TestPrivacy;

/**
 * The sample orders (of {@code parcelgate sample}, the demo and the default load) are honest
 * consignments: with every detector on they raise no flag, before and after the flat duty starts. A
 * flag on them would mean either the sample or a detector is wrong, and would make every demo and
 * load record a flagged one.
 */
class SampleTrafficRiskTest {
  private static final String MARKETPLACE = "marketplace-alpha";

  private static List<Finding> findingsOf(Instant orderTime, int orders) {
    RiskEngine engine = RiskEngine.create(RiskSettings.defaults(), ReferenceData.shipped());
    Minimizer minimizer = TestPrivacy.customsMinimizer();
    MemoryRiskState state = MemoryRiskState.empty(orderTime.plus(Duration.ofHours(1)));
    List<Finding> findings = new ArrayList<>();
    for (int n = 1; n <= orders; n++) {
      Transaction transaction = SampleTransactions.valid(n, orderTime);
      GenericRecord minimized =
          minimizer.minimize(MARKETPLACE, List.of(transaction)).records().get(0);
      RiskRecord record =
          RiskRecord.of(
              MARKETPLACE,
              transaction.getTransactionId(),
              1,
              orderTime.plus(Duration.ofMinutes(5)),
              minimized);
      findings.addAll(engine.assess(record, state).findings());
    }
    return findings;
  }

  @Test
  void sampleOrdersAfterTheFlatDutyStartedRaiseNoFlag() {
    assertThat(findingsOf(Instant.parse("2026-11-20T10:00:00Z"), 600)).isEmpty();
  }

  @Test
  void sampleOrdersBeforeTheFlatDutyRaiseNoFlag() {
    assertThat(findingsOf(Instant.parse("2026-03-20T10:00:00Z"), 600)).isEmpty();
  }
}
