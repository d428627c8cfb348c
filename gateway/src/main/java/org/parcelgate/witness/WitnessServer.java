package org.parcelgate.witness;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The witness's HTTP interface (c2sp.org/tlog-witness): {@code POST /add-checkpoint} and the
 * monitors' {@code GET /<origin hash>/checkpoint}. Requests are not authenticated: the protocol
 * rests on the signatures. The witness's work (a signature and a file forced to disk) runs on one
 * worker thread, one request at a time, with at most {@value #MAX_PENDING} waiting; beyond, {@code
 * 503} with {@code Retry-After}.
 */
public final class WitnessServer {
  static final int MAX_PENDING = 64;

  /** Requests of the protocol are a few kilobytes: proofs of 63 hashes and a short note. */
  static final int BODY_LIMIT = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(WitnessServer.class);

  private final Witness witness;
  private final WorkerExecutor worker;
  private final AtomicInteger pending = new AtomicInteger();

  private WitnessServer(Witness witness, WorkerExecutor worker) {
    this.witness = witness;
    this.worker = worker;
  }

  /** Serves the witness on {@code host:port} (0: any free port); the server once listening. */
  public static Future<HttpServer> start(Vertx vertx, Witness witness, String host, int port) {
    WitnessServer server =
        new WitnessServer(witness, vertx.createSharedWorkerExecutor("parcelgate-witness", 1));
    Router router = Router.router(vertx);
    router
        .post("/add-checkpoint")
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
        .handler(server::addCheckpoint);
    router.get("/:origin/checkpoint").handler(server::checkpoint);
    return vertx
        .createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(router)
        .listen();
  }

  private void addCheckpoint(RoutingContext ctx) {
    String body = ctx.body().asString(StandardCharsets.UTF_8.name());
    if (body == null) {
      answer(ctx, Witness.Answer.text(400, "the body is empty"));
      return;
    }
    if (pending.incrementAndGet() > MAX_PENDING) {
      pending.decrementAndGet();
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
      answer(ctx, Witness.Answer.text(503, "the witness is busy"));
      return;
    }
    worker
        .<Witness.Answer>executeBlocking(() -> witness.addCheckpoint(body), true)
        .onComplete(
            done -> {
              pending.decrementAndGet();
              if (done.succeeded()) {
                answer(ctx, done.result());
              } else {
                // The state could not be written: no cosignature was given.
                LOG.error("witness state not written: {}", done.cause().getClass().getName());
                answer(ctx, Witness.Answer.text(500, "the witness could not keep its state"));
              }
            });
  }

  private void checkpoint(RoutingContext ctx) {
    String origin = ctx.pathParam("origin");
    worker
        .<java.util.Optional<String>>executeBlocking(() -> witness.checkpoint(origin), false)
        .onComplete(
            done -> {
              if (done.succeeded() && done.result().isPresent()) {
                answer(
                    ctx, new Witness.Answer(200, "text/plain; charset=utf-8", done.result().get()));
              } else {
                answer(ctx, Witness.Answer.text(404, "no checkpoint of that log was cosigned"));
              }
            });
  }

  private static void answer(RoutingContext ctx, Witness.Answer answer) {
    ctx.response()
        .setStatusCode(answer.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, answer.contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(answer.body());
  }
}
