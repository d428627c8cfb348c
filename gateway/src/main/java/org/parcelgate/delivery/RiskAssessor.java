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
import java.util.function.Predicate;
import org.apache.avro.generic.GenericRecord;
import org.parcelgate.risk.Assessment;
import org.parcelgate.risk.Finding;
import org.parcelgate.risk.MemoryRiskState;
import org.parcelgate.risk.RiskEngine;
import org.parcelgate.risk.RiskRecord;
import org.parcelgate.risk.StateKey;
import org.parcelgate.store.FeedKind;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.MinimizedBatch;
import org.parcelgate.store.RiskInput;
import org.parcelgate.store.RiskStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assesses each recipient's committed price records for customs risk, in feed order after the
 * recipient's durable cursor (docs/storage.md, "The assessor"). One thread of its own runs the
 * steps: a step reads up to {@link #MAX_ROWS_PER_STEP} rows after the cursor and the minimized
 * records they are in, loads the risk state their records need, assesses each record in feed order
 * with the {@link RiskEngine}, and commits the findings of flagged records and the cursor in one
 * transaction through the store's writer. A step that finds the cursor moved (another instance on
 * the same database committed first) is dropped and read again.
 *
 * <p>The detectors' state is written as a <em>checkpoint</em>, not with every step: at most every
 * {@link #CHECKPOINT} while records keep coming, after a round of steps with nothing left to
 * assess, when the values changed since the last one reach half of what is held, from {@link
 * #catchUp}, and on {@link #close}. The store keeps the position its state follows ({@code
 * state_seq}); an assessor that did not make it (after a restart, a failure, or another instance's
 * steps) loads the stored state and judges the records after that position up to the cursor again,
 * without writing their findings, before its step. The engine is deterministic in feed order, so
 * the state is the one an uninterrupted run would have. Readers of the stored state (seller
 * summaries, the bands' export) see it as of the last checkpoint.
 *
 * <p>Two more things make a step cheap without changing what it finds:
 *
 * <ul>
 *   <li>The state stays decoded in memory between steps ({@link MemoryRiskState}, at most {@code
 *       residentValues} values per recipient besides those not yet written, least recently used
 *       forgotten), and a step reads from the store only the keys it does not hold. It is trusted
 *       only while the stored cursor and state position stand where this assessor's last step left
 *       them: moved by another instance, a step refused or failed, and everything held for the
 *       recipient is forgotten. An assessor that finds another instance assessing a recipient
 *       leaves it to that instance for as long as it keeps moving the cursor (looking every {@link
 *       #YIELD}, and following the cursor for the readers waiting here), since taking turns would
 *       rebuild the state at every turn.
 *   <li>The ingest hands over each committed batch's minimized records ({@link CommittedCopies}),
 *       read for the detectors there ({@link RiskRecord}: only the fields they use), and the
 *       assessor keeps them ({@link HandOvers}) until a step has read the batch to its end (at most
 *       {@link #HELD_RECORDS}, the oldest going first): kept longer, they would outlive young
 *       collections and lengthen their pauses. A batch no longer held (or committed by another
 *       instance, or before a restart) is read from the store and decoded.
 * </ul>
 *
 * <p>The thread wakes when {@link #wake() told} of a commit, when a reader {@link #awaitAssessed
 * waits} for a position (at once), and every {@link #GATHER}. After a round of steps that assessed
 * records, a commit starts the next no sooner than {@link #GATHER} after it ended: under load a
 * step takes the records of several commits; after a quiet round, a commit starts a step at once. A
 * step that fails is tried again at the next wake; its log line names the recipient and the
 * failure's type, never a record's values.
 */
public final class RiskAssessor implements CommittedCopies, AutoCloseable {
  /** The most price rows one step assesses. */
  public static final int MAX_ROWS_PER_STEP = 2_048;

  /**
   * The most state values held per recipient between steps (the least recently used beyond are read
   * from the store again when needed).
   */
  public static final int RESIDENT_VALUES = 100_000;

  /**
   * The longest the assessor goes, while it has records to assess, without writing the state its
   * steps changed (a checkpoint); it writes it sooner when the changed values reach half of {@code
   * residentValues}, and once a step finds nothing left to assess for the recipient.
   */
  public static final Duration CHECKPOINT = Duration.ofSeconds(10);

  /**
   * The most minimized records of committed batches held for the next steps; a batch no longer held
   * is read from the store and decoded.
   */
  static final int HELD_RECORDS = 4 * MAX_ROWS_PER_STEP;

  /**
   * The least time between the end of a round of steps that assessed records and the next round a
   * commit starts; a reader waiting for a position starts one at once. Also the longest an idle
   * assessor waits before it looks again.
   */
  public static final Duration GATHER = Duration.ofMillis(250);

  private static final Logger LOG = LoggerFactory.getLogger(RiskAssessor.class);

  /** What the assessor tells about its work, for metrics. */
  public interface Listener {
    Listener NONE = (records, findings) -> {};

    /** A step assessed {@code records} records and committed these findings. */
    void assessed(int records, List<Finding> findings);

    /**
     * A rebuild judged {@code records} already assessed records again, to learn the state after the
     * last checkpoint (after a restart, a failure or another instance's steps).
     */
    default void replayed(int records) {}

    /** A checkpoint wrote {@code values} changed state values. */
    default void checkpointed(int values) {}

    /**
     * A step (or a rebuild) read {@code records} minimized records back from the store and decoded
     * them, because the ingest's hand-over was no longer held (or never was).
     */
    default void readBack(int records) {}
  }

  private final GatewayStore store;
  private final RiskEngine engine;
  private final List<String> recipients;
  private final Clock clock;
  private final Listener listener;
  private final int maxRows;
  private final Semaphore wake = new Semaphore(0);

  /** Released by a reader waiting: a step without {@link #GATHER gathering} commits first. */
  private final Semaphore hurry = new Semaphore(0);

  /** When the thread's last round of steps ended ({@link System#nanoTime}). */
  private long lastRound;

  private final Set<String> recipientSet;
  private final int residentValues;
  private final long checkpointNanos;

  /**
   * How long the assessor leaves a recipient to another instance that moved its cursor, before it
   * looks whether that instance still moves it.
   */
  public static final Duration YIELD = Duration.ofSeconds(2);

  /** A recipient left to another instance: until when, and the stored cursor then. */
  private record Yield(long until, long cursor) {}

  /** Per recipient, while this assessor leaves it to another instance (the thread's only). */
  private final Map<String, Yield> yielded = new HashMap<>();

  /** Serializes steps: the thread's and those a caller runs with {@link #step}. */
  private final Object stepping = new Object();

  /** Per recipient, the state held between steps (used under {@link #stepping}). */
  private final Map<String, Resident> residents = new HashMap<>();

  /** The records the ingest handed over, until a step has read their batch to its end. */
  private final HandOvers handOvers = new HandOvers(HELD_RECORDS);

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
      int maxRows,
      int residentValues,
      Duration checkpoint) {
    if (maxRows < 1 || residentValues < 0 || checkpoint.isNegative()) {
      throw new IllegalArgumentException(
          "maxRows must be at least 1, residentValues at least 0, checkpoint not negative");
    }
    this.residentValues = residentValues;
    this.checkpointNanos = checkpoint.toNanos();
    this.store = store;
    this.engine = engine;
    this.recipients = List.copyOf(new LinkedHashSet<>(recipients));
    this.recipientSet = Set.copyOf(this.recipients);
    this.clock = clock;
    this.listener = listener;
    this.maxRows = maxRows;
  }

  public RiskAssessor(
      GatewayStore store, RiskEngine engine, List<String> recipients, Clock clock, Listener l) {
    this(store, engine, recipients, clock, l, MAX_ROWS_PER_STEP, RESIDENT_VALUES, CHECKPOINT);
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

  /**
   * What one step did: whether records are left, and whether another instance moved the cursor
   * (then this one leaves the recipient to it for a while).
   */
  private record Outcome(int assessed, boolean more, boolean otherInstance) {
    static final Outcome NONE = new Outcome(0, false, false);
  }

  /**
   * What the assessor holds of a recipient's state between steps: the stored state at {@code
   * stateSeq} and every change of the records after it up to {@code cursor}, the changes not yet
   * written. Valid while the stored cursor and state position stand where this assessor left them.
   */
  private static final class Resident {
    final MemoryRiskState state = MemoryRiskState.empty(null);
    long cursor;
    long stateSeq;

    /** When the state was last written or rebuilt ({@link System#nanoTime}). */
    long checkpointed = System.nanoTime();
  }

  /** The records of an input judged in feed order, with the findings of the flagged ones. */
  private record Judged(TreeMap<Long, Assessment> flagged, List<Finding> findings) {}

  private Outcome assess(String recipient) {
    synchronized (stepping) {
      try {
        return assessHeld(recipient);
      } catch (RuntimeException | Error e) {
        // A step that failed half-way may have changed held objects it never stored.
        residents.remove(recipient);
        throw e;
      }
    }
  }

  private Outcome assessHeld(String recipient) {
    Map<String, BatchRecords> pinned = new ConcurrentHashMap<>();
    RiskInput input = store.riskInput(recipient, maxRows, holding(recipient, pinned));
    Resident resident = residents.get(recipient);
    boolean valid =
        resident != null
            && resident.cursor == input.cursor()
            && resident.stateSeq == input.stateSeq();
    if (input.rows().isEmpty()) {
      advanced(recipient, input.cursor());
      if (resident != null && !valid) {
        // Another instance assesses the recipient: what was held is stale for good.
        residents.remove(recipient);
        return new Outcome(0, false, true);
      }
      if (resident != null && resident.state.changedCount() > 0) {
        // Nothing left to assess for this recipient, whatever the others do: write its state.
        writeCheckpoint(recipient, resident);
      }
      return Outcome.NONE;
    }
    if (!valid) {
      // First step, or another instance moved the cursor: what was held may be stale.
      resident = rebuilt(recipient, input);
      residents.put(recipient, resident);
    }
    MemoryRiskState state = resident.state;
    Judged judged = judge(input, pinned, state);
    long to = input.rows().get(input.rows().size() - 1).seq();
    boolean checkpoint =
        System.nanoTime() - resident.checkpointed >= checkpointNanos
            || state.changedCount() >= residentValues / 2;
    RiskStep step =
        new RiskStep(
            recipient,
            input.cursor(),
            input.stateSeq(),
            to,
            judged.flagged(),
            checkpoint ? state.changes() : Map.of(),
            checkpoint);
    if (!store.commitRisk(step)) {
      // Another instance assessed these rows first; the next step reads from where it left.
      residents.remove(recipient);
      return new Outcome(0, true, true);
    }
    handOvers.release(recipient, input);
    resident.cursor = to;
    if (checkpoint) {
      written(resident);
      listener.checkpointed(step.state().size());
    }
    state.trim(residentValues);
    advanced(recipient, to);
    listener.assessed(input.rows().size(), judged.findings());
    return new Outcome(input.rows().size(), input.more(), false);
  }

  /**
   * The recipient's state at the input's cursor: the stored state, loaded as records need it, and
   * the records from its position up to the cursor judged again (their findings are stored
   * already).
   */
  private Resident rebuilt(String recipient, RiskInput input) {
    Resident resident = new Resident();
    long from = input.stateSeq();
    while (from < input.cursor()) {
      Map<String, BatchRecords> pinned = new ConcurrentHashMap<>();
      RiskInput replay =
          store.riskReplay(recipient, from, input.cursor(), maxRows, holding(recipient, pinned));
      if (replay.rows().isEmpty()) {
        throw new IllegalStateException("the price rows after the stored risk state are missing");
      }
      judge(replay, pinned, resident.state);
      listener.replayed(replay.rows().size());
      from = replay.rows().get(replay.rows().size() - 1).seq();
    }
    resident.cursor = input.cursor();
    resident.stateSeq = input.stateSeq();
    return resident;
  }

  /**
   * Judges the input's records in feed order against the state, loading the keys it does not hold;
   * the state learns from each.
   */
  private Judged judge(RiskInput input, Map<String, BatchRecords> pinned, MemoryRiskState state) {
    int readBack = 0;
    for (Map.Entry<String, MinimizedBatch> copy : input.copies().entrySet()) {
      List<GenericRecord> decoded = Feeds.decode(copy.getValue()).records();
      pinned.put(copy.getKey(), new Decoded(decoded));
      readBack += decoded.size();
    }
    if (readBack > 0) {
      listener.readBack(readBack);
    }
    List<RiskEngine.Prepared> records = new ArrayList<>(input.rows().size());
    Instant earliest = null;
    for (RiskInput.Row row : input.rows()) {
      RiskRecord record = pinned.get(row.batchId()).record(row);
      records.add(engine.prepare(record));
      if (earliest == null || record.receivedAt().isBefore(earliest)) {
        earliest = record.receivedAt();
      }
    }
    // State expires by each record's own time, not the clock's, nor the step's: a backlog assessed
    // days later, or a replay whose steps are cut differently, finds the state an uninterrupted run
    // would have found, so it gives the same flags. The load asks at the earliest of them.
    state.at(earliest);
    // Only the keys the state lacks are collected: most (bands, sellers, IOSS numbers) are held.
    Set<StateKey> missing = new LinkedHashSet<>();
    for (RiskEngine.Prepared record : records) {
      record.forEachKey(
          key -> {
            if (state.lacks(key)) {
              missing.add(key);
            }
          });
    }
    state.load(store.riskState(input.recipient(), missing, earliest), missing);
    TreeMap<Long, Assessment> flagged = new TreeMap<>();
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      state.at(records.get(i).record().receivedAt());
      Assessment assessment = engine.assess(records.get(i), state);
      if (assessment.flagged()) {
        flagged.put(input.rows().get(i).seq(), assessment);
        findings.addAll(assessment.findings());
      }
    }
    state.settle();
    return new Judged(flagged, findings);
  }

  /** Which batches the assessor holds the records of, pinning them for the step. */
  private Predicate<String> holding(String recipient, Map<String, BatchRecords> pinned) {
    return batchId -> {
      List<RiskRecord> records = handOvers.get(batchId, recipient);
      if (records != null) {
        pinned.put(batchId, new HandedOver(records));
      }
      return records != null;
    };
  }

  /** A batch's records for one recipient as a step reads them, each under its price row. */
  private sealed interface BatchRecords {
    RiskRecord record(RiskInput.Row row);
  }

  /** Read for the detectors by the ingest when it handed the batch over. */
  private record HandedOver(List<RiskRecord> records) implements BatchRecords {
    @Override
    public RiskRecord record(RiskInput.Row row) {
      return records
          .get(row.copyPosition())
          .as(row.marketplaceId(), row.transactionId(), row.version(), row.receivedAt());
    }
  }

  /** Decoded from the stored copy. */
  private record Decoded(List<GenericRecord> records) implements BatchRecords {
    @Override
    public RiskRecord record(RiskInput.Row row) {
      return RiskRecord.of(
          row.marketplaceId(),
          row.transactionId(),
          row.version(),
          row.receivedAt(),
          records.get(row.copyPosition()));
    }
  }

  private void written(Resident resident) {
    resident.state.clearChanges();
    resident.stateSeq = resident.cursor;
    resident.checkpointed = System.nanoTime();
  }

  /**
   * Writes the state the recipient's steps changed since the last checkpoint, if any, so that the
   * store's state follows the cursor: what readers of the stored state (seller summaries, bands)
   * and other instances see. Durable once it returns.
   */
  public void checkpoint(String recipient) {
    synchronized (stepping) {
      Resident resident = residents.get(recipient);
      if (resident != null && resident.state.changedCount() > 0) {
        writeCheckpoint(recipient, resident);
      }
    }
  }

  /**
   * Writes what the resident changed since its last checkpoint; forgets it if refused or failed.
   */
  private void writeCheckpoint(String recipient, Resident resident) {
    boolean applied;
    int values;
    try {
      Map<StateKey, MemoryRiskState.Value> changes = resident.state.changes();
      values = changes.size();
      applied =
          store.commitRisk(
              new RiskStep(
                  recipient,
                  resident.cursor,
                  resident.stateSeq,
                  resident.cursor,
                  new TreeMap<>(),
                  changes,
                  true));
    } catch (RuntimeException | Error e) {
      residents.remove(recipient);
      throw e;
    }
    if (applied) {
      written(resident);
      listener.checkpointed(values);
      resident.state.trim(residentValues);
    } else {
      residents.remove(recipient);
    }
  }

  @Override
  public void committed(Copy copy) {
    if (recipientSet.contains(copy.recipient())) {
      handOvers.hold(copy);
    }
  }

  /** How many handed-over records the assessor holds. */
  int heldRecords() {
    return handOvers.records();
  }

  /**
   * Steps a recipient until every record committed before the call is assessed, and writes the
   * state those steps changed.
   */
  public void catchUp(String recipient) {
    long head = store.lastSeq(recipient, FeedKind.PRICE);
    while (known(recipient) < head) {
      step(recipient);
    }
    checkpoint(recipient);
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
    hurry.release();
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
      boolean worked = false;
      // Each recipient on its own: one that cannot be assessed never holds up the others.
      for (String recipient : recipients) {
        if (closed) {
          return;
        }
        try {
          if (leftToAnother(recipient)) {
            continue;
          }
          Outcome outcome = assess(recipient);
          more |= outcome.more();
          worked |= outcome.assessed() > 0;
          if (outcome.otherInstance()) {
            // Taking turns would rebuild the state from the last checkpoint at every turn.
            yielded.put(
                recipient,
                new Yield(System.nanoTime() + YIELD.toNanos(), store.riskCursor(recipient)));
          }
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
        // Gathering pays under load only: after a round with nothing to do, a commit starts a step
        // at once.
        lastRound = worked ? System.nanoTime() : System.nanoTime() - GATHER.toNanos();
        await();
      }
    }
  }

  /**
   * Whether the recipient is left to another instance this round: while its {@link #YIELD} lasts,
   * and again for as long as that instance keeps moving the cursor. Meanwhile the stored cursor is
   * followed, for the readers waiting here.
   */
  private boolean leftToAnother(String recipient) {
    Yield yield = yielded.get(recipient);
    if (yield == null) {
      return false;
    }
    long cursor = store.riskCursor(recipient);
    advanced(recipient, cursor);
    if (System.nanoTime() - yield.until() < 0) {
      return true;
    }
    if (cursor > yield.cursor()) {
      yielded.put(recipient, new Yield(System.nanoTime() + YIELD.toNanos(), cursor));
      return true;
    }
    // It stopped (or has nothing to assess): this instance takes the recipient again.
    yielded.remove(recipient);
    return false;
  }

  /** Writes every recipient's pending state; a failure is left for the next checkpoint. */
  private void checkpointAll() {
    for (String recipient : recipients) {
      try {
        checkpoint(recipient);
      } catch (RuntimeException e) {
        LOG.warn(
            "the risk assessor could not write {}'s risk state ({}); writes it later",
            recipient,
            e.getClass().getName());
      }
    }
  }

  private void await() {
    try {
      // Without a wake, a step every GATHER still finds what another instance committed.
      wake.tryAcquire(GATHER.toMillis(), TimeUnit.MILLISECONDS);
      wake.drainPermits();
      long gather = GATHER.toNanos() - (System.nanoTime() - lastRound);
      if (gather > 0) {
        hurry.tryAcquire(gather, TimeUnit.NANOSECONDS);
      }
      hurry.drainPermits();
    } catch (InterruptedException e) {
      closed = true;
    }
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
    hurry.release();
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
    if (running == null || !running.isAlive()) {
      // A restart then rebuilds nothing.
      checkpointAll();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
