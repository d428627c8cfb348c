package org.parcelgate.http;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Where the gateway is in its life: readiness for the ops port, refusal of new work while draining.
 * Readiness also falls while the store cannot write.
 */
public final class Lifecycle {
  /** The states, in order. */
  public enum State {
    STARTING,
    READY,
    DRAINING
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
  private volatile BooleanSupplier storeAvailable = () -> true;

  public State state() {
    return state.get();
  }

  /** Readiness also requires this: the store can write. */
  public void requireStore(BooleanSupplier available) {
    this.storeAvailable = available;
  }

  /** Whether {@code /health/ready} answers 200: ready, and the store can write. */
  public boolean isReady() {
    return state.get() == State.READY && storeAvailable.getAsBoolean();
  }

  /**
   * What readiness reports: {@code starting}, {@code ready}, {@code draining}, or {@code
   * unavailable} while ready but the store cannot write.
   */
  public String readiness() {
    State current = state.get();
    if (current == State.READY && !storeAvailable.getAsBoolean()) {
      return "unavailable";
    }
    return current.name().toLowerCase(Locale.ROOT);
  }

  public void ready() {
    state.compareAndSet(State.STARTING, State.READY);
  }

  public void drain() {
    state.set(State.DRAINING);
  }

  public boolean isDraining() {
    return state.get() == State.DRAINING;
  }
}
