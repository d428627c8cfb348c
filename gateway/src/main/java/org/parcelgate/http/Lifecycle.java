package org.parcelgate.http;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the gateway is in its life: readiness for the ops port, refusal of new work while draining.
 */
public final class Lifecycle {
  /** The states, in order. */
  public enum State {
    STARTING,
    READY,
    DRAINING
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);

  public State state() {
    return state.get();
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
