package org.parcelgate.http;

import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.metrics.GatewayMetrics;

/**
 * Answers requests the HTTP decoder could not parse (bad request line, over-long line or headers)
 * with a problem document like every other refusal, counted in the metrics, and closes the
 * connection.
 */
final class InvalidRequests implements Handler<HttpServerRequest> {
  private final GatewayMetrics metrics;

  InvalidRequests(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(HttpServerRequest request) {
    ProblemCode code = classify(request.decoderResult().cause());
    metrics.requestStarted();
    metrics.request(code, Duration.ZERO);
    request.response().putHeader("Connection", "close");
    Problems.write(request.response(), code, code.title(), null);
  }

  static ProblemCode classify(Throwable cause) {
    if (cause instanceof TooLongFrameException tooLong) {
      String message = String.valueOf(tooLong.getMessage());
      return message.contains("header") ? ProblemCode.HEADERS_TOO_LARGE : ProblemCode.URI_TOO_LONG;
    }
    return ProblemCode.INVALID_REQUEST;
  }
}
