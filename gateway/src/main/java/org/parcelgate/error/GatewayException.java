package org.parcelgate.error;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The one error root of the gateway: a refusal with a stable {@link ProblemCode} and a fixed, safe
 * detail text.
 *
 * <p>The detail must never contain client input (tokens, claims, body content) or personal data: it
 * is written to the client and to the log as it is. Instances are cheap: no stack trace is captured
 * for client errors.
 */
public class GatewayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ProblemCode problem;
  private final transient Duration retryAfter;

  public GatewayException(ProblemCode problem, String detail) {
    this(problem, detail, null);
  }

  public GatewayException(ProblemCode problem, String detail, Throwable cause) {
    this(problem, detail, cause, null);
  }

  private GatewayException(
      ProblemCode problem, String detail, Throwable cause, Duration retryAfter) {
    super(
        Objects.requireNonNull(detail, "detail"),
        cause,
        false,
        !problem.isClientError() && retryAfter == null);
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /**
   * A refusal the client should repeat later ({@code 429} or {@code 503}): the answer carries
   * {@code Retry-After} with the given delay, rounded up to whole seconds. Such refusals are
   * expected under load, so no stack trace is captured.
   */
  public static GatewayException retryLater(
      ProblemCode problem, String detail, Duration retryAfter) {
    if (problem.status() != 429 && problem.status() != 503) {
      throw new IllegalArgumentException("Retry-After belongs to 429 and 503, not " + problem);
    }
    return new GatewayException(
        problem, detail, null, Objects.requireNonNull(retryAfter, "retryAfter"));
  }

  public ProblemCode problem() {
    return problem;
  }

  /** The delay for the {@code Retry-After} header, if the client should retry. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** The safe, human-readable explanation (RFC 9457 {@code detail}). */
  public String detail() {
    return getMessage();
  }
}
