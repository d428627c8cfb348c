package org.parcelgate.auth;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import java.util.List;
import java.util.Set;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.workers.WorkerPool;

/**
 * Verifies the request's signed token against the partner the certificate handler found. Signature
 * verification runs on the {@code auth} worker pool, off the event loop; the route continues on the
 * event loop with the result.
 *
 * <p>A request "has a body" when its method is POST, PUT or PATCH, or when it carries body bytes;
 * such a request needs {@code body_sha256}.
 */
public final class RequestTokenHandler implements AuthenticationHandler {
  private static final Set<HttpMethod> BODY_METHODS =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);
  private static final String BEARER = "Bearer ";

  private final RequestTokenVerifier verifier;
  private final WorkerPool workers;

  /**
   * @param workers the pool token checks run on; when it is full the request is refused with {@code
   *     503 overloaded}
   */
  public RequestTokenHandler(RequestTokenVerifier verifier, WorkerPool workers) {
    this.verifier = verifier;
    this.workers = workers;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = bearerToken(ctx);
    Partner partner = PartnerContext.partner(ctx);
    String thumbprint = PartnerContext.thumbprint(ctx);
    byte[] bytes = PartnerContext.received(ctx);
    // null: a request without a body (protocol.md, "Body binding"), which needs no body_sha256.
    byte[] body =
        bytes.length == 0 && !BODY_METHODS.contains(ctx.request().method()) ? null : bytes;
    workers
        .submit(() -> verifier.verify(partner, token, thumbprint, body))
        .onSuccess(
            verified -> {
              PartnerContext.verified(ctx, verified, bytes);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  private static String bearerToken(RoutingContext ctx) {
    List<String> headers = ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION);
    if (headers.isEmpty()) {
      throw new GatewayException(
          ProblemCode.MISSING_TOKEN, "send the request token as Authorization: Bearer <jws>");
    }
    String header = headers.get(0);
    if (headers.size() > 1 || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new GatewayException(
          ProblemCode.INVALID_TOKEN,
          "exactly one Authorization header with the Bearer scheme is required");
    }
    return header.substring(BEARER.length()).trim();
  }
}
