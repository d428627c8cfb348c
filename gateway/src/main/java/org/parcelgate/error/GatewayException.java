package org.parcelgate.error;

import java.util.Objects;

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

  public GatewayException(ProblemCode problem, String detail) {
    this(problem, detail, null);
  }

  public GatewayException(ProblemCode problem, String detail, Throwable cause) {
    super(Objects.requireNonNull(detail, "detail"), cause, false, !problem.isClientError());
    this.problem = problem;
  }

  public ProblemCode problem() {
    return problem;
  }

  /** The safe, human-readable explanation (RFC 9457 {@code detail}). */
  public String detail() {
    return getMessage();
  }
}
