package org.parcelgate.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;
import java.time.Duration;
import java.util.function.LongFunction;
import org.parcelgate.auth.PartnerContext;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request's body into memory, whole (the token binds its digest), under two bounds: {@code
 * partner-api.body-limit-bytes} per request ({@code 413 body_too_large}) and {@code
 * partner-api.body-memory-budget} over all requests. Before the first body byte is read, the body's
 * {@code Content-Length} (a chunked body: the limit, given back down to its real size once it has
 * arrived) is reserved from the {@link BodyBudget}; if it does not fit, the answer is {@code 503
 * overloaded} with {@code Retry-After} and nothing is read. The reservation is given back once,
 * when the request ends: answer written, or connection closed.
 *
 * <p>Replaces vertx-web's {@code BodyHandler}, whose chunk handler runs inside Vert.x's event
 * dispatch: an error thrown while appending a chunk (an {@link OutOfMemoryError} when the buffer
 * grows) is logged by Vert.x and the chunk dropped, the request goes on, and the token check sees a
 * body with a hole: {@code 401 digest_mismatch}, which tells the partner its signature is wrong and
 * not to retry. Here any failure of the gateway's while the body is collected ends the request at
 * once with a server error ({@code 503 overloaded} for memory, {@code 500 internal_error}
 * otherwise) and closes the connection; a failure of the client's stream (cut short, malformed
 * chunks) is {@code 400 invalid_request}; the incomplete body never reaches a later handler.
 */
final class BudgetedBodyHandler implements Handler<RoutingContext> {
  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(BudgetedBodyHandler.class);

  private final BodyBudget budget;
  private final long limit;
  private final LongFunction<BodySink> sinks;

  BudgetedBodyHandler(BodyBudget budget, int limit) {
    this(budget, limit, BodySink::allocate);
  }

  /** With the sinks the body goes to; tests make them fail. */
  BudgetedBodyHandler(BodyBudget budget, int limit, LongFunction<BodySink> sinks) {
    this.budget = budget;
    this.limit = limit;
    this.sinks = sinks;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RoutingContextInternal routing = (RoutingContextInternal) ctx;
    if (routing.seenHandler(RoutingContextInternal.BODY_HANDLER)) {
      ctx.next();
      return;
    }
    routing.visitHandler(RoutingContextInternal.BODY_HANDLER);
    HttpServerRequest request = ctx.request();
    boolean chunked = request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    long length = contentLength(request);
    if (!chunked && length < 0) {
      ctx.next(); // no body
      return;
    }
    if (!chunked && length > limit) {
      throw tooLarge();
    }
    if (request.isEnded()) {
      throw new IllegalStateException("the body step runs after the request has been read");
    }
    BodyBudget.Reservation reservation =
        budget
            .tryReserve(chunked ? limit : length)
            .orElseThrow(
                () ->
                    GatewayException.retryLater(
                        ProblemCode.OVERLOADED,
                        "the gateway holds as many request bodies as its memory allows; retry later",
                        RETRY_AFTER));
    ctx.addEndHandler(ended -> reservation.release());
    new Collector(ctx, reservation, chunked ? -1 : length).start();
  }

  private static long contentLength(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null || header.isBlank()) {
      return -1;
    }
    try {
      return Math.max(-1, Long.parseLong(header.trim()));
    } catch (NumberFormatException e) {
      return -1; // the HTTP decoder refuses such a request before it gets here
    }
  }

  private static GatewayException tooLarge() {
    return new GatewayException(
        ProblemCode.BODY_TOO_LARGE, "the request body exceeds the configured limit");
  }

  /** One body on its way in. Runs on the request's event loop only. */
  private final class Collector {
    private final RoutingContext ctx;
    private final BodyBudget.Reservation reservation;
    private final long expected;
    private BodySink sink;
    private long received;
    private boolean done;

    Collector(RoutingContext ctx, BodyBudget.Reservation reservation, long expected) {
      this.ctx = ctx;
      this.reservation = reservation;
      this.expected = expected;
    }

    void start() {
      try {
        sink = sinks.apply(expected);
      } catch (Throwable t) {
        // Before a byte was read: nothing to drain, the connection can stay.
        done = true;
        ctx.fail(failure(t));
        return;
      }
      HttpServerRequest request = ctx.request();
      request.handler(this::chunk).endHandler(this::end).exceptionHandler(this::broken);
      String expect = request.getHeader(HttpHeaders.EXPECT);
      if (expect != null
          && expect.equalsIgnoreCase("100-continue")
          && request.version() != HttpVersion.HTTP_1_0) {
        ctx.response().writeContinue();
      }
      request.resume();
    }

    private void chunk(Buffer data) {
      if (done || ctx.failed()) {
        done = true;
        sink = null;
        return; // answered already; the rest is dropped
      }
      // Whatever happens here must end the request: Vert.x would log a throwable and carry on.
      try {
        received += data.length();
        if (received > limit) {
          stop(tooLarge());
          return;
        }
        sink.append(data);
      } catch (Throwable t) {
        stop(failure(t));
      }
    }

    private void end(Void ended) {
      if (done) {
        return;
      }
      done = true;
      if (ctx.failed()) {
        sink = null; // the read deadline answered while the last bytes were on their way
        return;
      }
      byte[] body;
      try {
        body = sink.body();
      } catch (Throwable t) {
        sink = null;
        RequestScope.closeAfterAnswer(ctx);
        ctx.fail(failure(t));
        return;
      }
      sink = null;
      reservation.shrinkTo(body.length);
      PartnerContext.received(ctx, body);
      ctx.next();
    }

    /**
     * The request stream failed while the body arrived. An exception is the client's stream: the
     * connection closed before the body was complete, or its chunks could not be decoded; that is
     * {@code 400 invalid_request}, as {@link ProblemHandler} classifies it for every route. An
     * error (memory) is the gateway's: {@code 503} or {@code 500}. Either is handed to the failure
     * handler even when the connection is gone, so that it is logged as what it was.
     */
    private void broken(Throwable t) {
      if (done) {
        return;
      }
      done = true;
      sink = null;
      if (ctx.failed()) {
        return; // already answered; the end handlers give back the reservation
      }
      RequestScope.closeAfterAnswer(ctx);
      ctx.fail(
          t instanceof Error
              ? failure(t)
              : new GatewayException(ProblemCode.INVALID_REQUEST, ProblemHandler.UNREADABLE_BODY));
    }

    /** Ends the request with {@code failure} and drops what was read. */
    private void stop(GatewayException failure) {
      done = true;
      sink = null;
      if (ctx.failed() || ctx.response().headWritten()) {
        ctx.request().connection().close();
        return;
      }
      RequestScope.closeAfterAnswer(ctx);
      ctx.fail(failure);
    }

    private GatewayException failure(Throwable t) {
      if (t instanceof GatewayException known) {
        return known;
      }
      if (t instanceof OutOfMemoryError) {
        RequestScope.onBehalf(ctx, LOG.atError())
            .log(
                "out of memory while reading a request body (received={} expected={}); answered 503"
                    + " overloaded: lower partner-api.body-memory-budget or raise the heap",
                received,
                expected);
        return GatewayException.retryLater(
            ProblemCode.OVERLOADED,
            "the gateway has no memory for this body now; retry later",
            RETRY_AFTER);
      }
      return new GatewayException(
          ProblemCode.INTERNAL_ERROR, "internal error; quote the request id to support", t);
    }
  }
}
