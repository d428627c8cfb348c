package org.parcelgate.client;

/**
 * The gateway refused a request with a problem document (RFC 9457): switch on {@link #code()},
 * quote {@link #requestId()} to the operator.
 */
public final class ProblemException extends ClientException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String detail;
  private final String requestId;

  public ProblemException(int status, String code, String detail, String requestId) {
    super(status + " " + code + (detail == null ? "" : ": " + detail));
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.requestId = requestId;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The stable problem code, such as {@code token_replayed}. */
  public String code() {
    return code;
  }

  /** The gateway's short explanation; its wording may change. */
  public String detail() {
    return detail;
  }

  /** The {@code X-Request-Id} of the refused request, or {@code null}. */
  public String requestId() {
    return requestId;
  }

  /**
   * Whether sending the same request again may succeed: the gateway was busy or failed ({@code
   * 429}, {@code 5xx}), or the request did not reach it within its read deadline ({@code 408
   * request_timeout}, which RFC 9110 lets a client repeat).
   */
  public boolean retryable() {
    return status == 408 || status == 429 || status >= 500;
  }
}
