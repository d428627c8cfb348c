package org.parcelgate.auth;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.protocol.Digests;

/**
 * Maps the connection's client certificate (already validated by the TLS layer) to a registered,
 * active partner. A valid chain whose thumbprint is not registered, or belongs to a suspended
 * partner, stops here.
 */
public final class ClientCertificateHandler implements SecurityPolicyHandler {
  private final Supplier<PartnerRegistry> registry;

  public ClientCertificateHandler(Supplier<PartnerRegistry> registry) {
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext ctx) {
    X509Certificate certificate = leaf(ctx);
    String thumbprint = Digests.thumbprint(certificate);
    Partner partner =
        registry
            .get()
            .byThumbprint(thumbprint)
            .orElseThrow(
                () ->
                    new GatewayException(
                        ProblemCode.UNKNOWN_CLIENT,
                        "the client certificate is not registered to any partner"));
    if (!partner.isActive()) {
      throw new GatewayException(ProblemCode.PARTNER_SUSPENDED, "the partner is suspended");
    }
    PartnerContext.certified(ctx, partner, thumbprint);
    ctx.next();
  }

  private static X509Certificate leaf(RoutingContext ctx) {
    List<Certificate> chain;
    try {
      chain = ctx.request().connection().peerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      chain = null;
    }
    if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
      throw new GatewayException(
          ProblemCode.CLIENT_CERTIFICATE_REQUIRED, "a client certificate is required");
    }
    return leaf;
  }
}
