package org.parcelgate.tls;

import java.security.cert.CertificateException;

/** A client certificate chain was refused; carries the reason for metrics and the log. */
public final class CertificateRejectedException extends CertificateException {
  private static final long serialVersionUID = 1L;

  private final transient TlsRejection reason;

  public CertificateRejectedException(TlsRejection reason, String message) {
    super(message);
    this.reason = reason;
  }

  public TlsRejection reason() {
    return reason;
  }
}
