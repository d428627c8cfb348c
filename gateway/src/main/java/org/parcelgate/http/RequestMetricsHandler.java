package org.parcelgate.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.parcelgate.auth.PartnerContext;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.metrics.GatewayMetrics;

/**
 * First handler of every partner request: gives it an id and records its outcome and latency when
 * it ends.
 */
final class RequestMetricsHandler implements PlatformHandler {
  static final String REQUEST_ID_HEADER = "X-Request-Id";

  private final GatewayMetrics metrics;

  RequestMetricsHandler(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestScope.begin(ctx, System.nanoTime());
    metrics.requestStarted();
    ctx.response()
        .putHeader(REQUEST_ID_HEADER, RequestScope.requestId(ctx))
        .putHeader("X-Content-Type-Options", "nosniff");
    ctx.addEndHandler(
        ended -> {
          String partner = PartnerContext.partnerId(ctx).orElse(null);
          metrics.request(
              outcome(ctx, ended.failed()),
              Duration.ofNanos(System.nanoTime() - RequestScope.startNanos(ctx)),
              partner);
          String thumbprint = PartnerContext.certificateThumbprint(ctx).orElse(null);
          if (partner != null && thumbprint != null && !metrics.knowsCertificate(thumbprint)) {
            clientCertificate(ctx)
                .ifPresent(leaf -> metrics.partnerCertificate(partner, thumbprint, leaf));
          }
        });
    ctx.next();
  }

  /** The certificate the request's connection presented, once its partner is known. */
  private static Optional<X509Certificate> clientCertificate(RoutingContext ctx) {
    try {
      List<Certificate> chain = ctx.request().connection().peerCertificates();
      return chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate leaf
          ? Optional.of(leaf)
          : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  /**
   * The refusal to count, null for an accepted request. A connection that closes while the request
   * is still arriving (a body cut short) ends the response before the failure handler has
   * classified the request: that is a malformed request, never an accepted one.
   */
  private static ProblemCode outcome(RoutingContext ctx, boolean closedBeforeAnswer) {
    ProblemCode refusal = RequestScope.refusal(ctx);
    if (refusal == null && closedBeforeAnswer && !ctx.request().isEnded()) {
      return ProblemCode.INVALID_REQUEST;
    }
    return refusal;
  }
}
