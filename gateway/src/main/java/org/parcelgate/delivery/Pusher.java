package org.parcelgate.delivery;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.parcelgate.metrics.GatewayMetrics;
import org.parcelgate.protocol.Digests;
import org.parcelgate.protocol.RetryPolicy;
import org.parcelgate.store.DeadLetter;
import org.parcelgate.store.DeliveryState;
import org.parcelgate.store.DeliveryStore;
import org.parcelgate.store.FeedKind;
import org.parcelgate.store.FeedQuery;
import org.parcelgate.store.StoreUnavailableException;
import org.parcelgate.workers.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes each recipient's records to its endpoint, from the durable outbox that its feeds are: the
 * records after the stream's delivered position, which the ingest wrote in the batch's own
 * transaction. Nothing is lost when the gateway stops or the receiver is down; the next attempt
 * starts where the receiver's last acknowledgement left off.
 *
 * <p>Per recipient, one delivery is in flight at a time, price records before seller records, in
 * feed order. Before a delivery is sent its last position is stored, so a retry (also after a
 * restart) sends exactly the same positions under the same idempotency key. A failed attempt (no
 * answer, a timeout, 408, 425, 429 or 5xx) is retried after an exponential backoff with full
 * jitter; consecutive failures open the recipient's circuit breaker. A refusal (any other 4xx)
 * dead-letters the delivery's records, and so does a record older than the record time-to-live; the
 * stream goes on after them. An operator re-drives dead letters; they are sent before the streams,
 * as deliveries of their own.
 *
 * <p>Several instances on one database share the streams: each recipient's price and seller stream
 * is pushed only by the instance that holds its lease ({@link StreamLeases}), and an instance that
 * dies stops renewing, so another takes the stream over once the lease expired. The new holder
 * resumes from the stored state, so a delivery that was in flight is sent again with the same
 * positions under the same key (the key names the gateway id, which the instances share, not the
 * instance). An instance that cannot renew a lease stops pushing the stream before the lease could
 * expire, and stores an attempt's outcome only after renewing it.
 *
 * <p>Database work runs on worker threads; the timers and the HTTP exchange on the event loop.
 */
public final class Pusher {
  private static final Logger LOG = LoggerFactory.getLogger(Pusher.class);

  /** The push settings the pusher needs, from the gateway's configuration. */
  public record Settings(
      Map<String, URI> endpoints,
      int batchSize,
      Duration pollInterval,
      RetryPolicy retry,
      Duration recordTtl,
      int circuitFailures,
      Duration circuitOpen,
      Duration lease) {}

  /** A recipient's push, as the operator API shows it. */
  public record Status(
      String recipient,
      URI endpoint,
      CircuitBreaker.State circuit,
      int consecutiveFailures,
      List<DeliveryState> streams,
      Map<FeedKind, Long> backlog) {}

  private final Vertx vertx;
  private final WorkerPool workers;
  private final DeliveryStore store;
  private final Feeds feeds;
  private final PushClient client;
  private final Settings settings;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final RandomGenerator random;
  private final String gatewayId;
  private final Map<String, RecipientPush> recipients = new LinkedHashMap<>();
  private final StreamLeases leases;
  private volatile boolean stopped;
  private Context context;
  private long renewTimer = -1;
  private boolean renewing;

  public Pusher(
      Vertx vertx,
      WorkerPool workers,
      DeliveryStore store,
      Feeds feeds,
      PushClient client,
      Settings settings,
      GatewayMetrics metrics,
      Clock clock,
      RandomGenerator random,
      String gatewayId,
      String leaseHolder) {
    this.vertx = vertx;
    this.workers = workers;
    this.store = store;
    this.feeds = feeds;
    this.client = client;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.random = random;
    this.gatewayId = gatewayId;
    this.leases = new StreamLeases(store, leaseHolder, settings.lease(), clock);
    metrics.deliveryLeases(leases::count);
    settings
        .endpoints()
        .forEach(
            (recipient, endpoint) -> {
              if (feeds.recipient(recipient).isEmpty()) {
                throw new IllegalArgumentException("recipient " + recipient + " has no feed");
              }
              recipients.put(recipient, new RecipientPush(recipient, endpoint));
            });
  }

