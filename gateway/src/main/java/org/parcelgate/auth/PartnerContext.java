package org.parcelgate.auth;

import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** Typed access to what the authentication handlers proved about the current request. */
public final class PartnerContext {
  private static final String PARTNER = "parcelgate.partner";
  private static final String THUMBPRINT = "parcelgate.thumbprint";
  private static final String VERIFIED = "parcelgate.verified";
  private static final String BODY = "parcelgate.body";
  private static final String RECEIVED = "parcelgate.body.received";

  private PartnerContext() {}

  static void certified(RoutingContext ctx, Partner partner, String thumbprint) {
    ctx.put(PARTNER, partner);
    ctx.put(THUMBPRINT, thumbprint);
  }

  /**
   * Hands on the body the partner port's body step collected, whole, in the one array the gateway
   * keeps it in (no copy is made after this). Not yet proven: the token handler checks its digest.
   */
  public static void received(RoutingContext ctx, byte[] body) {
    ctx.put(RECEIVED, body);
  }

  /**
   * The body as collected, before the token proves it; zero bytes when the request had none (no
   * body step put one). For the token handler, and for tests of the body step; endpoints use {@link
   * #body}.
   */
  public static byte[] received(RoutingContext ctx) {
    byte[] body = ctx.get(RECEIVED);
    return body == null ? new byte[0] : body;
  }

  static void verified(RoutingContext ctx, VerifiedRequest request, byte[] body) {
    ctx.put(VERIFIED, request);
    ctx.put(BODY, body);
  }

  /**
   * The partner of the connection's client certificate; present once {@link
   * ClientCertificateHandler} passed.
   */
  public static Partner partner(RoutingContext ctx) {
    Partner partner = ctx.get(PARTNER);
    if (partner == null) {
      throw new IllegalStateException("route is missing the client certificate handler");
    }
    return partner;
  }

  static String thumbprint(RoutingContext ctx) {
    return ctx.get(THUMBPRINT);
  }

  /** The thumbprint of the client certificate the partner was recognised by, once it was. */
  public static Optional<String> certificateThumbprint(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(THUMBPRINT));
  }

  /** The verified request token; present once {@link RequestTokenHandler} passed. */
  public static VerifiedRequest request(RoutingContext ctx) {
    VerifiedRequest request = ctx.get(VERIFIED);
    if (request == null) {
      throw new IllegalStateException("route is missing the request token handler");
    }
    return request;
  }

  /**
   * The request's body exactly as its token's {@code body_sha256} covers it: zero bytes for a
   * request without one (absent, {@code Content-Length: 0}, or a chunked body of no chunk). Present
   * once {@link RequestTokenHandler} passed; endpoints read the body here and nowhere else.
   */
  public static byte[] body(RoutingContext ctx) {
    byte[] body = ctx.get(BODY);
    if (body == null) {
      throw new IllegalStateException("route is missing the request token handler");
    }
    return body;
  }

  /** The partner id if the request got as far as the certificate check; for logs and metrics. */
  public static Optional<String> partnerId(RoutingContext ctx) {
    Partner partner = ctx.get(PARTNER);
    return Optional.ofNullable(partner).map(Partner::id);
  }
}
