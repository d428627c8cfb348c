package org.parcelgate.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.parcelgate.config.ConfigException;
import org.parcelgate.config.ConfigLoader;

/**
 * A gateway started inside another program (the command line's {@code demo}, the conformance suite,
 * the client's tests) from its settings, the {@code PARCELGATE_*} variables of docs/operations.md.
 * Blocks the caller while it starts and stops; never call it from an event loop.
 */
public final class EmbeddedGateway implements AutoCloseable {
  private final Vertx vertx;
  private final Gateway gateway;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private EmbeddedGateway(Vertx vertx, Gateway gateway) {
    this.vertx = vertx;
    this.gateway = gateway;
  }

  /**
   * Starts a gateway with these settings and no configuration file.
   *
   * @throws ConfigException for a setting that is wrong
   * @throws IllegalStateException if it cannot start (a port taken, a file missing)
   */
  public static EmbeddedGateway start(Map<String, String> settings) {
    Vertx vertx = Vertx.vertx();
    try {
      Gateway gateway =
          ConfigLoader.load(vertx, Optional.empty(), settings)
              .compose(
                  config ->
                      Gateway.start(
                          vertx,
                          config,
                          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                          Clock.systemUTC()))
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      return new EmbeddedGateway(vertx, gateway);
    } catch (ExecutionException e) {
      vertx.close();
      if (e.getCause() instanceof ConfigException config) {
        throw config;
      }
      throw new IllegalStateException("the gateway cannot start: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      vertx.close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the gateway started", e);
    } catch (TimeoutException e) {
      vertx.close();
      throw new IllegalStateException("the gateway did not start within 60 s", e);
    }
  }

  /** The port of the partner API (HTTPS, mutual TLS). */
  public int partnerPort() {
    return gateway.partnerPort();
  }

  /** The port of the operator endpoints (health, metrics, admin). */
  public int opsPort() {
    return gateway.opsPort();
  }

  /** Drains, stops and releases everything; waits up to a minute. A second call does nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      gateway.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      // Closed from this thread: a close chained onto the stop would wait on its own event loop.
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the gateway did not stop cleanly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
