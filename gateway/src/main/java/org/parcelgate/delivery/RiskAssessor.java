package org.parcelgate.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.parcelgate.risk.Assessment;
import org.parcelgate.risk.Finding;
import org.parcelgate.risk.MemoryRiskState;
import org.parcelgate.risk.RiskEngine;
import org.parcelgate.risk.RiskRecord;
import org.parcelgate.risk.StateKey;
import org.parcelgate.store.FeedKind;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.RiskInput;
import org.parcelgate.store.RiskStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assesses each recipient's committed price records for customs risk, in feed order after the
 * recipient's durable cursor (docs/storage.md, "The assessor"). One thread of its own runs the
 * steps: a step reads up to {@link #MAX_ROWS_PER_STEP} rows after the cursor and the minimized
 * copies they are in, loads the risk state their records need, assesses each record in feed order
 * with the {@link RiskEngine}, and commits the findings of flagged records, the changed state and
 * the cursor in one transaction through the store's writer. A step that finds the cursor moved
 * (another instance on the same database committed first) is dropped and read again.
 *
 * <p>The thread wakes when {@link #wake() told} of a commit, when a reader {@link #awaitAssessed
 * waits} for a position, and every {@link #INTERVAL}. A step that fails is tried again at the next
 * wake; its log line names the recipient and the failure's type, never a record's values.
 */
public final class RiskAssessor implements AutoCloseable {
  /** The most price rows one step assesses. */
  public static final int MAX_ROWS_PER_STEP = 2_048;

  /** The longest a committed record waits for a step when no one waits for it. */
  public static final Duration INTERVAL = Duration.ofMillis(200);

  private static final Logger LOG = LoggerFactory.getLogger(RiskAssessor.class);

  /** What the assessor tells about its work, for metrics. */
  public interface Listener {
    Listener NONE = (records, findings) -> {};

    /** A step assessed {@code records} records and committed these findings. */
    void assessed(int records, List<Finding> findings);
  }

  private final GatewayStore store;
  private final RiskEngine engine;
  private final List<String> recipients;
  private final Clock clock;
  private final Listener listener;
  private final int maxRows;
  private final Semaphore wake = new Semaphore(0);

  /** Per recipient, the last position known to be assessed; waiters are notified on this. */
  private final Map<String, Long> assessed = new ConcurrentHashMap<>();

  private final Object progress = new Object();
  private volatile boolean closed;
  private Thread thread;

  public RiskAssessor(
      GatewayStore store,
      RiskEngine engine,
      List<String> recipients,
      Clock clock,
      Listener listener,
      int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1");
    }
    this.store = store;
    this.engine = engine;
    this.recipients = List.copyOf(new LinkedHashSet<>(recipients));
    this.clock = clock;
    this.listener = listener;
    this.maxRows = maxRows;
  }

  public RiskAssessor(
      GatewayStore store, RiskEngine engine, List<String> recipients, Clock clock, Listener l) {
    this(store, engine, recipients, clock, l, MAX_ROWS_PER_STEP);
  }

  public List<String> recipients() {
    return recipients;
  }

  /** Starts the thread, which first catches up with what earlier processes committed. */
  public synchronized void start() {
    if (thread != null || closed) {
      return;
    }
    thread = new Thread(this::run, "parcelgate-risk-assessor");
    thread.setDaemon(true);
    thread.start();
  }

  /** Hears of a commit: records may wait. Cheap and never blocks. */
  public void wake() {
    wake.release();
  }

  /**
   * One step for a recipient, on the calling thread: reads, assesses and commits up to the step's
   * bound. Returns how many records it assessed (0 when none waited, or when another instance
   * applied a step first). Durable once it returns.
   */
  public int step(String recipient) {
    return assess(recipient).assessed();
  }

  /** What one step did, and whether records are left (or another instance was first). */
  private record Outcome(int assessed, boolean more) {}

  private Outcome assess(String recipient) {
    RiskInput input = store.riskInput(recipient, maxRows);
    if (input.rows().isEmpty()) {
      advanced(recipient, input.cursor());
      return new Outcome(0, false);
    }
    Map<String, Feeds.Copy> copies = new HashMap<>();
    input.copies().forEach((batchId, copy) -> copies.put(batchId, Feeds.decode(copy)));
    List<RiskRecord> records = new ArrayList<>(input.rows().size());
    Set<StateKey> keys = new LinkedHashSet<>();
    for (RiskInput.Row row : input.rows()) {
      GenericRecord minimized = copies.get(row.batchId()).records().get(row.copyPosition());
      RiskRecord record =
          RiskRecord.of(
              row.marketplaceId(), row.transactionId(), row.version(), row.receivedAt(), minimized);
      records.add(record);
      keys.addAll(engine.keys(record));
    }
    // State expires by the records' own time, not the clock's: a backlog assessed days later
    // finds the state an uninterrupted run would have found, so a replay gives the same flags.
    Instant now =
        records.stream().map(RiskRecord::receivedAt).min(Instant::compareTo).orElseThrow();
    MemoryRiskState state = MemoryRiskState.loaded(store.riskState(recipient, keys, now), now);
    TreeMap<Long, Assessment> flagged = new TreeMap<>();
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      Assessment assessment = engine.assess(records.get(i), state);
      if (assessment.flagged()) {
        flagged.put(input.rows().get(i).seq(), assessment);
        findings.addAll(assessment.findings());
      }
    }
    long to = input.rows().get(input.rows().size() - 1).seq();
    if (!store.commitRisk(new RiskStep(recipient, input.cursor(), to, flagged, state.changes()))) {
      // Another instance assessed these rows first; the next step reads from where it left.
      return new Outcome(0, true);
    }
    advanced(recipient, to);
    listener.assessed(records.size(), findings);
    return new Outcome(records.size(), input.more());
  }

  /** Steps a recipient until every record committed before the call is assessed. */
  public void catchUp(String recipient) {
    long head = store.lastSeq(recipient, FeedKind.PRICE);
    while (known(recipient) < head) {
      step(recipient);
    }
  }

  /**
   * Waits until the recipient's records up to {@code seq} are assessed, or for at most {@code
   * bound}; returns the last position assessed then (a reader never goes past it). Blocking: call
   * it from a worker thread, never from an event loop.
   */
  public long awaitAssessed(String recipient, long seq, Duration bound) {
    long known = known(recipient);
    if (known >= seq) {
      return known;
    }
    // The store may know more (another instance, or a step that just committed).
    known = Math.max(known, store.riskCursor(recipient));
    advanced(recipient, known);
    if (known >= seq || closed || thread == null) {
      return known;
    }
    long deadline = System.nanoTime() + bound.toNanos();
    wake();
    synchronized (progress) {
      while ((known = known(recipient)) < seq && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return known;
  }

  /** The last position of a recipient this assessor knows to be assessed. */
  long known(String recipient) {
    return assessed.getOrDefault(recipient, 0L);
  }

  private void advanced(String recipient, long to) {
    Long before = assessed.get(recipient);
    if (before == null || before < to) {
      assessed.merge(recipient, to, Math::max);
      synchronized (progress) {
        progress.notifyAll();
      }
    }
  }

  /** Records not yet assessed, over the assessor's recipients (store reads). */
  public long lag() {
    return store.riskLag(recipients);
  }

  private void run() {
    Set<String> failing = new HashSet<>();
    while (!closed) {
      boolean more = false;
      // Each recipient on its own: one that cannot be assessed never holds up the others.
      for (String recipient : recipients) {
        if (closed) {
          return;
        }
        try {
          more |= assess(recipient).more();
          if (failing.remove(recipient)) {
            LOG.info("the risk assessor assesses {}'s committed price records again", recipient);
          }
        } catch (RuntimeException e) {
          if (closed) {
            return;
          }
          if (failing.add(recipient)) {
            // The type only: a message could quote a record's value.
            LOG.warn(
                "the risk assessor could not assess {}'s committed price records ({}); tries again",
                recipient,
                e.getClass().getName());
          }
        }
      }
      if (!more) {
        await();
      }
    }
  }

  private void await() {
    try {
      wake.tryAcquire(INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      closed = true;
      return;
    }
    wake.drainPermits();
  }

  /**
   * Stops the thread after its step in progress, waiting for it up to {@code wait}; records left
   * are assessed by the next start. Waiting readers return with what is assessed.
   */
  public void close(Duration wait) {
    Thread running;
    synchronized (this) {
      closed = true;
      running = thread;
    }
    wake.release();
    synchronized (progress) {
      progress.notifyAll();
    }
    if (running != null) {
      try {
        running.join(Math.max(1, wait.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