  /**
   * Starts every recipient's push, on a context of its own: its timers, attempts and state changes
   * all run there, one at a time.
   */
  public void start() {
    context = vertx.getOrCreateContext();
    context.runOnContext(
        ignored -> {
          recipients.values().forEach(push -> push.schedule(Duration.ZERO));
          renewTimer =
              vertx.setPeriodic(
                  Math.max(1, leases.renewEvery().toMillis()), id -> renewHeldLeases());
        });
  }

  /**
   * Renews the leases this instance holds, so a stream keeps its holder while its push waits (a
   * backoff, an open circuit, an idle poll). A lease lost here is noticed by the next attempt.
   */
  private void renewHeldLeases() {
    if (renewing || stopped) {
      return;
    }
    renewing = true;
    workers
        .submit(
            () -> {
              for (StreamLeases.Stream stream : leases.held()) {
                leases.renew(stream.recipient(), stream.kind());
              }
              return null;
            })
        .onComplete(
            done -> {
              renewing = false;
              if (done.failed()) {
                LOG.debug("renewing push leases failed: {}", done.cause().toString());
              }
            });
  }

  /**
   * Stops scheduling; completes when the deliveries in flight have settled and the client is
   * closed.
   */
  public Future<Void> stop() {
    stopped = true;
    if (context == null) {
      client.close();
      return Future.succeededFuture();
    }
    Promise<Void> settled = Promise.promise();
    context.runOnContext(
        ignored -> {
          List<Future<?>> inFlight = new ArrayList<>();
          if (renewTimer >= 0) {
            vertx.cancelTimer(renewTimer);
          }
          for (RecipientPush push : recipients.values()) {
            if (push.timer >= 0) {
              vertx.cancelTimer(push.timer);
            }
            if (push.current != null) {
              inFlight.add(push.current);
            }
          }
          // Settled: give the leases up, so another instance takes the streams over at once.
          Future.join(inFlight)
              .<Void>mapEmpty()
              .otherwiseEmpty()
              .compose(
                  settledAll ->
                      workers
                          .submit(
                              () -> {
                                leases.releaseAll();
                                return null;
                              })
                          .<Void>mapEmpty()
                          .otherwise(
                              failure -> {
                                LOG.warn(
                                    "push leases not released, they expire: {}",
                                    failure.toString());
                                return null;
                              }))
              .onComplete(
                  done -> {
                    client.close();
                    settled.complete();
                  });
        });
    return settled.future();
  }

  /**
   * The holder id of an instance's push stream leases. On a database that instances share, the
   * gateway id (which names the deliveries and is the same on every instance) and a suffix drawn
   * per process, so no instance, nor a restarted one, mistakes another's lease for its own. On the
   * embedded store, which one process uses, the gateway id alone: a process restarted after a crash
   * renews its predecessor's leases at once instead of waiting for them to expire.
   */
  public static String leaseHolder(String gatewayId, boolean sharedStore, RandomGenerator random) {
    return sharedStore
        ? gatewayId + ":" + java.util.HexFormat.of().toHexDigits(random.nextLong())
        : gatewayId;
  }

  /** Whether records of this recipient are pushed. */
  public boolean pushes(String recipient) {
    return recipients.containsKey(recipient);
  }

  /**
   * Every pushed recipient's state: the circuits as the pusher's context sees them, the streams
   * read from the store on a worker.
   */
  public Future<List<Status>> status() {
    Promise<Map<String, CircuitBreaker>> circuits = Promise.promise();
    Runnable snapshot =
        () -> {
          Map<String, CircuitBreaker> copy = new LinkedHashMap<>();
          recipients.forEach((id, push) -> copy.put(id, push.breaker.snapshot()));
          circuits.complete(copy);
        };
    if (context == null) {
      snapshot.run();
    } else {
      context.runOnContext(ignored -> snapshot.run());
    }
    return circuits
        .future()
        .compose(
            breakers ->
                workers.submit(
                    () -> {
                      List<Status> statuses = new ArrayList<>();
                      for (RecipientPush push : recipients.values()) {
                        List<DeliveryState> streams = new ArrayList<>();
                        Map<FeedKind, Long> backlog = new LinkedHashMap<>();
                        for (FeedKind kind : FeedKind.values()) {
                          DeliveryState state = store.deliveryState(push.recipient, kind);
                          streams.add(state);
                          backlog.put(
                              kind, store.recordsAfter(push.recipient, kind, state.deliveredSeq()));
                        }
                        CircuitBreaker breaker = breakers.get(push.recipient);
                        statuses.add(
                            new Status(
                                push.recipient,
                                push.endpoint,
                                breaker.state(),
                                breaker.failures(),
                                streams,
                                backlog));
                      }
                      return statuses;
                    }));
  }

