package org.parcelgate.tls;

/** Why a client certificate was refused during the handshake; a bounded metrics tag. */
public enum TlsRejection {
  UNTRUSTED("untrusted"),
  EXPIRED("expired"),
  NOT_CLIENT_CERTIFICATE("not_client_certificate"),
  REVOKED("revoked"),
  CRL_MISSING("crl_missing"),
  CRL_STALE("crl_stale"),
  CRL_INVALID("crl_invalid");

  private final String tag;

  TlsRejection(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}
