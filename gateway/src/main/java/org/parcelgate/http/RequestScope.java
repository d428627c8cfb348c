package org.parcelgate.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.parcelgate.auth.PartnerContext;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.logging.LogKeys;
import org.slf4j.spi.LoggingEventBuilder;

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

  /**
   * Marks a log event as logged on behalf of this request: its request id and, once its certificate
   * was recognised, its partner, as key/value pairs ({@link LogKeys}). Every log call on a
   * request's path goes through here: Vert.x carries no logging context across its asynchronous
   * hops (worker pools, futures), so the request's values are passed with the event itself,
   * wherever it runs.
   */
  static LoggingEventBuilder onBehalf(RoutingContext ctx, LoggingEventBuilder event) {
    LoggingEventBuilder tagged = event.addKeyValue(LogKeys.REQUEST_ID, requestId(ctx));
    return PartnerContext.partnerId(ctx)
        .map(partner -> tagged.addKeyValue(LogKeys.PARTNER, partner))
        .orElse(tagged);
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
