package org.parcelgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.parcelgate.auth.CaffeineReplayGuard;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.privacy.RecipientPolicies;
import org.parcelgate.store.CommitListener;
import org.parcelgate.tls.TlsRejection;
import org.parcelgate.workers.WorkerKind;
import org.parcelgate.workers.WorkerPool;

/**
 * The gateway's own meters. Names are namespaced constants; every tag value comes from an enum, so
 * cardinality is bounded whatever clients send.
 */
public final class GatewayMetrics {
  public static final String REQUESTS = "parcelgate.requests";
  public static final String REQUEST_DURATION = "parcelgate.request.duration";
  public static final String REQUESTS_IN_FLIGHT = "parcelgate.requests.in_flight";
  public static final String TLS_REJECTED = "parcelgate.tls.rejected";
  public static final String REGISTRY_RELOADS = "parcelgate.registry.reloads";
  public static final String BATCHES = "parcelgate.batches";
  public static final String RECORDS = "parcelgate.records";
  public static final String MINIMIZED_VALUES = "parcelgate.minimization.values";
  public static final String FREE_TEXT_MASKED = "parcelgate.minimization.free_text_masked";
  public static final String DELIVERY_ATTEMPTS = "parcelgate.delivery.attempts";
  public static final String DELIVERY_RECORDS = "parcelgate.delivery.records";
  public static final String DELIVERY_BACKLOG = "parcelgate.delivery.backlog";
  public static final String DELIVERY_DEAD_LETTERS = "parcelgate.delivery.dead_letters";
  public static final String DELIVERY_CIRCUIT_OPEN = "parcelgate.delivery.circuit_open";
  public static final String DELIVERY_LEASES = "parcelgate.delivery.leases";
  public static final String REPLAY_CACHE_SIZE = "parcelgate.replay.cache.size";
  public static final String REPLAY_PREMATURE_EVICTIONS = "parcelgate.replay.premature_evictions";
  public static final String STORE_UNAVAILABLE = "parcelgate.store.unavailable";
  public static final String BODY_MEMORY_IN_USE = "parcelgate.body.memory.in_use";
  public static final String BODY_MEMORY_BUDGET = "parcelgate.body.memory.budget";

  public static final String STORE_FOLLOWER_LAG = "parcelgate.store.follower.lag";
  public static final String STORE_WRITES_PER_COMMIT = "parcelgate.store.writes.per.commit";
  public static final String STORE_ORDER_HELD = "parcelgate.store.order.held";
  public static final String THREADS_BLOCKED = "parcelgate.threads.blocked";
  public static final String WORKERS_REFUSED = "parcelgate.workers.refused";
  public static final String WORKERS_PENDING = "parcelgate.workers.pending";
  public static final String WORKERS_CAPACITY = "parcelgate.workers.capacity";

  public static final String OUTCOME_ACCEPTED = "accepted";
  public static final String OUTCOME_REJECTED = "rejected";
  private static final String NO_REASON = "none";