  /**
   * Marks dead letters of a recipient for delivery again and wakes its push.
   *
   * @param kind null for both feeds
   * @param positions the dead letters to re-drive; empty for every dead letter (of {@code kind})
   * @return how many were marked
   */
  public Future<Integer> redrive(String recipient, FeedKind kind, List<Long> positions) {
    RecipientPush push = recipients.get(recipient);
    if (push == null) {
      return Future.failedFuture(new IllegalArgumentException("no push for this recipient"));
    }
    return workers
        .submit(
            () -> {
              int moved = 0;
              for (FeedKind feed : FeedKind.values()) {
                if (kind != null && kind != feed) {
                  continue;
                }
                moved +=
                    positions.isEmpty()
                        ? store.moveAllDeadLetters(
                            recipient, feed, DeadLetter.Status.DEAD, DeadLetter.Status.REDRIVE)
                        : store.moveDeadLetters(
                            recipient,
                            feed,
                            positions,
                            DeadLetter.Status.DEAD,
                            DeadLetter.Status.REDRIVE);
              }
              return moved;
            })
        .onSuccess(
            moved -> {
              LOG.info("{} dead letters of recipient {} marked for re-drive", moved, recipient);
              if (context != null) {
                context.runOnContext(ignored -> push.wake());
              }
            });
  }

  /** What a delivery attempt led to. */
  private enum Next {
    /** Nothing to send: wait for the poll interval. */
    IDLE,
    /** The receiver acknowledged, or refused for good: go on at once. */
    AGAIN,
    /** Nothing reached the receiver (every record expired or gone): go on at once. */
    SKIPPED,
    /** The receiver failed or did not answer: back off. */
    RETRY
  }

  /**
   * One delivery: the records' positions, the positions it covers ({@code (from, to]}) and its key.
   */
  private record Delivery(
      FeedKind kind,
      boolean redrive,
      List<Long> positions,
      long from,
      long to,
      int attempts,
      String key,
      byte[] body,
      String bodySha256) {

    /** Nothing to send this time (records expired or gone), but look again at once. */
    static Delivery skipped(FeedKind kind) {
      return new Delivery(kind, false, List.of(), 0, 0, 0, "", null, null);
    }
  }

  private final class RecipientPush {
    final String recipient;
    final URI endpoint;
    final CircuitBreaker breaker;
    final Map<FeedKind, AtomicLong> backlog = new LinkedHashMap<>();
    final AtomicLong dead = new AtomicLong();
    long timer = -1;
    boolean busy;
    int internalFailures;

    /** The feed of the last delivery formed: the other goes first next, so neither starves. */
    FeedKind last = FeedKind.SELLER;

    Future<Next> current;

    RecipientPush(String recipient, URI endpoint) {
      this.recipient = recipient;
      this.endpoint = endpoint;
      this.breaker = new CircuitBreaker(settings.circuitFailures(), settings.circuitOpen(), clock);
      for (FeedKind kind : FeedKind.values()) {
        AtomicLong pending = new AtomicLong();
        backlog.put(kind, pending);
        metrics.deliveryBacklog(recipient, kind.wireName(), pending);
      }
      metrics.deliveryCircuit(recipient, () -> breaker.state() == CircuitBreaker.State.OPEN);
      metrics.deadLetters(recipient, dead);
    }

    void schedule(Duration delay) {
      if (stopped) {
        return;
      }
      timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> run());
    }

    void wake() {
      if (busy || stopped) {
        return;
      }
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      schedule(Duration.ZERO);
    }

