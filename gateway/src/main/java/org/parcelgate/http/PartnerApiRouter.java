package org.parcelgate.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.parcelgate.auth.ClientCertificateHandler;
import org.parcelgate.auth.PartnerContext;
import org.parcelgate.auth.RequestTokenHandler;
import org.parcelgate.auth.RoleHandler;
import org.parcelgate.auth.VerifiedRequest;
import org.parcelgate.metrics.GatewayMetrics;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.tls.CertificateRecheckHandler;

/**
 * Assembles the partner API. Every request passes the same handlers in a fixed order, each with one
 * job:
 *
 * <ol>
 *   <li>request id and metrics;
 *   <li>admission: refusal while the gateway drains, and of paths that cannot be decoded;
 *   <li>the connection's certificate re-checked against the CRLs in force (resumed sessions,
 *       reloads);
 *   <li>client certificate to registered, active partner, before any body byte is read;
 *   <li>body, bounded by the configured limit (needed whole for the digest check);
 *   <li>signed request token (everything except the public key set and the privacy officers' review
 *       page, which a browser reaches with its client certificate alone);
 *   <li>role, per route;
 *   <li>the endpoint, which never re-checks what a handler already proved.
 * </ol>
 */
public final class PartnerApiRouter {
  public static final String JWKS_PATH = "/.well-known/jwks.json";
  public static final String WHOAMI_PATH = "/v1/whoami";

  private PartnerApiRouter() {}

  public static Router create(
      Vertx vertx,
      Lifecycle lifecycle,
      GatewayMetrics metrics,
      int bodyLimitBytes,
      CertificateRecheckHandler recheck,
      ClientCertificateHandler certificates,
      RequestTokenHandler tokens,
      GatewaySigningKeys signingKeys,
      BatchEndpoints batches,
      PrivacyEndpoints privacy,
      CustomsEndpoints customs) {
    Router router = Router.router(vertx);
    ProblemHandler problems = new ProblemHandler();

    router
        .route()
        .handler(new RequestMetricsHandler(metrics))
        .handler(new AdmissionHandler(lifecycle))
        .handler(recheck)
        .handler(certificates)
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes).setHandleFileUploads(false))
        .failureHandler(problems);

    String jwks = signingKeys.publishedKeys().toString();
    router
        .get(JWKS_PATH)
        .handler(
            ctx ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/jwk-set+json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=300")
                    .end(jwks));

    // The privacy officers' review page: a browser presents the certificate, it cannot sign tokens.
    privacy.mountPage(router);

    router.route().handler(tokens);
    router.get(WHOAMI_PATH).handler(RoleHandler.anyRole()).handler(PartnerApiRouter::whoami);
    batches.mount(router);
    privacy.mount(router);
    customs.mount(router);

    for (int status : new int[] {400, 404, 405, 413, 414, 415, 431, 500}) {
      router.errorHandler(status, problems);
    }
    return router;
  }

  /**
   * The handler for requests the HTTP decoder could not parse; install it on the partner server.
   */
  public static Handler<HttpServerRequest> invalidRequests(GatewayMetrics metrics) {
    return new InvalidRequests(metrics);
  }

  private static void whoami(RoutingContext ctx) {
    VerifiedRequest request = PartnerContext.request(ctx);
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(
            new JsonObject()
                .put("partnerId", request.partner().id())
                .put("role", request.partner().role().wireName())
                .put("keyId", request.keyId())
                .encode());
  }
}
