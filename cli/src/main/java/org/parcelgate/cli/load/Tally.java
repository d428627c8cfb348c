package org.parcelgate.cli.load;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the requests of a timed window came to, recorded from many threads at once: answers by
 * outcome, records, refusals by problem code, transport failures by kind, and the latency of every
 * answered request (HdrHistogram, microseconds, three significant digits).
 */
final class Tally {
  private final Recorder latency = new Recorder(3);
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder records = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder unchanged = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder repeats = new LongAdder();
  private final Map<String, LongAdder> problems = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> transport = new ConcurrentHashMap<>();

  void latency(long nanos) {
    latency.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)));
  }

  /** A request answered 2xx; for a batch, its counts as the gateway answered them. */
  void succeeded(
      int sent, int recordsAccepted, int recordsUnchanged, int recordsRejected, boolean repeat) {
    succeeded.increment();
    records.add(sent);
    accepted.add(recordsAccepted);
    unchanged.add(recordsUnchanged);
    rejected.add(recordsRejected);
    if (repeat) {
      repeats.increment();
    }
  }

  /** A refusal: the {@code code} of its {@code application/problem+json} answer. */
  void problem(String code) {
    problems.computeIfAbsent(code, c -> new LongAdder()).increment();
  }

  /** A request that got no answer: no connection, a reset, a timeout. */
  void transport(String kind) {
    transport.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  Snapshot snapshot() {
    return new Snapshot(
        succeeded.sum(),
        records.sum(),
        accepted.sum(),
        unchanged.sum(),
        rejected.sum(),
        repeats.sum(),
        counts(problems),
        counts(transport),
        latency.getIntervalHistogram());
  }

  private static SortedMap<String, Long> counts(Map<String, LongAdder> adders) {
    SortedMap<String, Long> counts = new TreeMap<>();
    adders.forEach((key, adder) -> counts.put(key, adder.sum()));
    return counts;
  }

  /** The tally at the end of the window. */
  record Snapshot(
      long succeeded,
      long records,
      long accepted,
      long unchanged,
      long rejected,
      long repeats,
      SortedMap<String, Long> problems,
      SortedMap<String, Long> transport,
      Histogram latencyMicros) {
    long refused() {
      return problems.values().stream().mapToLong(Long::longValue).sum();
    }

    long unanswered() {
      return transport.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
