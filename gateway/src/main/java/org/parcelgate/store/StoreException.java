package org.parcelgate.store;

/**
 * The database failed or refused in a way the caller cannot fix by retrying with other data: I/O,
 * corruption, a migration that does not match, no connection free in time.
 *
 * <p>Messages never contain stored values (ids, digests, tokens); causes may carry the driver's
 * exception for the server log.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** For refusals that are expected and cheap: without a stack trace unless asked for. */
  StoreException(String message, Throwable cause, boolean writableStackTrace) {
    super(message, cause, false, writableStackTrace);
  }
}
