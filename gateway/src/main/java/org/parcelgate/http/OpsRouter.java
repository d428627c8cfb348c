package org.parcelgate.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;
import java.util.function.Supplier;
import org.parcelgate.config.OperatorTokens;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.store.StoreException;
import org.parcelgate.store.StoreUnavailableException;
import org.parcelgate.workers.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations port (plain HTTP, loopback by default): liveness, readiness, Prometheus metrics
 * and operator commands. It carries no partner data. Health and metrics are open; every route under
 * {@code /admin/} passes {@link AdminAccessHandler} first: an operator's bearer token, and an audit
 * line per command.
 */
public final class OpsRouter {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final int BODY_LIMIT = 1 << 20;
  private static final Logger LOG = LoggerFactory.getLogger(OpsRouter.class);

  /** Operator commands the ops port exposes. */
  public interface Commands {
    /** Reloads the partner registry; fails with a safe message if the new file is refused. */
    Future<JsonObject> reloadRegistry();

    /** Reloads the CRL files; fails with a safe message if one is refused. */
    Future<JsonObject> reloadCrls();

    /** Each pushed recipient's streams, backlog and circuit. */
    Future<JsonObject> deliveryStatus();

    /**
     * A recipient's dead letters after a position.
     *
     * @param feed {@code price} or {@code seller}; null for both (then {@code after} must be 0)
     * @param status {@code dead}, {@code redrive} or {@code redelivered}; null for all
     */
    Future<JsonObject> deadLetters(
        String recipient, String feed, String status, long after, int limit);

    /**
     * Marks a recipient's dead letters for delivery again.
     *
     * @param request {@code {"feed": "price"|"seller", "positions": [...]}}, both optional
     */
    Future<JsonObject> redrive(String recipient, JsonObject request);
  }

  private OpsRouter() {}

  public static Router create(
      Vertx vertx,
      Lifecycle lifecycle,
      PrometheusMeterRegistry registry,
      Supplier<JsonObject> status,
      Commands commands,
      WorkerPool workers,
      Optional<OperatorTokens> operators) {
    Router router = Router.router(vertx);
    router.route().failureHandler(OpsRouter::failed);
    router
        .route()
        .handler(
            ctx -> {
              if (!BodyFraming.understood(ctx.request())) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                refuse(ctx, BodyFraming.REFUSAL);
                return;
              }
              ctx.next();
            });
    router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "up")));
    router
        .get("/health/ready")
        .handler(
            ctx -> {
              boolean ready = lifecycle.isReady();
              JsonObject body = status.get().put("status", lifecycle.readiness());
              json(ctx, ready ? 200 : 503, body);
            });
    router
        .get("/metrics")
        .handler(
            ctx ->
                workers
                    .submit(registry::scrape)
                    .onSuccess(
                        text ->
                            ctx.response()
                                .putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT)
                                .end(text))
                    .onFailure(ctx::fail));
    router.route("/admin/*").handler(new AdminAccessHandler(operators));
    router.post("/admin/registry/reload").handler(ctx -> command(ctx, commands.reloadRegistry()));
    router.post("/admin/crls/reload").handler(ctx -> command(ctx, commands.reloadCrls()));
    router.get("/admin/delivery").handler(ctx -> command(ctx, commands.deliveryStatus()));
    router
        .get("/admin/delivery/:recipient/dead-letters")
        .handler(
            ctx -> {
              long after = number(ctx, "after", 0);
              long limit = number(ctx, "limit", 100);
              String feed = ctx.request().getParam("feed");
              if (after < 0 || limit < 1 || limit > 1000) {
                refuse(ctx, "after is a position, limit a whole number from 1 to 1000");
                return;
              }
              if (after > 0 && feed == null) {
                refuse(ctx, "after is a position of one feed: name it with feed=price or seller");
                return;
              }
              command(
                  ctx,
                  commands.deadLetters(
                      ctx.pathParam("recipient"),
                      feed,
                      ctx.request().getParam("status"),
                      after,
                      (int) limit));
            });
    router
        .post("/admin/delivery/:recipient/dead-letters/redrive")
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
        .handler(
            ctx -> {
              JsonObject request;
              try {
                request = ctx.body().isEmpty() ? new JsonObject() : ctx.body().asJsonObject();
              } catch (RuntimeException e) {
                request = null;
              }
              if (request == null) {
                refuse(ctx, "the body is a JSON object");
                return;
              }
              command(ctx, commands.redrive(ctx.pathParam("recipient"), request));
            });
    return router;
  }

  /**
   * The ops port's one failure handler, in its own JSON form: a body over the limit, a body cut off
   * by the connection's end and anything the decoder refused are the caller's ({@code 4xx}, no
   * stack trace); anything else is logged with it and answered {@code 500} without details.
   */
  private static void failed(RoutingContext ctx) {
    GatewayException problem = ProblemHandler.classify(ctx);
    if (ctx.response().headWritten()) {
      ctx.request().connection().close();
      return;
    }
    if (!problem.problem().isClientError()) {
      LOG.error(
          "ops {} {} failed",
          ctx.request().method(),
          ProblemHandler.loggablePath(ctx),
          ctx.failure());
      json(ctx, 500, new JsonObject().put("status", "failed").put("reason", "internal error"));
      return;
    }
    String reason =
        problem.problem() == ProblemCode.BODY_TOO_LARGE
            ? "the body is larger than " + BODY_LIMIT + " bytes"
            : problem.detail();
    LOG.info(
        "ops {} {} refused: {}", ctx.request().method(), ProblemHandler.loggablePath(ctx), reason);
    json(
        ctx,
        problem.problem().status(),
        new JsonObject().put("status", "refused").put("reason", reason));
  }

  /** A whole-number query parameter; -1 if it is not one. */
  private static long number(RoutingContext ctx, String name, long fallback) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void refuse(RoutingContext ctx, String reason) {
    json(ctx, 400, new JsonObject().put("status", "refused").put("reason", reason));
  }

  /**
   * Answers a command: 200 with its result, 422 with the reason it was refused. A failure of the
   * store is the gateway's, never the operator's: 503 with {@code Retry-After} when the store is
   * unavailable, 500 otherwise, without the driver's text.
   */
  private static void command(RoutingContext ctx, Future<JsonObject> outcome) {
    outcome
        .onSuccess(result -> json(ctx, 200, result))
        .onFailure(
            failure -> {
              if (failure instanceof StoreUnavailableException unavailable) {
                Problems.retryAfter(ctx.response(), unavailable.retryAfter());
                json(
                    ctx,
                    503,
                    new JsonObject()
                        .put("status", "store_unavailable")
                        .put("reason", unavailable.fault().kind().explanation()));
              } else if (failure instanceof StoreException) {
                LOG.error("ops command {} failed", ctx.request().path(), failure);
                json(ctx, 500, new JsonObject().put("status", "failed"));
              } else {
                json(
                    ctx,
                    422,
                    new JsonObject().put("status", "refused").put("reason", failure.getMessage()));
              }
            });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    AdminAccessHandler.outcome(ctx, body.getString("status", status == 200 ? "ok" : "failed"));
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
