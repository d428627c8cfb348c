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
import org.parcelgate.store.DeadLetter;
import org.parcelgate.store.DeliveryState;
import org.parcelgate.store.DeliveryStore;
import org.parcelgate.store.FeedKind;
import org.parcelgate.store.FeedQuery;
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
      Duration circuitOpen) {}

  /** A recipient's push, as the operator API shows it. */
  public record Status(
      String recipient,
      URI endpoint,
      CircuitBreaker.State circuit,
      int consecutiveFailures,
      List<DeliveryState> streams,
      Map<FeedKind, Long> backlog) {}

  private final Vertx vertx;
  private final DeliveryStore store;
  private final Feeds feeds;
  private final PushClient client;
  private final Settings settings;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final RandomGenerator random;
  private final String gatewayId;
  private final Map<String, RecipientPush> recipients = new LinkedHashMap<>();
  private volatile boolean stopped;
  private Context context;

  public Pusher(
      Vertx vertx,
      DeliveryStore store,
      Feeds feeds,
      PushClient client,
      Settings settings,
      GatewayMetrics metrics,
      Clock clock,
      RandomGenerator random,
      String gatewayId) {
    this.vertx = vertx;
    this.store = store;
    this.feeds = feeds;
    this.client = client;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.random = random;
    this.gatewayId = gatewayId;
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
        ignored -> recipients.values().forEach(push -> push.schedule(Duration.ZERO)));
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
          for (RecipientPush push : recipients.values()) {
            if (push.timer >= 0) {
              vertx.cancelTimer(push.timer);
            }
            if (push.current != null) {
              inFlight.add(push.current);
            }
          }
          Future.join(inFlight)
              .<Void>mapEmpty()
              .otherwiseEmpty()
              .onComplete(
                  done -> {
                    client.close();
                    settled.complete();
                  });
        });
    return settled.future();
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
                vertx.executeBlocking(
                    () -> {
                      List<Status> statuses = new ArrayList<>();
                      for (RecipientPush push : recipients.values()) {
                        List<DeliveryState> streams = new ArrayList<>();
                        Map<FeedKind, Long> backlog = new LinkedHashMap<>();
                        for (FeedKind kind : FeedKind.values()) {
                          DeliveryState state = store.deliveryState(push.recipient, kind);
                          streams.add(state);
                          backlog.put(
                              kind, store.lastSeq(push.recipient, kind) - state.deliveredSeq());
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
                    },
                    false));
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
    return vertx
        .executeBlocking(
            () -> {
              int moved = 0;
              for (FeedKind feed : FeedKind.values()) {
                if (kind != null && kind != feed) {
                  continue;
                }
                List<Long> chosen = positions;
                if (chosen.isEmpty()) {
                  chosen =
                      store
                          .deadLetters(
                              recipient, feed, DeadLetter.Status.DEAD, 0, Integer.MAX_VALUE)
                          .stream()
                          .map(DeadLetter::seq)
                          .toList();
                }
                moved +=
                    store.moveDeadLetters(
                        recipient, feed, chosen, DeadLetter.Status.DEAD, DeadLetter.Status.REDRIVE);
              }
              return moved;
            },
            false)
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
    /** Delivered, refused for good or skipped: go on at once. */
    AGAIN,
    /** Failed: back off. */
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
      byte[] body) {

    /** Nothing to send this time (records expired or gone), but look again at once. */
    static Delivery skipped(FeedKind kind) {
      return new Delivery(kind, false, List.of(), 0, 0, 0, "", null);
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
          vertx
              .executeBlocking(this::prepare, false)
              .compose(
                  delivery -> {
                    if (delivery == null) {
                      return Future.succeededFuture(Next.IDLE);
                    }
                    if (delivery.body() == null) {
                      return Future.succeededFuture(Next.AGAIN);
                    }
                    return client
                        .post(endpoint, recipient, delivery.key(), delivery.body())
                        .compose(
                            answer -> vertx.executeBlocking(() -> settle(delivery, answer), false));
                  });
      current.onComplete(
          outcome -> {
            busy = false;
            Next next = outcome.succeeded() ? outcome.result() : Next.RETRY;
            if (outcome.failed()) {
              LOG.warn(
                  "push to recipient {} failed inside the gateway: {}",
                  recipient,
                  outcome.cause().toString());
            }
            switch (next) {
              case IDLE -> schedule(settings.pollInterval());
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

    /** Finds the next delivery, on a worker thread; null when there is nothing to send. */
    Delivery prepare() {
      refreshBacklog();
      List<DeadLetter> redrive =
          store.deadLetters(recipient, null, DeadLetter.Status.REDRIVE, 0, settings.batchSize());
      if (!redrive.isEmpty()) {
        return redrive(redrive);
      }
      for (FeedKind kind : FeedKind.values()) {
        DeliveryState state = store.deliveryState(recipient, kind);
        FeedQuery query = FeedQuery.after(recipient, state.deliveredSeq(), settings.batchSize());
        if (state.inFlightToSeq() != null) {
          query = query.upTo(state.inFlightToSeq());
        }
        Batch batch = read(kind, query);
        if (batch.positions().isEmpty()) {
          if (state.inFlightToSeq() != null) {
            // The positions in flight hold no record any more (sellers that changed since).
            store.saveDeliveryState(done(kind, state.inFlightToSeq()));
            return Delivery.skipped(kind);
          }
          continue;
        }
        long to =
            state.inFlightToSeq() != null
                ? state.inFlightToSeq()
                : batch.positions().get(batch.positions().size() - 1);
        if (state.inFlightToSeq() == null) {
          state =
              new DeliveryState(recipient, kind, state.deliveredSeq(), to, 0, state.lastError());
          store.saveDeliveryState(state);
        }
        Batch live = expire(kind, state, batch);
        if (live.positions().isEmpty()) {
          store.saveDeliveryState(done(kind, to));
          return Delivery.skipped(kind);
        }
        String key = key(kind, (state.deliveredSeq() + 1) + "-" + to);
        return new Delivery(
            kind,
            false,
            live.positions(),
            state.deliveredSeq(),
            to,
            state.attempts(),
            key,
            live.body(to));
      }
      return null;
    }

    private Delivery redrive(List<DeadLetter> letters) {
      FeedKind kind = letters.get(0).kind();
      List<Long> positions = new ArrayList<>();
      for (DeadLetter letter : letters) {
        if (letter.kind() == kind) {
          positions.add(letter.seq());
        }
      }
      List<Feeds.PriceRecord> prices = new ArrayList<>();
      List<Feeds.SellerRecord> sellers = new ArrayList<>();
      List<Long> found = new ArrayList<>();
      for (long position : positions) {
        FeedQuery query = FeedQuery.after(recipient, position - 1, 1).upTo(position);
        if (kind == FeedKind.PRICE) {
          feeds.prices(query).forEach(record -> prices.add(record));
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
      return new Delivery(kind, true, found, 0, last, 0, key, body);
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
      Instant oldest = clock.instant().minus(settings.recordTtl());
      List<DeadLetter> letters = new ArrayList<>();
      Batch live = batch.without(time -> time.isBefore(oldest));
      for (long position : batch.positions()) {
        if (!live.positions().contains(position)) {
          letters.add(
              new DeadLetter(
                  recipient,
                  kind,
                  position,
                  DeadLetter.Status.DEAD,
                  "expired",
                  "older than the record time-to-live",
                  clock.instant(),
                  state.attempts()));
        }
      }
      if (!letters.isEmpty()) {
        LOG.warn(
            "{} {} records of recipient {} expired undelivered and were dead-lettered",
            letters.size(),
            kind.wireName(),
            recipient);
        store.deadLetter(state, letters);
        metrics.deliveryRecords(recipient, kind.wireName(), "dead_lettered", letters.size());
      }
      return live;
    }

    private Batch read(FeedKind kind, FeedQuery query) {
      return kind == FeedKind.PRICE
          ? Batch.prices(recipient, feeds.prices(query))
          : Batch.sellers(recipient, feeds.sellers(query));
    }

    private void refreshBacklog() {
      for (FeedKind kind : FeedKind.values()) {
        long delivered = store.deliveryState(recipient, kind).deliveredSeq();
        backlog.get(kind).set(store.lastSeq(recipient, kind) - delivered);
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
