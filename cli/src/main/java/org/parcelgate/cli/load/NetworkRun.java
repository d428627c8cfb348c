package org.parcelgate.cli.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.parcelgate.client.Batches;

/**
 * Sends prepared requests to a gateway over mutual TLS with Vert.x's HTTP client: one client per
 * caller, each with a pool of kept-alive connections (or, with {@code newConnections}, a new TLS
 * connection for every request, to measure handshakes).
 *
 * <p>Without a rate the run is a closed loop: {@code concurrency} requests are in flight, each
 * answer lets the next one go, and latency is measured from the send. With a rate the requests are
 * due at fixed times (the n-th at start + n / rate) whatever the answers do; at most {@code
 * concurrency} are in flight, a request that has to wait for a free slot is late, and its latency
 * is measured from when it was due, so a slow gateway shows as latency instead of hiding behind a
 * lower rate (no coordinated omission).
 *
 * <p>Only answers that arrive inside the timed window, after the warm-up, are counted.
 */
final class NetworkRun {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the run is. */
  record Settings(
      URI url,
      Path trustAnchor,
      int concurrency,
      double rate,
      Duration warmup,
      Duration duration,
      boolean newConnections,
      Duration requestTimeout) {}

  /** What the senders measured, besides the tally. */
  record Outcome(
      Tally.Snapshot tally,
      double windowSeconds,
      long connectionsOpened,
      long waitsForPrepared,
      long late) {}

  private final Vertx vertx;
  private final Settings settings;
  private final List<Caller> callers;
  private final Preparer preparer;
  private final List<HttpClient> clients = new ArrayList<>();
  private final Tally tally = new Tally();
  private final AtomicLong issued = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder connections = new LongAdder();
  private final LongAdder waits = new LongAdder();
  private final LongAdder late = new LongAdder();
  private final Promise<Void> drained = Promise.promise();
  private volatile boolean counting;
  private volatile boolean ended;
  private volatile long start;
  private volatile long windowStart;
  private volatile long windowEnd;

  NetworkRun(Vertx vertx, Settings settings, List<Caller> callers, Preparer preparer) {
    this.vertx = vertx;
    this.settings = settings;
    this.callers = List.copyOf(callers);
    this.preparer = preparer;
    int perCaller = (settings.concurrency() + callers.size() - 1) / callers.size();
    for (Caller caller : callers) {
      HttpClientOptions options =
          new HttpClientOptions()
              .setProtocolVersion(HttpVersion.HTTP_1_1)
              .setSsl(true)
              .setUseAlpn(false)
              .setVerifyHost(true)
              .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"))
              .setDefaultHost(settings.url().getHost())
              .setDefaultPort(settings.url().getPort() < 0 ? 443 : settings.url().getPort())
              .setKeepAlive(!settings.newConnections())
              .setConnectTimeout((int) settings.requestTimeout().toMillis())
              .setKeyCertOptions(
                  new PemKeyCertOptions()
                      .setCertPath(caller.certificate().toString())
                      .setKeyPath(caller.privateKey().toString()))
              .setTrustOptions(
                  new PemTrustOptions().addCertPath(settings.trustAnchor().toString()));
      clients.add(
          vertx
              .httpClientBuilder()
              .with(options)
              .with(new PoolOptions().setHttp1MaxSize(perCaller).setMaxWaitQueueSize(-1))
              .withConnectHandler(
                  connection -> {
                    if (counting) {
                      connections.increment();
                    }
                  })
              .build());
    }
  }

  /**
   * Runs the warm-up and the timed window; {@code windowStarts} and {@code windowEnds} run when the
   * window opens and closes (the gateway's metrics are read then). Blocks until every request in
   * flight has its answer or failed.
   */
  Outcome run(Runnable windowStarts, Runnable windowEnds) throws Exception {
    start = System.nanoTime();
    windowEnd = Long.MAX_VALUE;
    long tick =
        vertx.setPeriodic(
            1,
            id -> {
              pump();
              if (ended && inFlight.get() == 0) {
                drained.tryComplete();
              }
            });
    try {
      // The window's edges are set from this thread, after the gateway's figures are read, so a
      // slow read never shifts what is counted.
      sleepUntil(start + settings.warmup().toNanos());
      windowStarts.run();
      windowStart = System.nanoTime();
      counting = true;
      sleepUntil(windowStart + settings.duration().toNanos());
      windowEnd = System.nanoTime();
      ended = true;
      windowEnds.run();
      drained
          .future()
          .toCompletionStage()
          .toCompletableFuture()
          .get(settings.requestTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          inFlight.get() + " requests still in flight 30 s after their timeout", e);
    } finally {
      vertx.cancelTimer(tick);
      for (HttpClient client : clients) {
        client.close();
      }
    }
    return new Outcome(
        tally.snapshot(),
        (windowEnd - windowStart) / 1e9,
        connections.sum(),
        waits.sum(),
        late.sum());
  }

