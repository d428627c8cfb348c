package org.parcelgate.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Function;

/**
 * The operations port (health, metrics, operator commands) in a verticle of its own, so that a
 * scrape or a readiness probe never shares an event loop with partner traffic by construction.
 */
final class OpsVerticle extends VerticleBase {
  private final HttpServerOptions options;
  private final Function<io.vertx.core.Vertx, Router> router;
  private volatile HttpServer server;

  OpsVerticle(HttpServerOptions options, Function<io.vertx.core.Vertx, Router> router) {
    this.options = options;
    this.router = router;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(options).requestHandler(router.apply(vertx));
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  int port() {
    return server.actualPort();
  }
}
