package org.parcelgate.app;

/** The gateway could not start; the message names the part, the cause says why. */
public final class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StartupException(String message, Throwable cause) {
    super(message + ": " + cause.getMessage(), cause);
  }
}
