package org.parcelgate.logging;

/**
 * Names of the key/value pairs that log calls attach with SLF4J's fluent API ({@code addKeyValue}):
 * the text format appends them as {@code key=value}, the JSON format writes them as members of the
 * line's object. Values are identifiers only, never personal data or secrets.
 */
public final class LogKeys {
  /** The request's id, as in its {@code X-Request-Id} answer header. */
  public static final String REQUEST_ID = "request_id";

  /** The registered partner the request came from, when its certificate was recognised. */
  public static final String PARTNER = "partner";

  private LogKeys() {}
}
