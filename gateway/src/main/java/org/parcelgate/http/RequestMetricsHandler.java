package org.parcelgate.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.time.Duration;
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
                RequestScope.refusal(ctx),
                Duration.ofNanos(System.nanoTime() - RequestScope.startNanos(ctx))));
    ctx.next();
  }
}