  private static void sleepUntil(long deadline) {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  /** Starts every request that may start now. Called by the tick and after every answer. */
  private void pump() {
    while (!ended) {
      long now = System.nanoTime();
      int flying = inFlight.get();
      if (settings.rate() > 0) {
        long n = issued.get();
        long due = start + (long) (n * 1e9 / settings.rate());
        if (due > now) {
          return;
        }
        if (flying >= settings.concurrency()) {
          return; // late: it starts when a slot frees, its latency counted from when it was due
        }
        if (!inFlight.compareAndSet(flying, flying + 1)) {
          continue;
        }
        if (!issued.compareAndSet(n, n + 1)) {
          inFlight.decrementAndGet();
          continue;
        }
        if (now - due > 1_000_000) {
          late.increment();
        }
        launch((int) (n % callers.size()), due);
      } else {
        if (flying >= settings.concurrency()) {
          return;
        }
        if (!inFlight.compareAndSet(flying, flying + 1)) {
          continue;
        }
        launch((int) (issued.getAndIncrement() % callers.size()), -1);
      }
    }
  }

  /** Sends the next prepared request of {@code caller}; {@code due} is -1 in a closed loop. */
  private void launch(int caller, long due) {
    PreparedRequest request = preparer.poll(caller);
    if (request == null) {
      waits.increment();
      vertx.setTimer(1, id -> launch(caller, due));
      return;
    }
    long sent = System.nanoTime();
    long from = due < 0 ? sent : due;
    RequestOptions options =
        new RequestOptions()
            .setURI(request.body() == null ? "/v1/whoami" : "/v1/batches")
            .setMethod(request.body() == null ? HttpMethod.GET : HttpMethod.POST)
            .setIdleTimeout(settings.requestTimeout().toMillis())
            .putHeader("Authorization", request.authorization())
            .putHeader("Accept", "application/json");
    if (request.body() != null) {
      options.putHeader("Content-Type", Batches.MEDIA_TYPE);
    }
    clients
        .get(caller)
        .request(options)
        .compose(
            http -> request.body() == null ? http.send() : http.send(Buffer.buffer(request.body())))
        .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body)))
        .onComplete(
            answer -> {
              long now = System.nanoTime();
              if (counting && !ended) {
                tally.latency(now - from);
                if (answer.succeeded()) {
                  count(request, answer.result());
                } else {
                  tally.transport(transportKind(answer.cause()));
                }
              }
              inFlight.decrementAndGet();
              pump();
            });
  }

  private void count(PreparedRequest request, Answer answer) {
    if (answer.status >= 200 && answer.status < 300) {
      if (request.body() == null) {
        tally.succeeded(0, 0, 0, 0, false);
        return;
      }
      try {
        JsonNode batch = JSON.readTree(answer.body.getBytes());
        tally.succeeded(
            request.records(),
            batch.path("accepted").asInt(),
            batch.path("unchanged").asInt(),
            batch.path("rejected").asInt(),
            answer.status == 200);
      } catch (IOException e) {
        tally.problem("unreadable_answer");
      }
      return;
    }
    tally.problem(problemCode(answer));
  }

  /** The {@code code} of a problem answer, or {@code http_<status>} if it has none. */
  static String problemCode(Answer answer) {
    try {
      JsonNode problem = JSON.readTree(answer.body.getBytes());
      String code = problem.path("code").asText("");
      if (code.matches("[a-z0-9_]{1,64}")) {
        return code;
      }
    } catch (IOException e) {
      // not JSON: named by its status
    }
    return "http_" + answer.status;
  }

  /** A failure without an answer, by kind: the exception's class, never its message's data. */
  static String transportKind(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String name = root.getClass().getSimpleName();
    String message = root.getMessage() == null ? "" : root.getMessage().toLowerCase();
    if (message.contains("timeout") || message.contains("timed out")) {
      return "timeout";
    }
    if (message.contains("closed")) {
      return "connection_closed";
    }
    return name.isEmpty() ? "transport_failure" : name;
  }

  /** An answer as received. */
  record Answer(int status, Buffer body) {}
}
