package org.parcelgate.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.time.Duration;
import org.parcelgate.auth.PartnerContext;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;

/**
 * Right after the certificate is mapped to a partner, and before any body byte is read: the
 * partner's requests in flight are counted against {@code
 * partner-api.max-requests-in-flight-per-partner}; one more gets {@code 429 too_many_requests}. The
 * place is given back once, when the request ends (answer written or connection closed).
 */
final class PartnerLimitHandler implements SecurityPolicyHandler {
  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final PartnerInFlight inFlight;

  PartnerLimitHandler(PartnerInFlight inFlight) {
    this.inFlight = inFlight;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String partner = PartnerContext.partner(ctx).id();
    PartnerInFlight.Permit permit =
        inFlight
            .tryAcquire(partner)
            .orElseThrow(
                () ->
                    GatewayException.retryLater(
                        ProblemCode.TOO_MANY_REQUESTS,
                        "this partner already has "
                            + inFlight.limit()
                            + " requests in flight; retry when one has been answered",
                        RETRY_AFTER));
    ctx.addEndHandler(ended -> permit.release());
    ctx.next();
  }
}
