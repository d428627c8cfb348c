package org.parcelgate.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
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
 *   <li>the read deadline of the rest of the request (its headers have their own, on the
 *       connection: {@link #headerDeadline});
 *   <li>admission: refusal while the gateway drains, and of paths that cannot be decoded;
 *   <li>the connection's certificate re-checked against the CRLs in force (resumed sessions,
 *       reloads);
 *   <li>client certificate to registered, active partner, before any body byte is read;
 *   <li>the partner's requests in flight, against its limit;
 *   <li>body, bounded by the configured limit and admitted against the gateway's body memory budget
 *       (needed whole for the digest check);
 *   <li>signed request token (everything except the public key set and the privacy officers' review
 *       page, which a browser reaches with its client certificate alone);
 *   <li>role, per route;
 *   <li>the endpoint, which never re-checks what a handler already proved.
 * </ol>
 */
public final class PartnerApiRouter {
  public static final String JWKS_PATH = "/.well-known/jwks.json";
  public static final String WHOAMI_PATH = "/v1/whoami";
  public static final String OPENAPI_PATH = "/v1/openapi.json";

  /** The OpenAPI 3.1 description of this router's endpoints, a resource of the jar. */
  public static final String OPENAPI_RESOURCE = "/org/parcelgate/http/openapi.json";

  private PartnerApiRouter() {}

  /**
   * Bounds on what requests may hold: one body's size, the bytes of bodies held at once over all
   * requests, how long a body may take to arrive, and each partner's requests in flight.
   */
  public record Limits(
      int bodyLimitBytes,
      long bodyMemoryBudget,
      Duration bodyTimeout,
      int maxRequestsInFlightPerPartner) {}

  /**
   * What every router of the port shares, whichever verticle instance serves a connection: the body
   * memory budget and each partner's requests in flight are limits of the gateway, not of one event
   * loop.
   */
  public static final class Shared {
    private final Limits limits;
    private final BodyBudget budget;
    private final PartnerInFlight inFlight;

    private Shared(Limits limits, BodyBudget budget, PartnerInFlight inFlight) {
      this.limits = limits;
      this.budget = budget;
      this.inFlight = inFlight;
    }
  }

  /** Creates the shared limits once per gateway, and registers their meters. */
  public static Shared shared(Limits limits, GatewayMetrics metrics) {
    BodyBudget budget = new BodyBudget(limits.bodyMemoryBudget());
    metrics.bodyMemory(budget::inUse, budget.capacity());
    return new Shared(limits, budget, new PartnerInFlight(limits.maxRequestsInFlightPerPartner()));
  }

  /**
   * One router, for one verticle instance; the handlers' limits are the gateway's ({@code shared}).
   */
  public static Router create(
      Vertx vertx,
      Lifecycle lifecycle,
      GatewayMetrics metrics,
      Shared shared,
      CertificateRecheckHandler recheck,
      ClientCertificateHandler certificates,
      RequestTokenHandler tokens,
      GatewaySigningKeys signingKeys,
      BatchEndpoints batches,
      SchemaEndpoints schemas,
      PrivacyEndpoints privacy,
      CustomsEndpoints customs,
      RiskBandEndpoints riskBands) {
    Router router = Router.router(vertx);
    ProblemHandler problems = new ProblemHandler();
    Limits limits = shared.limits;

    router
        .route()
        .handler(new RequestMetricsHandler(metrics))
        .handler(new BodyDeadlineHandler(limits.bodyTimeout()))
        .handler(new AdmissionHandler(lifecycle))
        .handler(recheck)
        .handler(certificates)
        .handler(new PartnerLimitHandler(shared.inFlight))
        .handler(new BudgetedBodyHandler(shared.budget, limits.bodyLimitBytes()))
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

    Buffer description = apiDescription();
    router
        .get(OPENAPI_PATH)
        .handler(
            ctx ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/openapi+json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=300")
                    .end(description));

    // The privacy officers' review page: a browser presents the certificate, it cannot sign tokens.
    privacy.mountPage(router);

    List<Route> withoutToken =
        router.getRoutes().stream()
            .filter(route -> route.methods() != null && !route.methods().isEmpty())
            .toList();

    router.route().handler(tokens);
    router.get(WHOAMI_PATH).handler(RoleHandler.anyRole()).handler(PartnerApiRouter::whoami);
    batches.mount(router);
    schemas.mount(router);
    privacy.mount(router);
    customs.mount(router);
    riskBands.mount(router);

    // Vert.x answers 405 only when no route matched after the one whose method differed, and the
    // token handler matches every request. So the paths answered without a token are declared again
    // after it: another method on them gets 405 once the token is verified, as on every other path,
    // not 404. Their own methods never get here: the first declaration answered them.
    withoutToken.forEach(route -> declareAgain(router, route));

    for (int status : new int[] {400, 404, 405, 413, 414, 415, 431, 500}) {
      router.errorHandler(status, problems);
    }
    return router;
  }

  /**
   * The endpoints a router serves, as {@code METHOD path}: the routes that name their methods
   * (handlers for every method, such as the token check, are steps, not endpoints); a regular
   * expression route by its expression. The test of the OpenAPI description compares these with the
   * document.
   */
  public static SortedSet<String> endpoints(Router router) {
    SortedSet<String> endpoints = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      if (methods == null || methods.isEmpty()) {
        continue;
      }
      String path = route.isRegexPath() ? route.getName() : route.getPath();
      methods.forEach(method -> endpoints.add(method.name() + " " + path));
    }
    return endpoints;
  }

  private static void declareAgain(Router router, Route route) {
    // A pattern route's name is its pattern (none of these routes is named otherwise).
    Route again =
        route.getPath() != null
            ? router.route(route.getPath())
            : router.routeWithRegex(route.getName());
    route.methods().forEach(again::method);
    again.handler(RoutingContext::next);
  }

  private static Buffer apiDescription() {
    try (InputStream in = PartnerApiRouter.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + OPENAPI_RESOURCE);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + OPENAPI_RESOURCE, e);
    }
  }

  /**
   * The header read deadline of each connection (408 and close when a request's line and headers do
   * not arrive in time); install it as the partner server's connection handler.
   */
  public static Handler<HttpConnection> headerDeadline(Duration timeout, GatewayMetrics metrics) {
    return new HeaderDeadline(timeout, metrics);
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