  private final MeterRegistry registry;
  private final Map<ProblemCode, Counter> rejected = new EnumMap<>(ProblemCode.class);
  private final Counter accepted;
  private final Map<TlsRejection, Counter> tlsRejected = new EnumMap<>(TlsRejection.class);
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final DistributionSummary writesPerCommit;
  private final Timer orderHeld;
  private final Map<WorkerKind, Counter> workersRefused = new EnumMap<>(WorkerKind.class);

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.accepted = requests(OUTCOME_ACCEPTED, NO_REASON);
    this.writesPerCommit =
        DistributionSummary.builder(STORE_WRITES_PER_COMMIT)
            .description(
                "Writes (batches, token ids, ...) made durable by one commit of the store: one fsync")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
            .register(registry);
    this.orderHeld =
        Timer.builder(STORE_ORDER_HELD)
            .description(
                "How long each commit that took feed or log positions held their order: on"
                    + " PostgreSQL, the lock for appends that all instances share")
            .register(registry);
    Gauge.builder(REQUESTS_IN_FLIGHT, inFlight, AtomicInteger::get)
        .description("Partner requests received and not yet answered")
        .register(registry);
    for (ProblemCode code : ProblemCode.values()) {
      rejected.put(code, requests(OUTCOME_REJECTED, code.code()));
    }
    for (WorkerKind kind : WorkerKind.values()) {
      workersRefused.put(
          kind,
          Counter.builder(WORKERS_REFUSED)
              .description("Work refused because its worker pool and queue were full (503)")
              .tag("pool", kind.wireName())
              .register(registry));
    }
    for (TlsRejection reason : TlsRejection.values()) {
      tlsRejected.put(
          reason,
          Counter.builder(TLS_REJECTED)
              .description("Client certificates refused during the TLS handshake, by reason")
              .tag("reason", reason.tag())
              .register(registry));
    }
  }

  private Counter requests(String outcome, String reason) {
    return Counter.builder(REQUESTS)
        .description("Partner requests answered, by outcome and refusal code")
        .tag("outcome", outcome)
        .tag("reason", reason)
        .register(registry);
  }

  /** Vert.x found a thread blocked past its limit: an event loop, or a worker thread. */
  public void threadBlocked(boolean eventLoop) {
    Counter.builder(THREADS_BLOCKED)
        .description("Blocked-thread warnings: event loops or workers held past their limit")
        .tag("thread", eventLoop ? "event-loop" : "worker")
        .register(registry)
        .increment();
  }

  /** Blocked-thread warnings so far, of both kinds. */
  public double threadsBlocked() {
    return registry.find(THREADS_BLOCKED).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** What the store tells of its commits: writes per commit, how long the order was held. */
  public CommitListener storeCommits() {
    return new CommitListener() {
      @Override
      public void committed(int writes) {
        writesPerCommit.record(writes);
      }

      @Override
      public void heldOrder(long nanos) {
        orderHeld.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    };
  }

  /** One submission refused by a full worker pool. */
  public void workerRefused(WorkerKind kind) {
    workersRefused.get(kind).increment();
  }

  /** Each pool's work in hand (running and waiting) and the most it holds. */
  public void workers(Collection<WorkerPool> pools) {
    for (WorkerPool pool : pools) {
      Gauge.builder(WORKERS_PENDING, pool, WorkerPool::pending)
          .description("Work submitted to a worker pool and not finished: running or queued")
          .tag("pool", pool.kind().wireName())
          .register(registry);
      Gauge.builder(WORKERS_CAPACITY, pool, WorkerPool::capacity)
          .description("The most work a worker pool holds: its threads plus its queue")
          .tag("pool", pool.kind().wireName())
          .register(registry);
    }
  }

  /**
   * A partner request arrived; it is counted in flight until {@link #request} records its answer.
   */
  public void requestStarted() {
    inFlight.incrementAndGet();
  }

  /** Records one answered partner request; {@code refusal} is null when it was accepted. */
  public void request(ProblemCode refusal, Duration duration) {
    inFlight.decrementAndGet();
    (refusal == null ? accepted : rejected.get(refusal)).increment();
    String outcome = refusal == null ? OUTCOME_ACCEPTED : OUTCOME_REJECTED;
    durations
        .computeIfAbsent(
            outcome,
            key ->
                Timer.builder(REQUEST_DURATION)
                    .description(
                        "Partner request latency, from the first handler to the end of the response")
                    .tag("outcome", key)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(duration);
  }

  /**
   * Exposes the replay guard's size and its early evictions (non-zero means the bound is too
   * small).
   */
  public void replayGuard(CaffeineReplayGuard guard) {
    Gauge.builder(REPLAY_CACHE_SIZE, guard, CaffeineReplayGuard::size)
        .description("Token ids remembered against replay")
        .register(registry);
    FunctionCounter.builder(
            REPLAY_PREMATURE_EVICTIONS, guard, CaffeineReplayGuard::prematureEvictions)
        .description("Token ids evicted for size before their token expired")
        .register(registry);
  }

  /**
   * The body memory budget: its size, and the bytes reserved now by requests whose bodies are being
   * read or held (zero when no request is in flight).
   */
  public void bodyMemory(LongSupplier inUse, long budget) {
    Gauge.builder(BODY_MEMORY_IN_USE, () -> inUse.getAsLong())
        .description("Bytes of the request body memory budget reserved by requests in flight")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder(BODY_MEMORY_BUDGET, () -> budget)
        .description("Bytes of request bodies the gateway holds in memory at once, at most")
        .baseUnit("bytes")
        .register(registry);
  }

  public void tlsRejected(TlsRejection reason) {
    tlsRejected.get(reason).increment();
  }

  /**
   * A batch was answered: a new one (202) or a repeat of an earlier body (200), and its records'
   * fates.
   */
  public void batch(boolean repeated, int accepted, int unchanged, int rejected) {
    registry.counter(BATCHES, "outcome", repeated ? "repeated" : "stored").increment();
    if (!repeated) {
      registry.counter(RECORDS, "outcome", "accepted").increment(accepted);
      registry.counter(RECORDS, "outcome", "unchanged").increment(unchanged);
      registry.counter(RECORDS, "outcome", "rejected").increment(rejected);
    }
  }

  /**
   * What one batch's minimization did for one recipient. Tags: the recipient (configured ids only),
   * the action and the kind of free-text find (enums).
   */
  public void minimized(RecipientPolicies.Summary summary) {
    summary
        .values()
        .forEach(
            (action, values) ->
                registry
                    .counter(
                        MINIMIZED_VALUES,
                        "recipient",
                        summary.recipient(),
                        "action",
                        action.wireName())
                    .increment(values));
    summary
        .freeText()
        .forEach(
            (kind, found) ->
                registry
                    .counter(
                        FREE_TEXT_MASKED,
                        "recipient",
                        summary.recipient(),
                        "kind",
                        kind.name().toLowerCase(java.util.Locale.ROOT))
                    .increment(found));
  }

  /**
   * One push attempt to a recipient (a configured id) ended: {@code delivered}, {@code refused}
   * (4xx, dead-lettered) or {@code failed} (retried).
   */
  public void deliveryAttempt(String recipient, String result) {
    registry.counter(DELIVERY_ATTEMPTS, "recipient", recipient, "result", result).increment();
  }

  /**
   * Pushed records of one feed ({@code price}, {@code seller}) reached an outcome: {@code
   * delivered}, {@code dead_lettered} or {@code redelivered}.
   */
  public void deliveryRecords(String recipient, String feed, String outcome, int records) {
    registry
        .counter(DELIVERY_RECORDS, "recipient", recipient, "feed", feed, "outcome", outcome)
        .increment(records);
  }

  /** Records of a recipient's feed not yet pushed, as the pusher last saw them. */
  public void deliveryBacklog(
      String recipient, String feed, java.util.concurrent.atomic.AtomicLong pending) {
    Gauge.builder(DELIVERY_BACKLOG, pending, java.util.concurrent.atomic.AtomicLong::get)
        .description("Records of a recipient's feed not yet pushed")
        .strongReference(true)
        .tag("recipient", recipient)
        .tag("feed", feed)
        .register(registry);
  }

  /** Dead letters of a recipient waiting for an operator. */
  public void deadLetters(String recipient, java.util.concurrent.atomic.AtomicLong dead) {
    Gauge.builder(DELIVERY_DEAD_LETTERS, dead, java.util.concurrent.atomic.AtomicLong::get)
        .description("Records a push could not deliver, waiting for an operator's re-drive")
        .strongReference(true)
        .tag("recipient", recipient)
        .register(registry);
  }

  /** 1 while a recipient's circuit breaker is open. */
  public void deliveryCircuit(String recipient, java.util.function.BooleanSupplier open) {
    Gauge.builder(DELIVERY_CIRCUIT_OPEN, open, o -> o.getAsBoolean() ? 1 : 0)
        .description("1 while pushes to the recipient are suspended by its circuit breaker")
        .strongReference(true)
        .tag("recipient", recipient)
        .register(registry);
  }

  /**
   * Push streams this instance holds the lease of, and so pushes: across instances on one database
   * the sum is the number of pushed streams once every lease is taken.
   */
  public void deliveryLeases(java.util.function.IntSupplier held) {
    Gauge.builder(DELIVERY_LEASES, held, h -> h.getAsInt())
        .description("Push streams whose lease this instance holds")
        .strongReference(true)
        .register(registry);
  }

  /** 1 while the store cannot write (writes are refused with 503 store_unavailable). */
  public void storeUnavailable(java.util.function.BooleanSupplier unavailable) {
    Gauge.builder(STORE_UNAVAILABLE, unavailable, u -> u.getAsBoolean() ? 1 : 0)
        .description("1 while the store cannot write and requests get 503 store_unavailable")
        .strongReference(true)
        .register(registry);
  }

  /**
   * Price records committed and not yet applied by the store's follower. Read at scrape time, on
   * the scrape's worker (a store read); NaN while the store cannot answer.
   */
  public void followerLag(java.util.function.LongSupplier lag) {
    Gauge.builder(
            STORE_FOLLOWER_LAG,
            lag,
            l -> {
              try {
                return l.getAsLong();
              } catch (RuntimeException e) {
                return Double.NaN;
              }
            })
        .description("Price records committed that the store's follower has not applied yet")
        .strongReference(true)
        .register(registry);
  }

  public void registryReload(boolean success) {
    registry.counter(REGISTRY_RELOADS, "result", success ? "success" : "failure").increment();
  }

  public MeterRegistry registry() {
    return registry;
  }
}