    void run() {
      timer = -1;
      if (stopped || busy) {
        return;
      }
      Duration wait = breaker.waitBeforeAttempt();
      if (!wait.isZero()) {
        schedule(wait);
        return;
      }
      busy = true;
      current =
          workers
              .submit(this::prepare)
              .compose(
                  delivery -> {
                    if (delivery == null || stopped) {
                      return Future.succeededFuture(Next.IDLE);
                    }
                    if (delivery.body() == null) {
                      return Future.succeededFuture(Next.SKIPPED);
                    }
                    Duration left = leases.remaining(recipient, delivery.kind());
                    if (left.isZero()) {
                      // The lease ran out while the delivery was formed: another instance may
                      // hold the stream by now, and sends what is in flight itself.
                      return Future.succeededFuture(Next.IDLE);
                    }
                    return client
                        .post(
                            endpoint,
                            recipient,
                            delivery.key(),
                            delivery.body(),
                            delivery.bodySha256(),
                            left)
                        .compose(answer -> workers.submit(() -> settleHeld(delivery, answer)));
                  });
      current.onComplete(
          outcome -> {
            busy = false;
            if (outcome.failed()) {
              // The gateway's own failure (the store, a schema): not the receiver's, so the
              // circuit is left alone; back off on a count of its own.
              internalFailures++;
              if (outcome.cause() instanceof StoreUnavailableException unavailable) {
                // The store logged the cause once; try again when it may write again, not after
                // a backoff that grew during the outage.
                if (internalFailures == 1) {
                  LOG.warn(
                      "push to recipient {} waits for the store: {}",
                      recipient,
                      unavailable.getMessage());
                }
                schedule(unavailable.retryAfter());
                return;
              }
              LOG.warn(
                  "push to recipient {} failed inside the gateway: {}",
                  recipient,
                  outcome.cause().toString());
              schedule(settings.retry().delay(internalFailures, random));
              return;
            }
            internalFailures = 0;
            switch (outcome.result()) {
              case IDLE -> schedule(settings.pollInterval());
              case SKIPPED -> schedule(Duration.ZERO);
              case AGAIN -> {
                breaker.success();
                schedule(Duration.ZERO);
              }
              case RETRY -> {
                breaker.failure();
                schedule(settings.retry().delay(breaker.failures(), random));
              }
            }
          });
    }

    /**
     * Finds the next delivery of a stream whose lease this instance holds, on a worker thread; null
     * when there is nothing to send (or no stream held).
     */
    Delivery prepare() {
      List<FeedKind> held = new ArrayList<>();
      for (FeedKind kind : FeedKind.values()) {
        if (leases.renew(recipient, kind)) {
          held.add(kind);
        }
      }
      refreshBacklog();
      if (held.isEmpty()) {
        return null;
      }
      for (FeedKind kind : held) {
        List<DeadLetter> redrive =
            store.deadLetters(recipient, kind, DeadLetter.Status.REDRIVE, 0, settings.batchSize());
        if (!redrive.isEmpty()) {
          return redrive(redrive);
        }
      }
      DeliveryState[] states = new DeliveryState[FeedKind.values().length];
      for (FeedKind kind : held) {
        states[kind.ordinal()] = store.deliveryState(recipient, kind);
      }
      for (FeedKind kind : order(states)) {
        DeliveryState state = states[kind.ordinal()];
        Delivery delivery = state.inFlightToSeq() == null ? next(kind, state) : again(kind, state);
        if (delivery != null) {
          last = kind;
          return delivery;
        }
      }
      return null;
    }

    /**
     * Of the held streams (those with a state), one with a delivery in flight first; otherwise the
     * stream not served last time.
     */
    private List<FeedKind> order(DeliveryState[] states) {
      List<FeedKind> order = new ArrayList<>();
      for (FeedKind kind : FeedKind.values()) {
        if (states[kind.ordinal()] != null && states[kind.ordinal()].inFlightToSeq() != null) {
          order.add(kind);
        }
      }
      for (FeedKind kind : FeedKind.values()) {
        if (kind != last && !order.contains(kind)) {
          order.add(kind);
        }
      }
      if (!order.contains(last)) {
        order.add(last);
      }
      order.removeIf(kind -> states[kind.ordinal()] == null);
      return order;
    }

