package org.parcelgate.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single failure handler: turns any failure into an {@code application/problem+json} answer
 * with a stable code. Client errors are logged in one line without a stack trace; server errors
 * with it. Neither ever includes tokens, bodies or personal data, and the client never sees a stack
 * trace or an exception message the gateway did not write.
 */
final class ProblemHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

  static final String UNREADABLE_BODY =
      "the request body could not be read to its end (cut short, or its chunks malformed)";

  @Override
  public void handle(RoutingContext ctx) {
    GatewayException problem = classify(ctx);
    ProblemCode code = problem.problem();
    RequestScope.refused(ctx, code);
    if (code.isClientError() || problem.retryAfter().isPresent()) {
      RequestScope.onBehalf(ctx, LOG.atInfo())
          .log("refused {} {} code={}", ctx.request().method(), loggablePath(ctx), code.code());
    } else {
      RequestScope.onBehalf(ctx, LOG.atError())
          .setCause(ctx.failure())
          .log("failed {} code={}", ctx.request().method(), code.code());
    }
    if (ctx.response().headWritten()) {
      ctx.request().connection().close();
      return;
    }
    if (code == ProblemCode.SHUTTING_DOWN) {
      ctx.response().putHeader("Connection", "close");
    }
    Problems.write(
        ctx.response(), code, problem.detail(), RequestScope.requestId(ctx), problem.retryAfter());
  }

  /** The raw path, printable ASCII only and bounded: log lines carry no control characters. */
  static String loggablePath(RoutingContext ctx) {
    String path = ctx.request().path();
    StringBuilder out = new StringBuilder();
    for (int i = 0; path != null && i < path.length() && out.length() < 128; i++) {
      char c = path.charAt(i);
      out.append(c >= 0x21 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }

  static GatewayException classify(RoutingContext ctx) {
    return classify(ctx.failure(), ctx.statusCode(), ctx.request().isEnded());
  }

  /**
   * The refusal for a route's failure, or for its status code when it failed without one.
   *
   * @param requestEnded whether the whole request, body included, had arrived
   */
  static GatewayException classify(Throwable failure, int statusCode, boolean requestEnded) {
    if (failure instanceof GatewayException known) {
      return known;
    }
    // Wherever the store was called from: a disk that cannot write is the gateway's condition,
    // answered 503 with Retry-After, never a client error and never a bare 500.
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StoreUnavailableException unavailable) {
        return GatewayException.retryLater(
            ProblemCode.STORE_UNAVAILABLE,
            "the gateway cannot store anything now; retry after the time in Retry-After",
            unavailable.retryAfter());
      }
    }
    // The request stream failed while the body was arriving: the connection closed before the body
    // was complete (fewer bytes than Content-Length, no last chunk), or the decoder could not read
    // the body's framing (a chunk size that is not hex). The client's doing, never a 500; the
    // connection is closed, so no one may be left to answer, but it is logged and counted as what
    // it
    // is. (Vert.x's body handler fails the route with the stream's exception and status 200.)
    if (!requestEnded && (failure instanceof HttpClosedException || statusCode == 200)) {
      return new GatewayException(ProblemCode.INVALID_REQUEST, UNREADABLE_BODY);
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : statusCode;
    return switch (status) {
      case 400 -> new GatewayException(ProblemCode.INVALID_REQUEST, "the request is malformed");
      case 404 -> new GatewayException(ProblemCode.NOT_FOUND, "no such resource");
      case 405 ->
          new GatewayException(
              ProblemCode.METHOD_NOT_ALLOWED, "method not allowed on this resource");
      case 413 ->
          new GatewayException(
              ProblemCode.BODY_TOO_LARGE, "the request body exceeds the configured limit");
      case 414 -> new GatewayException(ProblemCode.URI_TOO_LONG, "the request line is too long");
      case 415 ->
          new GatewayException(
              ProblemCode.UNSUPPORTED_MEDIA_TYPE, "this resource does not accept that media type");
      case 431 ->
          new GatewayException(ProblemCode.HEADERS_TOO_LARGE, "the request headers are too large");
      default ->
          new GatewayException(
              ProblemCode.INTERNAL_ERROR, "internal error; quote the request id to support");
    };
  }
}
