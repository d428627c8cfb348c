package org.parcelgate.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.time.Duration;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;

/**
 * The body read deadline: from the end of its headers, the rest of a request must arrive within the
 * body timeout. A fixed deadline rather than a minimum rate, because it bounds how long a request
 * can hold its share of the body memory budget and its partner's place, whatever its size; a body
 * of the largest size needs {@code body-limit-bytes / body-timeout} per second (16 MiB in 60 s:
 * about 280 KB/s).
 *
 * <p>When the deadline passes with the body still incomplete, a request not yet answered gets
 * {@code 408 request_timeout}; in every case the connection is closed. This also bounds a request
 * refused before its body was read (for example {@code 503 overloaded}), whose remaining bytes the
 * server reads and drops: a slow sender cannot keep that connection open either.
 */
final class BodyDeadlineHandler implements PlatformHandler {
  private final long timeoutMillis;
  private final String detail;

  BodyDeadlineHandler(Duration bodyTimeout) {
    this.timeoutMillis = bodyTimeout.toMillis();
    this.detail =
        "the request body did not arrive within "
            + HeaderDeadline.describe(bodyTimeout)
            + "; the connection is closed";
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Vertx vertx = ctx.vertx();
    long timer = vertx.setTimer(timeoutMillis, fired -> expire(ctx));
    ctx.addEndHandler(
        ended -> {
          // Answered early with the body still coming: the deadline stays to bound the rest.
          if (request.isEnded()) {
            vertx.cancelTimer(timer);
          }
        });
    ctx.next();
  }

  private void expire(RoutingContext ctx) {
    if (ctx.request().isEnded()) {
      return;
    }
    if (ctx.failed() || ctx.response().headWritten() || ctx.response().closed()) {
      ctx.request().connection().close();
      return;
    }
    RequestScope.closeAfterAnswer(ctx);
    ctx.fail(new GatewayException(ProblemCode.REQUEST_TIMEOUT, detail));
  }
}
