package org.parcelgate.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store can work now. A {@link StoreFault} (full, read-only, failing or stalled disk, a
 * lock held past the deadline) makes it <em>unavailable</em>: writes are then refused at once with
 * {@link StoreUnavailableException} instead of being tried, and readiness reports the fault. Only a
 * successful {@link GatewayStore#probe() probe} makes it available again.
 *
 * <p>Each change is logged once: the fault at ERROR with the engine's exception (so the real cause,
 * such as {@code [SQLITE_FULL] ... (database or disk is full)}, reaches the log), the recovery at
 * INFO. Thread-safe.
 */
public final class StoreHealth {
  private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);

  /** The store has been unavailable since {@code since} because of {@code fault}. */
  public record Outage(StoreFault fault, Instant since) {}

  private final Clock clock;
  private final AtomicReference<Outage> outage = new AtomicReference<>();

  public StoreHealth(Clock clock) {
    this.clock = clock;
  }

  /** Why and since when the store is unavailable; empty while it is available. */
  public Optional<Outage> outage() {
    return Optional.ofNullable(outage.get());
  }

  public boolean available() {
    return outage.get() == null;
  }

  /**
   * Records a fault. The first makes the store unavailable. A later one is ignored, except that an
   * outage known only as a deadline that passed takes the engine's fault when the stalled operation
   * ends with one: the log then names the real cause.
   *
   * @param cause what the engine or the deadline reported, for the log; may be null
   */
  void failed(StoreFault fault, Throwable cause) {
    while (true) {
      Outage current = outage.get();
      boolean sharper =
          current != null
              && current.fault().kind() == StoreFault.Kind.TIMEOUT
              && fault.kind() != StoreFault.Kind.TIMEOUT
              && fault.kind() != StoreFault.Kind.QUEUE_FULL;
      if (current != null && !sharper) {
        return;
      }
      Outage next = new Outage(fault, current == null ? clock.instant() : current.since());
      if (outage.compareAndSet(current, next)) {
        if (current == null) {
          LOG.error(
              "store unavailable: {}; requests that need a write are answered 503"
                  + " store_unavailable until a probe of the store succeeds",
              fault.describe(),
              cause);
        } else {
          LOG.error(
              "store still unavailable: the stalled operation ended with {}",
              fault.describe(),
              cause);
        }
        return;
      }
    }
  }

  /** A probe wrote: the store is available again. */
  void recovered() {
    Outage was = outage.getAndSet(null);
    if (was != null) {
      LOG.info(
          "store available again after {} unavailable ({})",
          Duration.between(was.since(), clock.instant()),
          was.fault().describe());
    }
  }
}
