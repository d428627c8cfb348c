package org.parcelgate.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.metrics.GatewayMetrics;

/**
 * One instance of the partner port: its own HTTP server and router on its own event loop. The
 * gateway deploys several instances on the same port; Vert.x spreads the accepted connections over
 * them, so TLS records, HTTP decoding and body buffers of different partners use different cores.
 * Everything the instances share (registry, trust, limits, pools, store) is thread-safe and created
 * once, before the deployment.
 */
final class PartnerApiVerticle extends VerticleBase {
  private final HttpServerOptions options;
  private final Function<io.vertx.core.Vertx, Router> routers;
  private final GatewayMetrics metrics;
  private final Duration headerTimeout;
  private final Duration shutdownGrace;
  private volatile HttpServer server;

  /**
   * @param routers builds this instance's router (its handlers share the gateway's limits)
   * @param shutdownGrace how long requests in flight may take to finish when the instance stops
   */
  PartnerApiVerticle(
      HttpServerOptions options,
      Function<io.vertx.core.Vertx, Router> routers,
      GatewayMetrics metrics,
      Duration headerTimeout,
      Duration shutdownGrace) {
    this.options = options;
    this.routers = routers;
    this.metrics = metrics;
    this.headerTimeout = headerTimeout;
    this.shutdownGrace = shutdownGrace;
  }

  @Override
  public Future<?> start() {
    server =
        vertx
            .createHttpServer(options)
            .invalidRequestHandler(PartnerApiRouter.invalidRequests(metrics))
            .connectionHandler(PartnerApiRouter.headerDeadline(headerTimeout, metrics))
            .requestHandler(routers.apply(vertx));
    return server.listen();
  }

  /** Stops accepting connections and gives the requests in flight the grace to finish. */
  @Override
  public Future<?> stop() {
    return server.shutdown(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The port this instance listens on (the actual one when configured as 0). */
  int port() {
    return server.actualPort();
  }
}
