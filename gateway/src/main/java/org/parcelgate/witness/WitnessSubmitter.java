package org.parcelgate.witness;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.parcelgate.config.GatewayConfig;
import org.parcelgate.privacy.SignedLog;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.store.StoredCheckpoint;
import org.parcelgate.workers.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of c2sp.org/tlog-witness: every interval, for each log, the latest checkpoint
 * (signed now if the log grew) goes to each configured witness with the consistency proof from the
 * size that witness cosigned last; a cosignature that verifies with the witness's key is stored and
 * published with the checkpoint ({@link SignedLog#witnessed}). A witness that knows another size
 * ({@code 409}) gets one more try from that size. A refusal is a warning in the log: a fork or
 * rollback a witness reports ({@code 422}, or a size larger than the log's) is what witnesses are
 * for. Store and signing work runs on the privacy pool.
 */
public final class WitnessSubmitter {
  private static final Logger LOG = LoggerFactory.getLogger(WitnessSubmitter.class);

  /** Hears how each submission ended: {@code cosigned}, {@code refused} or {@code unreachable}. */
  @FunctionalInterface
  public interface Listener {
    void submitted(String log, String witness, String result);
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final Listener listener;
  private final List<SignedLog> logs;
  private final List<GatewayConfig.WitnessEndpoint> witnesses;
  private final WorkerPool workers;
  private final Duration interval;
  private final Duration timeout;
  private long timer = -1;

  public WitnessSubmitter(
      Vertx vertx,
      List<SignedLog> logs,
      List<GatewayConfig.WitnessEndpoint> witnesses,
      WorkerPool workers,
      Duration interval,
      Duration timeout,
      Listener listener) {
    this.vertx = vertx;
    this.listener = listener;
    // https witnesses are checked against the JVM's trusted roots, with host names verified.
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setVerifyHost(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    this.logs = List.copyOf(logs);
    this.witnesses = List.copyOf(witnesses);
    this.workers = workers;
    this.interval = interval;
    this.timeout = timeout;
  }

  /** Submits every interval from now on; nothing without witnesses. */
  public void start() {
    if (!witnesses.isEmpty()) {
      LOG.info(
          "the logs' checkpoints go to {} witness(es) every {}: {}",
          witnesses.size(),
          interval,
          witnesses.stream().map(w -> w.key().name()).toList());
      timer = vertx.setPeriodic(interval.toMillis(), id -> round());
    }
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    client.close();
  }

  /** One round: every log's latest checkpoint to every witness; completes when all answered. */
  public Future<Void> round() {
    List<Future<Void>> all = new ArrayList<>();
    for (SignedLog log : logs) {
      all.add(
          workers
              .submit(log::checkpoint)
              .compose(
                  checkpoint -> {
                    if (checkpoint.treeSize() == 0) {
                      return Future.succeededFuture();
                    }
                    List<Future<Void>> each = new ArrayList<>();
                    for (GatewayConfig.WitnessEndpoint witness : witnesses) {
                      each.add(submit(log, checkpoint, witness, true));
                    }
                    return Future.join(each).mapEmpty();
                  }));
    }
    return Future.join(all)
        .<Void>mapEmpty()
        .recover(
            failure -> {
              LOG.warn("witness round failed: {}", failure.getClass().getName());
              return Future.succeededFuture();
            });
  }

  private Future<Void> submit(
      SignedLog log,
      StoredCheckpoint checkpoint,
      GatewayConfig.WitnessEndpoint witness,
      boolean mayRetry) {
    String name = witness.key().name();
    return workers
        .submit(() -> log.lastCosigned(name))
        .compose(old -> submitFrom(log, checkpoint, witness, old, mayRetry))
        .recover(
            failure -> {
              listener.submitted(log.name().wireName(), name, "unreachable");
              LOG.warn(
                  "{} log: witness {} not reached: {}",
                  log.name().wireName(),
                  name,
                  failure.getClass().getSimpleName());
              return Future.succeededFuture();
            });
  }

  private Future<Void> submitFrom(
      SignedLog log,
      StoredCheckpoint checkpoint,
      GatewayConfig.WitnessEndpoint witness,
      long old,
      boolean mayRetry) {
    String name = witness.key().name();
    long size = checkpoint.treeSize();
    if (old == size) {
      return Future.succeededFuture(); // cosigned already
    }
    if (old > size) {
      listener.submitted(log.name().wireName(), name, "refused");
      LOG.warn(
          "{} log: witness {} cosigned size {}, larger than the log's {}: the log was rolled back",
          log.name().wireName(),
          name,
          old,
          size);
      return Future.succeededFuture();
    }
    return workers
        .submit(
            () -> {
              StringBuilder body = new StringBuilder("old ").append(old).append('\n');
              if (old > 0) {
                for (String hash : log.consistencyProof(old, size).proof()) {
                  body.append(standardBase64(hash)).append('\n');
                }
              }
              return body.append('\n').append(log.note(checkpoint)).toString();
            })
        .compose(body -> post(witness, body))
        .compose(answer -> answered(log, checkpoint, witness, old, mayRetry, answer));
  }

  private Future<Void> answered(
      SignedLog log,
      StoredCheckpoint checkpoint,
      GatewayConfig.WitnessEndpoint witness,
      long old,
      boolean mayRetry,
      Answer response) {
    String name = witness.key().name();
    String text = response.body();
    if (response.statusCode() == 200) {
      String note = log.note(checkpoint);
      try {
        SignedNote.parse(note + text).cosignedAt(witness.key());
      } catch (IllegalArgumentException e) {
        listener.submitted(log.name().wireName(), name, "refused");
        LOG.warn(
            "{} log: witness {} answered no valid cosignature: {}",
            log.name().wireName(),
            name,
            e.getMessage());
        return Future.succeededFuture();
      }
      String line = cosignatureLine(text, name);
      return workers
          .submit(
              () -> {
                log.saveCosignature(checkpoint.treeSize(), name, line);
                return null;
              })
          .onSuccess(saved -> listener.submitted(log.name().wireName(), name, "cosigned"))
          .mapEmpty();
    }
    if (response.statusCode() == 409 && mayRetry) {
      long known;
      try {
        known = Long.parseLong(text.strip());
      } catch (NumberFormatException e) {
        known = -1;
      }
      if (known >= 0 && known != old) {
        return submitFrom(log, checkpoint, witness, known, false);
      }
    }
    listener.submitted(log.name().wireName(), name, "refused");
    LOG.warn(
        "{} log: witness {} refused the checkpoint of size {}: HTTP {} {}",
        log.name().wireName(),
        name,
        checkpoint.treeSize(),
        response.statusCode(),
        printable(text));
    return Future.succeededFuture();
  }

  /** A witness's answer: its status and body. */
  private record Answer(int statusCode, String body) {}

  private Future<Answer> post(GatewayConfig.WitnessEndpoint witness, String body) {
    boolean https = "https".equals(witness.url().getScheme());
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(witness.url().resolve("add-checkpoint").toString())
            .setSsl(https)
            .setIdleTimeout(timeout.toMillis())
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
    return client
        .request(options)
        .compose(
            request ->
                request
                    .send(Buffer.buffer(body))
                    .compose(
                        response ->
                            response
                                .body()
                                .map(
                                    answer ->
                                        new Answer(response.statusCode(), answer.toString()))))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The answer's line by this witness (an answer may hold several). */
  private static String cosignatureLine(String answer, String name) {
    for (String line : answer.split("\n")) {
      if (line.startsWith("\u2014 " + name + " ")) {
        return line + "\n";
      }
    }
    return answer;
  }

  private static String standardBase64(String base64url) {
    return Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(base64url));
  }

  /** A witness's words for the log: printable ASCII, at most 200 characters. */
  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < 200; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : ' ');
    }
    return out.toString().strip();
  }
}
