package org.parcelgate.client;

/**
 * A call that could not be made or whose answer cannot be trusted: unreadable credentials, no
 * connection after every retry, an answer that is not the protocol's, or a signature that does not
 * verify. The gateway's own refusals are {@link ProblemException}s.
 */
public class ClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClientException(String message) {
    super(message);
  }

  public ClientException(String message, Throwable cause) {
    super(message, cause);
  }
}
