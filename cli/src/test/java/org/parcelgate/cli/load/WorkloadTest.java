package org.parcelgate.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parcelgate.client.Batches;
import org.parcelgate.schema.Transaction;
import org.parcelgate.validation.TransactionValidator;
import org.parcelgate.validation.ValidationPolicy;

class WorkloadTest {
  private static final Instant STARTED = Instant.parse("2026-12-02T12:00:00Z");

  @Test
  void riskBatchesAreDistinctValidAndTheSameForTheSameSeed() {
    Workload workload = new Workload(42, 50, STARTED, Workload.Traffic.RISK);
    TransactionValidator validator =
        new TransactionValidator(ValidationPolicy.defaults(), Clock.fixed(STARTED, ZoneOffset.UTC));
    Set<String> ids = new HashSet<>();
    Set<String> sellers = new HashSet<>();
    for (long k = 0; k < 20; k++) {
      List<Transaction> records = workload.records(k);
      assertThat(records).hasSize(50);
      assertThat(Batches.transactionIds(workload.batch(k)))
          .isEqualTo(records.stream().map(Transaction::getTransactionId).toList());
      assertThat(validator.validateBatch(records).violations()).isEmpty();
      for (Transaction record : records) {
        assertThat(ids.add(record.getTransactionId())).isTrue();
        sellers.add(record.getSeller().getSellerId());
        assertThat(record.getOrderTime()).isBefore(STARTED.minus(java.time.Duration.ofDays(89)));
      }
    }
    // Sellers are the run's, shared by its batches: their detectors see them again and again.
    assertThat(sellers.size()).isLessThan(ids.size() / 2);
    assertThat(new Workload(42, 50, STARTED, Workload.Traffic.RISK).batch(3))
        .isEqualTo(workload.batch(3));
    assertThat(
            Batches.transactionIds(new Workload(43, 50, STARTED, Workload.Traffic.RISK).batch(3)))
        .doesNotContainAnyElementsOf(Batches.transactionIds(workload.batch(3)));
  }

  @Test
  void sampleBatchesStayTheSampleOrders() {
    Workload workload = new Workload(42, 5, STARTED);
    assertThat(workload.traffic()).isEqualTo(Workload.Traffic.SAMPLE);
    assertThat(workload.records(0))
        .allMatch(record -> record.getTransactionId().startsWith("ORD-"));
  }
}
