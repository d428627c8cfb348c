package org.parcelgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.parcelgate.auth.CaffeineReplayGuard;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.privacy.RecipientPolicies;
import org.parcelgate.risk.Finding;
import org.parcelgate.risk.Flag;
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
  public static final String WITNESS_SUBMISSIONS = "parcelgate.witness.submissions";
  public static final String RETENTION_PURGED = "parcelgate.retention.purged";
  public static final String RETENTION_UNDELIVERED = "parcelgate.retention.undelivered";
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
  public static final String RISK_ASSESSED = "parcelgate.risk.assessed.records";
  public static final String RISK_FINDINGS = "parcelgate.risk.findings";
  public static final String RISK_LAG = "parcelgate.risk.lag.records";
  public static final String RISK_SPLIT_GROUPS = "parcelgate.risk.split.groups";
  public static final String RISK_REPLAYED = "parcelgate.risk.replayed.records";
  public static final String RISK_CHECKPOINT_VALUES = "parcelgate.risk.checkpoint.values";
  public static final String RISK_READ_BACK = "parcelgate.risk.read.back.records";
  public static final String STORE_WRITES_PER_COMMIT = "parcelgate.store.writes.per.commit";
  public static final String STORE_ORDER_HELD = "parcelgate.store.order.held";
  public static final String THREADS_BLOCKED = "parcelgate.threads.blocked";
  public static final String WORKERS_REFUSED = "parcelgate.workers.refused";
  public static final String WORKERS_PENDING = "parcelgate.workers.pending";
  public static final String WORKERS_CAPACITY = "parcelgate.workers.capacity";

  public static final String BUILD_INFO = "parcelgate.build.info";
  public static final String SERVER_CERTIFICATE_EXPIRY = "parcelgate.tls.server.certificate.expiry";
  public static final String PARTNER_CERTIFICATE_EXPIRY =
      "parcelgate.tls.partner.certificate.expiry";
  public static final String CRL_NEXT_UPDATE = "parcelgate.tls.crl.next.update";
  public static final String PARTNER_REQUESTS = "parcelgate.partner.requests";
  public static final String PARTNER_RECORDS = "parcelgate.partner.records";

  /** The partner tag of a request whose client certificate is not a registered partner's. */
  public static final String UNREGISTERED = "unregistered";

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
  private final Clock clock;
  private final PartnerMeters partners;
  private final MultiGauge crlNextUpdate;
  private final Counter riskAssessed;
  private final Counter riskReplayed;
  private final DistributionSummary riskCheckpoints;
  private final Counter riskReadBack;
  private final Map<Flag, Counter> riskFindings = new EnumMap<>(Flag.class);

  public GatewayMetrics(MeterRegistry registry) {
    this(registry, Clock.systemUTC(), BuildInfo.current());
  }

  /**
   * @param clock what the expiry gauges count from
   * @param build what {@code parcelgate_build_info} reports
   */
  public GatewayMetrics(MeterRegistry registry, Clock clock, BuildInfo build) {
    this.registry = registry;
    this.clock = clock;
    this.partners = new PartnerMeters(registry, clock);
    this.crlNextUpdate =
        MultiGauge.builder(CRL_NEXT_UPDATE)
            .description(
                "Seconds until the nextUpdate of each CRL in force, by issuer; negative once past"
                    + " (a stale CRL refuses its issuer's certificates)")
            .baseUnit("seconds")
            .register(registry);
    Gauge.builder(BUILD_INFO, () -> 1)
        .description("Always 1; the tags tell the gateway's version, git commit and Java version")
        .tag("version", build.version())
        .tag("commit", build.commit())
        .tag("java", build.java())
        .register(registry);
    for (String outcome : List.of(OUTCOME_ACCEPTED, "unchanged", OUTCOME_REJECTED)) {
      records(outcome);
    }
    for (String outcome : List.of("stored", "repeated")) {
      batches(outcome);
    }
    registryReloads(true);
    registryReloads(false);
    this.riskAssessed =
        Counter.builder(RISK_ASSESSED)
            .description("Price records the risk assessor assessed (with or without findings)")
            .register(registry);
    this.riskReplayed =
        Counter.builder(RISK_REPLAYED)
            .description(
                "Price records the risk assessor judged again to rebuild its state after the last"
                    + " checkpoint")
            .register(registry);
    this.riskCheckpoints =
        DistributionSummary.builder(RISK_CHECKPOINT_VALUES)
            .description("State values each checkpoint of the risk assessor wrote")
            .register(registry);
    this.riskReadBack =
        Counter.builder(RISK_READ_BACK)
            .description(
                "Minimized records the risk assessor read back from the store, not handed over by"
                    + " the ingest")
            .register(registry);
    for (Flag flag : Flag.values()) {
      riskFindings.put(
          flag,
          Counter.builder(RISK_FINDINGS)
              .description("Risk findings on assessed price records, by flag")
              .tag("flag", flag.wireName())
              .register(registry));
    }
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

  /**
   * Records one answered request that no partner could be named for (refused before its certificate
   * was looked up); {@code refusal} is null when it was accepted.
   */
  public void request(ProblemCode refusal, Duration duration) {
    request(refusal, duration, null);
  }

  /**
   * Records one answered partner request; {@code refusal} is null when it was accepted, {@code
   * partner} null when no registered partner was recognised.
   */
  public void request(ProblemCode refusal, Duration duration, String partner) {
    inFlight.decrementAndGet();
    (refusal == null ? accepted : rejected.get(refusal)).increment();
    String outcome = refusal == null ? OUTCOME_ACCEPTED : OUTCOME_REJECTED;
    partners.request(partner, outcome);
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
  public void batch(String partner, boolean repeated, int accepted, int unchanged, int rejected) {
    batches(repeated ? "repeated" : "stored").increment();
    if (!repeated) {
      records(OUTCOME_ACCEPTED).increment(accepted);
      records("unchanged").increment(unchanged);
      records(OUTCOME_REJECTED).increment(rejected);
      partners.records(partner, accepted, unchanged, rejected);
    }
  }

  private Counter batches(String outcome) {
    return Counter.builder(BATCHES)
        .description(
            "Batches answered: new ones (202) and repeats of a body already received (200)")
        .tag("outcome", outcome)
        .register(registry);
  }

  private Counter records(String outcome) {
    return Counter.builder(RECORDS)
        .description("Records of new batches, by fate")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * The partner registry in force changed (at start and on every reload): per-partner meters are
   * kept for exactly its partners, plus {@value #UNREGISTERED}, and certificate expiries for
   * exactly its certificates.
   *
   * @param registered each partner's id and the thumbprints of its registered certificates
   */
  public void partners(Map<String, Set<String>> registered) {
    partners.registered(registered);
  }

  /** Whether the expiry of the registered certificate with this thumbprint is already shown. */
  public boolean knowsCertificate(String thumbprint) {
    return partners.knowsCertificate(thumbprint);
  }

  /**
   * A registered partner's request came with this client certificate: its expiry counts for the
   * partner's gauge while the certificate stays in the registry.
   */
  public void partnerCertificate(String partner, String thumbprint, X509Certificate certificate) {
    partners.certificate(partner, thumbprint, certificate.getNotAfter().toInstant());
  }

  /** The partner port's own certificate: seconds until it expires. */
  public void serverCertificate(X509Certificate certificate) {
    Instant notAfter = certificate.getNotAfter().toInstant();
    Gauge.builder(SERVER_CERTIFICATE_EXPIRY, () -> secondsUntil(notAfter))
        .description(
            "Seconds until the partner port's server certificate expires; negative once expired")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
  }

  /**
   * The CRLs in force changed (at start and on every reload): one row per issuer, seconds until its
   * nextUpdate. A CRL without a nextUpdate has no row.
   */
  public void crls(Collection<X509CRL> crls) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (X509CRL crl : crls) {
      if (crl.getNextUpdate() == null) {
        continue;
      }
      Instant nextUpdate = crl.getNextUpdate().toInstant();
      rows.add(
          MultiGauge.Row.of(
              Tags.of("issuer", crl.getIssuerX500Principal().getName()),
              () -> secondsUntil(nextUpdate)));
    }
    crlNextUpdate.register(rows, true);
  }

  private double secondsUntil(Instant instant) {
    return Duration.between(clock.instant(), instant).toMillis() / 1000.0;
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
                Counter.builder(MINIMIZED_VALUES)
                    .description(
                        "Field values of accepted records, by recipient and what its policy did")
                    .tag("recipient", summary.recipient())
                    .tag("action", action.wireName())
                    .register(registry)
                    .increment(values));
    summary
        .freeText()
        .forEach(
            (kind, found) ->
                Counter.builder(FREE_TEXT_MASKED)
                    .description(
                        "Personal data found and masked in free text, by recipient and kind")
                    .tag("recipient", summary.recipient())
                    .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry)
                    .increment(found));
  }

  /**
   * Registers the witness submission counters of every configured witness at zero, so a refusal
   * shows as an increase from the start.
   */
  public void witnesses(Collection<String> logs, Collection<String> witnesses) {
    for (String log : logs) {
      for (String witness : witnesses) {
        for (String result : List.of("cosigned", "refused", "unreachable")) {
          witnessCounter(log, witness, result);
        }
      }
    }
  }

  /**
   * One submission of a log's checkpoint to a witness (a configured name) ended: {@code cosigned},
   * {@code refused} (the witness said no: a fork or rollback it saw, or a log it does not witness)
   * or {@code unreachable}.
   */
  public void witnessSubmission(String log, String witness, String result) {
    witnessCounter(log, witness, result).increment();
  }

  private Counter witnessCounter(String log, String witness, String result) {
    return Counter.builder(WITNESS_SUBMISSIONS)
        .description(
            "Checkpoint submissions to a witness, by result: cosigned, refused, unreachable")
        .tag("log", log)
        .tag("witness", witness)
        .tag("result", result)
        .register(registry);
  }

  /**
   * The retention purged {@code count} of a recipient's {@code what} ({@code records} or {@code
   * sellers}), {@code undelivered} of them dead letters that were never delivered.
   */
  public void retentionPurged(String recipient, String what, int count, int undelivered) {
    Counter.builder(RETENTION_PURGED)
        .description("Records and sellers purged by retention, by recipient")
        .tag("recipient", recipient)
        .tag("what", what)
        .register(registry)
        .increment(count);
    Counter.builder(RETENTION_UNDELIVERED)
        .description("Records and sellers purged by retention that were never delivered")
        .tag("recipient", recipient)
        .tag("what", what)
        .register(registry)
        .increment(undelivered);
  }

  /**
   * One push attempt to a recipient (a configured id) ended: {@code delivered}, {@code refused}
   * (4xx, dead-lettered) or {@code failed} (retried).
   */
  public void deliveryAttempt(String recipient, String result) {
    Counter.builder(DELIVERY_ATTEMPTS)
        .description("Push deliveries to a recipient, by result: delivered, refused or failed")
        .tag("recipient", recipient)
        .tag("result", result)
        .register(registry)
        .increment();
  }

  /**
   * Pushed records of one feed ({@code price}, {@code seller}) reached an outcome: {@code
   * delivered}, {@code dead_lettered} or {@code redelivered}.
   */
  public void deliveryRecords(String recipient, String feed, String outcome, int records) {
    Counter.builder(DELIVERY_RECORDS)
        .description("Pushed records of a recipient's feed, by outcome")
        .tag("recipient", recipient)
        .tag("feed", feed)
        .tag("outcome", outcome)
        .register(registry)
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
   * What the risk assessor assessed: records, and findings per flag (tags from the flag
   * vocabulary). For {@code RiskAssessor.Listener}: called on the assessor's thread after a commit.
   */
  public void riskAssessed(int records, List<Finding> findings) {
    riskAssessed.increment(records);
    for (Finding finding : findings) {
      riskFindings.get(finding.flag()).increment();
    }
  }

  /** For {@code RiskAssessor.Listener}: a rebuild judged these records again. */
  public void riskReplayed(int records) {
    riskReplayed.increment(records);
  }

  /** For {@code RiskAssessor.Listener}: a checkpoint wrote this many state values. */
  public void riskCheckpointed(int values) {
    riskCheckpoints.record(values);
  }

  /** For {@code RiskAssessor.Listener}: these minimized records were read back from the store. */
  public void riskReadBack(int records) {
    riskReadBack.increment(records);
  }

  /**
   * Price records committed and not yet assessed by the risk assessor (which holds them back from
   * the feeds). Read at scrape time (store reads); NaN while the store cannot answer.
   */
  public void riskLag(java.util.function.LongSupplier lag) {
    Gauge.builder(
            RISK_LAG,
            lag,
            l -> {
              try {
                return l.getAsLong();
              } catch (RuntimeException e) {
                return Double.NaN;
              }
            })
        .description("Price records committed that the risk assessor has not assessed yet")
        .strongReference(true)
        .register(registry);
  }

  /**
   * Live split groups the gateway indexes in memory (docs/storage.md, "The split log"): its memory
   * grows with them. Read at scrape time, no store read.
   */
  public void riskSplitGroups(java.util.function.LongSupplier groups) {
    Gauge.builder(RISK_SPLIT_GROUPS, groups, l -> (double) l.getAsLong())
        .description("Live split groups the gateway indexes in memory, over every recipient")
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
    registryReloads(success).increment();
  }

  private Counter registryReloads(boolean success) {
    return Counter.builder(REGISTRY_RELOADS)
        .description(
            "Partner registry loads, including the one at start; a refused content counts once")
        .tag("result", success ? "success" : "failure")
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }
}
