package org.parcelgate.auth;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;

/**
 * Lets a request through only if the partner of its client certificate has one of the route's
 * roles. On token routes it runs after the token handler, which proved the token is that partner's;
 * on certificate-only routes (the privacy officers' review page) the certificate alone identifies
 * the partner.
 */
public final class RoleHandler implements Handler<RoutingContext> {
  private final Set<Role> allowed;

  /** What a refused request that asks for HTML gets instead of a problem; null: the problem. */
  private final Handler<RoutingContext> refusalPage;

  private RoleHandler(Set<Role> allowed, Handler<RoutingContext> refusalPage) {
    this.allowed = allowed;
    this.refusalPage = refusalPage;
  }

  public static RoleHandler require(Role first, Role... more) {
    return new RoleHandler(EnumSet.of(first, more), null);
  }

  public static RoleHandler anyRole() {
    return new RoleHandler(EnumSet.allOf(Role.class), null);
  }

  /**
   * The same rule, but a refused request whose {@code Accept} header names {@code text/html} (a
   * browser opening a page) is answered by {@code page}, which must answer {@code 403}: a readable
   * refusal instead of a problem document. Other requests still get the problem.
   */
  public RoleHandler withRefusalPage(Handler<RoutingContext> page) {
    return new RoleHandler(allowed, page);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!allowed.contains(PartnerContext.partner(ctx).role())) {
      String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
      if (refusalPage != null && accept != null && accept.contains("text/html")) {
        refusalPage.handle(ctx);
        return;
      }
      throw new GatewayException(
          ProblemCode.FORBIDDEN, "this resource is not available to the partner's role");
    }
    ctx.next();
  }
}
