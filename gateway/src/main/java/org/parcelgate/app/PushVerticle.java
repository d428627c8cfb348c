package org.parcelgate.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.parcelgate.delivery.Pusher;

/**
 * Push delivery in a verticle of its own: every recipient's timers, attempts and state changes run
 * on this verticle's event loop; the store and signature work runs on the {@code delivery} pool.
 */
final class PushVerticle extends VerticleBase {
  private final Pusher pusher;

  PushVerticle(Pusher pusher) {
    this.pusher = pusher;
  }

  @Override
  public Future<?> start() {
    pusher.start();
    return Future.succeededFuture();
  }

  /** Completes when the deliveries in flight have settled. */
  @Override
  public Future<?> stop() {
    return pusher.stop();
  }
}
