package org.parcelgate.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * The operations port (plain HTTP, loopback by default): liveness, readiness, Prometheus metrics
 * and operator commands. It carries no partner data.
 */
public final class OpsRouter {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** Operator commands the ops port exposes. */
  public interface Commands {
    /** Reloads the partner registry; fails with a safe message if the new file is refused. */
    Future<JsonObject> reloadRegistry();

    /** Reloads the CRL files; fails with a safe message if one is refused. */
    Future<JsonObject> reloadCrls();
  }

  private OpsRouter() {}

  public static Router create(
      Vertx vertx,
      Lifecycle lifecycle,
      PrometheusMeterRegistry registry,
      Supplier<JsonObject> status,
      Commands commands) {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "up")));
    router
        .get("/health/ready")
        .handler(
            ctx -> {
              Lifecycle.State state = lifecycle.state();
              JsonObject body =
                  status.get().put("status", state.name().toLowerCase(java.util.Locale.ROOT));
              json(ctx, state == Lifecycle.State.READY ? 200 : 503, body);
            });
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.vertx()
                    .executeBlocking(registry::scrape, false)
                    .onSuccess(
                        text ->
                            ctx.response()
                                .putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT)
                                .end(text))
                    .onFailure(ctx::fail));
    router.post("/admin/registry/reload").handler(ctx -> command(ctx, commands.reloadRegistry()));
    router.post("/admin/crls/reload").handler(ctx -> command(ctx, commands.reloadCrls()));
    return router;
  }

  private static void command(RoutingContext ctx, Future<JsonObject> outcome) {
    outcome
        .onSuccess(result -> json(ctx, 200, result))
        .onFailure(
            failure ->
                json(
                    ctx,
                    422,
                    new JsonObject().put("status", "refused").put("reason", failure.getMessage())));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
