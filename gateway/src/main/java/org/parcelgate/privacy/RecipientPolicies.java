package org.parcelgate.privacy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.parcelgate.store.LogAppend;
import org.parcelgate.store.MinimizedBatch;

/**
 * The recipients the gateway minimizes for, each with its compiled policy and pseudonym key. For a
 * batch's accepted records it produces each recipient's minimized copy and the matching log entry,
 * which the ingest commits together with the batch: a copy is never stored without its entry.
 */
public final class RecipientPolicies {
  private final List<Minimizer> minimizers;

  public RecipientPolicies(List<Minimizer> minimizers) {
    this.minimizers = List.copyOf(minimizers);
  }

  public List<Minimizer> minimizers() {
    return minimizers;
  }

  /** What one batch becomes for the recipients. */
  public record Outcome(
      List<MinimizedBatch> copies, List<LogAppend> log, List<Summary> summaries) {}

  /** For metrics: per action, the values one recipient's minimization touched; free-text finds. */
  public record Summary(
      String recipient,
      Map<PolicyAction, Long> values,
      Map<FreeTextScanner.Kind, Integer> freeText) {}

  /**
   * Minimizes a batch's accepted records for every recipient.
   *
   * @param recordsIn the records of the batch, accepted or not
   * @param accepted the records to store, in index order
   */
  public Outcome minimize(
      Instant time,
      String batchId,
      String marketplaceId,
      int recordsIn,
      List<? extends IndexedRecord> accepted) {
    List<MinimizedBatch> copies = new ArrayList<>();
    List<LogAppend> log = new ArrayList<>();
    List<Summary> summaries = new ArrayList<>();
    if (accepted.isEmpty()) {
      return new Outcome(copies, log, summaries);
    }
    for (Minimizer minimizer : minimizers) {
      Minimizer.Minimized result = minimizer.minimize(marketplaceId, accepted);
      MinimizationPolicy policy = minimizer.policy();
      copies.add(
          new MinimizedBatch(
              minimizer.recipient(),
              policy.id(),
              policy.version(),
              policy.sha256(),
              minimizer.keyVersion(),
              minimizer.outputFingerprint(),
              result.records().size(),
              minimizer.container(result.records())));
      log.add(
          LogEntries.minimization(
              new LogEntries.Minimization(
                  time,
                  batchId,
                  marketplaceId,
                  minimizer,
                  recordsIn,
                  result.records().size(),
                  result)));
      Map<PolicyAction, Long> values = new EnumMap<>(PolicyAction.class);
      result.fields().forEach(count -> values.merge(count.action(), count.values(), Long::sum));
      summaries.add(new Summary(minimizer.recipient(), values, result.freeText()));
    }
    return new Outcome(copies, log, summaries);
  }
}
