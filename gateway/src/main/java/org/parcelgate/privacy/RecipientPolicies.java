package org.parcelgate.privacy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.parcelgate.store.LogAppend;
import org.parcelgate.store.MinimizedBatch;

/**
 * The recipients the gateway minimizes for, each with its compiled policy and pseudonym key. For a
 * batch's accepted records routed to each recipient it produces the recipient's minimized copy and
 * the matching log entry, which the ingest commits together with the batch: a copy is never stored
 * without its entry, and a recipient no record was routed to gets neither.
 */
public final class RecipientPolicies {
  private final List<Minimizer> minimizers;

  public RecipientPolicies(List<Minimizer> minimizers) {
    this.minimizers = List.copyOf(minimizers);
  }

  public List<Minimizer> minimizers() {
    return minimizers;
  }

  /**
   * What one batch becomes for the recipients.
   *
   * @param records per recipient with records, its minimized records
   */
  public record Outcome(
      List<MinimizedBatch> copies,
      List<LogAppend> log,
      List<Summary> summaries,
      List<RecipientRecords> records) {}

  /**
   * One recipient's minimized records of a batch.
   *
   * @param positions for each minimized record, the position of its source among the accepted
   *     records
   */
  public record RecipientRecords(
      Minimizer minimizer, List<Integer> positions, List<GenericRecord> records) {}

  /** For metrics: per action, the values one recipient's minimization touched; free-text finds. */
  public record Summary(
      String recipient,
      Map<PolicyAction, Long> values,
      Map<FreeTextScanner.Kind, Integer> freeText) {}

  /**
   * Minimizes a batch's accepted records for every recipient they are routed to.
   *
   * @param recordsIn the records of the batch, accepted or not
   * @param accepted the records to store, in index order
   * @param routed per recipient, the positions in {@code accepted} of the records it receives, in
   *     order; a recipient absent from the map receives none
   */
  public Outcome minimize(
      Instant time,
      String batchId,
      String marketplaceId,
      int recordsIn,
      List<? extends IndexedRecord> accepted,
      Map<String, List<Integer>> routed) {
    List<MinimizedBatch> copies = new ArrayList<>();
    List<LogAppend> log = new ArrayList<>();
    List<Summary> summaries = new ArrayList<>();
    List<RecipientRecords> records = new ArrayList<>();
    for (Minimizer minimizer : minimizers) {
      List<Integer> positions = routed.getOrDefault(minimizer.recipient(), List.of());
      if (positions.isEmpty()) {
        continue;
      }
      List<IndexedRecord> input = new ArrayList<>(positions.size());
      positions.forEach(position -> input.add(accepted.get(position)));
      Minimizer.Minimized result = minimizer.minimize(marketplaceId, input);
      records.add(new RecipientRecords(minimizer, List.copyOf(positions), result.records()));
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
    return new Outcome(copies, log, summaries, records);
  }
}