    /**
     * Forms a new delivery: the next records after the delivered position; those older than the
     * time-to-live become dead letters now, once. Its last position is stored before it is sent.
     */
    private Delivery next(FeedKind kind, DeliveryState state) {
      Batch batch =
          read(kind, FeedQuery.after(recipient, state.deliveredSeq(), settings.batchSize()));
      if (batch.positions().isEmpty()) {
        return null;
      }
      long to = batch.positions().get(batch.positions().size() - 1);
      DeliveryState inFlight =
          new DeliveryState(recipient, kind, state.deliveredSeq(), to, 0, state.lastError());
      Batch live = expire(kind, inFlight, batch);
      if (live.positions().isEmpty()) {
        store.saveDeliveryState(done(kind, to));
        return Delivery.skipped(kind);
      }
      store.saveDeliveryState(inFlight);
      return delivery(kind, inFlight, live);
    }

    /**
     * The delivery in flight again (a retry, also after a restart): the same positions, less those
     * dead-lettered when it was formed, under the same key. Seller records that changed since have
     * moved to later positions, so a seller delivery may hold fewer records than before. Its
     * records are not expired one by one (the body under a key must not change); once every one of
     * them is older than the time-to-live, the whole delivery becomes dead letters.
     */
    private Delivery again(FeedKind kind, DeliveryState state) {
      long from = state.deliveredSeq();
      long to = state.inFlightToSeq();
      if (kind == FeedKind.PRICE && feeds.assessedSeq(recipient) < to) {
        // Formed while risk assessment was off, and not yet assessed since it was turned on: the
        // delivery waits for the assessor rather than go out smaller under the same key (or be
        // settled without being sent).
        return Delivery.skipped(kind);
      }
      int span = (int) Math.min(Integer.MAX_VALUE, to - from);
      Batch batch = read(kind, FeedQuery.after(recipient, from, span).upTo(to));
      List<Long> dead = new ArrayList<>();
      for (DeadLetter letter : store.deadLetters(recipient, kind, null, from, span)) {
        if (letter.seq() <= to) {
          dead.add(letter.seq());
        }
      }
      Batch live = batch.without(dead);
      if (live.positions().isEmpty()) {
        // Nothing left in flight: sellers that changed since, or records dead-lettered.
        store.saveDeliveryState(done(kind, to));
        return Delivery.skipped(kind);
      }
      if (unexpired(live).positions().isEmpty()) {
        deadLetter(kind, done(kind, to), live.positions(), state.attempts());
        return Delivery.skipped(kind);
      }
      return delivery(kind, state, live);
    }

    private Delivery delivery(FeedKind kind, DeliveryState state, Batch live) {
      long to = state.inFlightToSeq();
      byte[] body = live.body(to);
      return new Delivery(
          kind,
          false,
          live.positions(),
          state.deliveredSeq(),
          to,
          state.attempts(),
          key(kind, (state.deliveredSeq() + 1) + "-" + to),
          body,
          Digests.sha256Base64Url(body));
    }

    private Delivery redrive(List<DeadLetter> letters) {
      FeedKind kind = letters.get(0).kind();
      List<Long> positions = new ArrayList<>();
      long assessed = kind == FeedKind.PRICE ? feeds.assessedSeq(recipient) : Long.MAX_VALUE;
      for (DeadLetter letter : letters) {
        // A price record not yet assessed stays a dead letter to re-drive until it is.
        if (letter.kind() == kind && letter.seq() <= assessed) {
          positions.add(letter.seq());
        }
      }
      if (positions.isEmpty()) {
        return Delivery.skipped(kind);
      }
      List<Feeds.PriceRecord> prices = new ArrayList<>();
      List<Feeds.SellerRecord> sellers = new ArrayList<>();
      List<Long> found = new ArrayList<>();
      for (long position : positions) {
        FeedQuery query = FeedQuery.after(recipient, position - 1, 1).upTo(position);
        if (kind == FeedKind.PRICE) {
          feeds.assessedPrices(query).forEach(record -> prices.add(record));
        } else {
          feeds.sellers(query).forEach(record -> sellers.add(record));
        }
        if (prices.size() + sellers.size() > found.size()) {
          found.add(position);
        }
      }
      List<Long> gone = new ArrayList<>(positions);
      gone.removeAll(found);
      // A seller record that changed since lives at a later position, which its stream delivers.
      store.moveDeadLetters(
          recipient, kind, gone, DeadLetter.Status.REDRIVE, DeadLetter.Status.REDELIVERED);
      if (found.isEmpty()) {
        return Delivery.skipped(kind);
      }
      long last = found.get(found.size() - 1);
      byte[] body = new Batch(recipient, kind, prices, sellers).body(last);
      String key = key(kind, "redrive:" + found.get(0) + "-" + last + ":" + found.size());
      return new Delivery(kind, true, found, 0, last, 0, key, body, Digests.sha256Base64Url(body));
    }

