package org.parcelgate.tls;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;

/**
 * Runs the {@link PartnerTrustManager#recheck} of the connection's client chain on every request,
 * so a certificate revoked or expired since the handshake (or carried over by TLS session
 * resumption) stops working at once.
 */
public final class CertificateRecheckHandler implements SecurityPolicyHandler {
  private final PartnerTrustManager trustManager;

  public CertificateRecheckHandler(PartnerTrustManager trustManager) {
    this.trustManager = trustManager;
  }

  @Override
  public void handle(RoutingContext ctx) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      for (Certificate certificate : ctx.request().connection().peerCertificates()) {
        if (certificate instanceof X509Certificate x509) {
          chain.add(x509);
        }
      }
    } catch (SSLPeerUnverifiedException e) {
      throw new GatewayException(
          ProblemCode.CLIENT_CERTIFICATE_REQUIRED, "a client certificate is required");
    }
    try {
      trustManager.recheck(chain);
    } catch (CertificateRejectedException e) {
      // Answer, then close: this connection's certificate is no longer good for anything.
      ctx.response().putHeader("Connection", "close");
      // Through the routing context: a response end handler of its own would replace the one
      // through which the request's metrics, partner place and body reservation end.
      ctx.addEndHandler(ended -> ctx.request().connection().close());
      throw new GatewayException(
          ProblemCode.CLIENT_CERTIFICATE_REJECTED,
          "the client certificate is no longer accepted: " + e.reason().tag());
    }
    ctx.next();
  }
}
