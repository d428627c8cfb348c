package org.parcelgate.store;

/**
 * A unique key was violated: another batch with the same body digest, the same transaction version,
 * or the same batch id is already stored (usually by a concurrent request). Nothing of the failing
 * batch was stored; the caller may look up what won and answer from it, or retry.
 *
 * <p>Carries no driver exception and no stack trace: the driver's message would name the
 * conflicting values, and the caller handles the conflict as an ordinary outcome.
 */
public class StoreConflictException extends StoreException {
  private static final long serialVersionUID = 1L;

  public StoreConflictException(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
