package org.parcelgate.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.time.Duration;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.metrics.GatewayMetrics;

/**
 * First handler of every partner request: gives it an id and records its outcome and latency when
 * it ends.
 */
final class RequestMetricsHandler implements PlatformHandler {
  static final String REQUEST_ID_HEADER = "X-Request-Id";

  private final GatewayMetrics metrics;

  RequestMetricsHandler(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestScope.begin(ctx, System.nanoTime());
    metrics.requestStarted();
    ctx.response()
        .putHeader(REQUEST_ID_HEADER, RequestScope.requestId(ctx))
        .putHeader("X-Content-Type-Options", "nosniff");
    ctx.addEndHandler(
        ended ->
            metrics.request(
                outcome(ctx, ended.failed()),
                Duration.ofNanos(System.nanoTime() - RequestScope.startNanos(ctx))));
    ctx.next();
  }

  /**
   * The refusal to count, null for an accepted request. A connection that closes while the request
   * is still arriving (a body cut short) ends the response before the failure handler has
   * classified the request: that is a malformed request, never an accepted one.
   */
  private static ProblemCode outcome(RoutingContext ctx, boolean closedBeforeAnswer) {
    ProblemCode refusal = RequestScope.refusal(ctx);
    if (refusal == null && closedBeforeAnswer && !ctx.request().isEnded()) {
      return ProblemCode.INVALID_REQUEST;
    }
    return refusal;
  }
}
