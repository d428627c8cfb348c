package org.parcelgate.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The store cannot do this now because of a {@link StoreFault} (a full, read-only, failing or
 * stalled disk, a lock held too long), not because of the data or a bug: the caller should answer
 * "try again later" after {@link #retryAfter()}, never blame the client.
 *
 * <p>A refusal made at once, because the store is already known to be unavailable, carries no cause
 * and no stack trace: it is cheap and expected while the disk is down. The failure that made the
 * store unavailable is logged once, with its cause, by {@link StoreHealth}.
 */
public final class StoreUnavailableException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final transient StoreFault fault;
  private final transient Duration retryAfter;

  StoreUnavailableException(
      String message, StoreFault fault, Duration retryAfter, Throwable cause) {
    super(message, cause, cause != null);
    this.fault = Objects.requireNonNull(fault, "fault");
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /** Why the store cannot do it. */
  public StoreFault fault() {
    return fault;
  }

  /** When it is worth trying again: the interval of the store's probe. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
