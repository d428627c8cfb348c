package org.parcelgate.auth;

import io.vertx.core.Handler;
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

  private RoleHandler(Set<Role> allowed) {
    this.allowed = allowed;
  }

  public static RoleHandler require(Role first, Role... more) {
    return new RoleHandler(EnumSet.of(first, more));
  }

  public static RoleHandler anyRole() {
    return new RoleHandler(EnumSet.allOf(Role.class));
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!allowed.contains(PartnerContext.partner(ctx).role())) {
      throw new GatewayException(
          ProblemCode.FORBIDDEN, "this resource is not available to the partner's role");
    }
    ctx.next();
  }
}
