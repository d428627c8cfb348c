package org.parcelgate.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.net.URI;
import java.net.URISyntaxException;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;

/**
 * Lets a request in only while the gateway is not draining, only with a body whose end can be found
 * ({@link BodyFraming}), and only with a path the router can decode: a malformed percent-escape
 * would otherwise fail deep in route matching as a server error.
 */
final class AdmissionHandler implements PlatformHandler {
  private final Lifecycle lifecycle;

  AdmissionHandler(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (lifecycle.isDraining()) {
      throw new GatewayException(
          ProblemCode.SHUTTING_DOWN, "the gateway is shutting down; retry later");
    }
    if (!BodyFraming.understood(ctx.request())) {
      // Where the body ends is unknown: the rest of the bytes cannot be read as the next request.
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      throw new GatewayException(ProblemCode.INVALID_REQUEST, BodyFraming.REFUSAL);
    }
    try {
      new URI(null, null, ctx.request().path(), null).getPath();
      URI.create(ctx.request().uri().startsWith("/") ? ctx.request().uri() : "/");
    } catch (IllegalArgumentException | URISyntaxException e) {
      throw new GatewayException(ProblemCode.INVALID_REQUEST, "the request path cannot be decoded");
    }
    ctx.next();
  }
}
