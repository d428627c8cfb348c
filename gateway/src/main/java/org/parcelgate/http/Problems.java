package org.parcelgate.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;
import org.parcelgate.error.ProblemCode;

/** Writes RFC 9457 problem documents: the one place that knows their shape. */
public final class Problems {
  public static final String MEDIA_TYPE = "application/problem+json";

  /** Base of the {@code type} URI; the code is appended. */
  public static final String TYPE_BASE = "urn:parcelgate:problem:";

  private Problems() {}

  public static JsonObject document(ProblemCode code, String detail, String requestId) {
    JsonObject problem =
        new JsonObject()
            .put("type", TYPE_BASE + code.code())
            .put("title", code.title())
            .put("status", code.status())
            .put("code", code.code())
            .put("detail", printable(detail));
    if (requestId != null) {
      problem.put("requestId", requestId);
    }
    return problem;
  }

  /** Ends the response with the problem; a 401 also carries a Bearer challenge (RFC 6750). */
  public static void write(
      HttpServerResponse response, ProblemCode code, String detail, String requestId) {
    write(response, code, detail, requestId, Optional.empty());
  }

  /**
   * Ends the response with the problem and, when given, {@code Retry-After} in whole seconds
   * (rounded up, at least 1).
   */
  public static void write(
      HttpServerResponse response,
      ProblemCode code,
      String detail,
      String requestId,
      Optional<Duration> retryAfter) {
    retryAfter.ifPresent(delay -> retryAfter(response, delay));
    response
        .setStatusCode(code.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if (code.bearerChallenge() != null) {
      response.putHeader("WWW-Authenticate", code.bearerChallenge());
    }
    response.end(document(code, detail, requestId).encode());
  }

  /** Sets {@code Retry-After} to the delay in whole seconds, rounded up, at least 1. */
  static void retryAfter(HttpServerResponse response, Duration delay) {
    response.putHeader(
        HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (delay.toMillis() + 999) / 1000)));
  }

  /**
   * Details are written by the gateway, never copied from input; this is the last guard against
   * control characters.
   */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 300));
    for (int i = 0; i < text.length() && out.length() < 300; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    return out.toString();
  }
}