    /**
     * Settles an attempt's answer if this instance still holds the stream, on a worker thread. An
     * instance that lost the lease meanwhile stores nothing: the new holder goes on from the stored
     * state and sends the delivery again under the same key, which the receiver answers as a
     * repeat, so writing over its state could only move the stream back.
     */
    Next settleHeld(Delivery delivery, PushClient.Answer answer) {
      if (!leases.renew(recipient, delivery.kind())) {
        LOG.info(
            "push lease of recipient {} {} lost during delivery {}: its new holder sends it again",
            recipient,
            delivery.kind().wireName(),
            delivery.key());
        return Next.IDLE;
      }
      return settle(delivery, answer);
    }

    /** Settles an attempt's answer, on a worker thread. */
    Next settle(Delivery delivery, PushClient.Answer answer) {
      Instant now = clock.instant();
      String outcome = answer.status() == 0 ? answer.error() : "HTTP " + answer.status();
      if (answer.delivered()) {
        metrics.deliveryAttempt(recipient, "delivered");
        if (delivery.redrive()) {
          store.moveDeadLetters(
              recipient,
              delivery.kind(),
              delivery.positions(),
              DeadLetter.Status.REDRIVE,
              DeadLetter.Status.REDELIVERED);
          metrics.deliveryRecords(
              recipient, delivery.kind().wireName(), "redelivered", delivery.positions().size());
        } else {
          store.saveDeliveryState(done(delivery.kind(), delivery.to()));
          metrics.deliveryRecords(
              recipient, delivery.kind().wireName(), "delivered", delivery.positions().size());
        }
        refreshBacklog();
        return Next.AGAIN;
      }
      if (answer.permanent()) {
        metrics.deliveryAttempt(recipient, "refused");
        LOG.warn(
            "recipient {} refused delivery {} with {}: {} records dead-lettered",
            recipient,
            delivery.key(),
            outcome,
            delivery.positions().size());
        List<DeadLetter> letters = new ArrayList<>();
        for (long position : delivery.positions()) {
          letters.add(
              new DeadLetter(
                  recipient,
                  delivery.kind(),
                  position,
                  DeadLetter.Status.DEAD,
                  "refused",
                  outcome,
                  now,
                  delivery.attempts() + 1));
        }
        DeliveryState state =
            delivery.redrive()
                ? store.deliveryState(recipient, delivery.kind())
                : done(delivery.kind(), delivery.to());
        store.deadLetter(state, letters);
        metrics.deliveryRecords(
            recipient, delivery.kind().wireName(), "dead_lettered", letters.size());
        refreshBacklog();
        return Next.AGAIN;
      }
      metrics.deliveryAttempt(recipient, "failed");
      if (answer.status() >= 400 && answer.status() < 500) {
        // 401, 403, 404, 413 and the like: a configuration to fix on one side; the stream waits.
        LOG.warn(
            "recipient {} answered delivery {} with {}: the stream halts and retries until the"
                + " configuration is fixed",
            recipient,
            delivery.key(),
            outcome);
      }
      LOG.info(
          "delivery {} to recipient {} failed ({}), will retry",
          delivery.key(),
          recipient,
          outcome);
      if (!delivery.redrive()) {
        store.saveDeliveryState(
            new DeliveryState(
                recipient,
                delivery.kind(),
                delivery.from(),
                delivery.to(),
                delivery.attempts() + 1,
                outcome));
      }
      return Next.RETRY;
    }

