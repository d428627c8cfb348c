package org.parcelgate.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.parcelgate.error.ProblemCode;

/** Per-request values shared between the first handler, the failure handler and the metrics. */
final class RequestScope {
  private static final String REQUEST_ID = "parcelgate.requestId";
  private static final String START = "parcelgate.startNanos";
  private static final String REFUSAL = "parcelgate.refusal";

  private RequestScope() {}

  static void begin(RoutingContext ctx, long startNanos) {
    ctx.put(REQUEST_ID, UUID.randomUUID().toString());
    ctx.put(START, startNanos);
  }

  static String requestId(RoutingContext ctx) {
    return ctx.get(REQUEST_ID);
  }

  static long startNanos(RoutingContext ctx) {
    Long start = ctx.get(START);
    return start == null ? System.nanoTime() : start;
  }

  static void refused(RoutingContext ctx, ProblemCode code) {
    ctx.put(REFUSAL, code);
  }

  static ProblemCode refusal(RoutingContext ctx) {
    return ctx.get(REFUSAL);
  }

  /**
   * The answer carries {@code Connection: close} and the connection is closed once it is written:
   * for refusals after which the rest of the request cannot be read sensibly.
   */
  static void closeAfterAnswer(RoutingContext ctx) {
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    ctx.addEndHandler(ended -> ctx.request().connection().close());
  }
}