    /** A delivery's idempotency key: the gateway, the recipient, the feed, then what it holds. */
    private String key(FeedKind kind, String positions) {
      return gatewayId + ":" + recipient + ":" + kind.wireName() + ":" + positions;
    }

    private DeliveryState done(FeedKind kind, long to) {
      return new DeliveryState(recipient, kind, to, null, 0, null);
    }

    /** Dead-letters the records older than the time-to-live; returns the others. */
    private Batch expire(FeedKind kind, DeliveryState state, Batch batch) {
      Batch live = unexpired(batch);
      List<Long> old = new ArrayList<>(batch.positions());
      old.removeAll(live.positions());
      if (!old.isEmpty()) {
        deadLetter(kind, state, old, state.attempts());
      }
      return live;
    }

    /** The records not older than the time-to-live. */
    private Batch unexpired(Batch batch) {
      Instant oldest = clock.instant().minus(settings.recordTtl());
      return batch.without(time -> time.isBefore(oldest));
    }

    /** Stores records as expired dead letters, with the stream's state, in one transaction. */
    private void deadLetter(
        FeedKind kind, DeliveryState state, List<Long> positions, int attempts) {
      List<DeadLetter> letters = new ArrayList<>();
      for (long position : positions) {
        letters.add(
            new DeadLetter(
                recipient,
                kind,
                position,
                DeadLetter.Status.DEAD,
                "expired",
                "older than the record time-to-live",
                clock.instant(),
                attempts));
      }
      LOG.warn(
          "{} {} records of recipient {} expired undelivered and were dead-lettered",
          letters.size(),
          kind.wireName(),
          recipient);
      store.deadLetter(state, letters);
      metrics.deliveryRecords(recipient, kind.wireName(), "dead_lettered", letters.size());
    }

    private Batch read(FeedKind kind, FeedQuery query) {
      return kind == FeedKind.PRICE
          ? Batch.prices(recipient, feeds.assessedPrices(query))
          : Batch.sellers(recipient, feeds.sellers(query));
    }

    private void refreshBacklog() {
      for (FeedKind kind : FeedKind.values()) {
        long delivered = store.deliveryState(recipient, kind).deliveredSeq();
        backlog.get(kind).set(store.recordsAfter(recipient, kind, delivered));
      }
      long count = 0;
      for (Map.Entry<String, Long> entry : store.deadLetterCounts().entrySet()) {
        if (entry.getKey().startsWith(recipient + "/") && entry.getKey().endsWith("/dead")) {
          count += entry.getValue();
        }
      }
      dead.set(count);
    }
  }

  /** The records of one stream read for a delivery. */
  private record Batch(
      String recipient,
      FeedKind kind,
      List<Feeds.PriceRecord> prices,
      List<Feeds.SellerRecord> sellers) {

    static Batch prices(String recipient, List<Feeds.PriceRecord> records) {
      return new Batch(recipient, FeedKind.PRICE, records, List.of());
    }

    static Batch sellers(String recipient, List<Feeds.SellerRecord> records) {
      return new Batch(recipient, FeedKind.SELLER, List.of(), records);
    }

    List<Long> positions() {
      return kind == FeedKind.PRICE
          ? prices.stream().map(record -> record.stored().seq()).toList()
          : sellers.stream().map(record -> record.stored().seq()).toList();
    }

    /** The records at positions other than {@code positions}. */
    Batch without(List<Long> positions) {
      return new Batch(
          recipient,
          kind,
          prices.stream().filter(r -> !positions.contains(r.stored().seq())).toList(),
          sellers.stream().filter(r -> !positions.contains(r.stored().seq())).toList());
    }

    /** The records whose time (received, or last seen) does not match {@code expired}. */
    Batch without(java.util.function.Predicate<Instant> expired) {
      return new Batch(
          recipient,
          kind,
          prices.stream().filter(r -> !expired.test(r.stored().receivedAt())).toList(),
          sellers.stream().filter(r -> !expired.test(r.stored().lastSeen())).toList());
    }

    byte[] body(long to) {
      FeedFormat.Page page = new FeedFormat.Page(recipient, kind, to, false);
      return kind == FeedKind.PRICE
          ? FeedFormat.pricesJson(page, prices)
          : FeedFormat.sellersJson(page, sellers);
    }
  }
}
