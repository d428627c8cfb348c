package org.parcelgate.tls;

import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;

/**
 * The certificate revocation lists in force, one per issuing CA, with their signatures checked
 * against the issuer that a certificate path actually names. Immutable apart from a memo of
 * verified signatures.
 */
public final class CrlSet {
  private final Map<X500Principal, X509CRL> byIssuer;
  private final Map<Verification, Boolean> verified = new ConcurrentHashMap<>();

  private record Verification(X500Principal issuer, PublicKey key) {}

  private CrlSet(Map<X500Principal, X509CRL> byIssuer) {
    this.byIssuer = Map.copyOf(byIssuer);
  }

  /** The CRLs of these files' contents (PEM or DER), checked as {@link #of} checks them. */
  public static CrlSet parse(List<byte[]> contents, List<X509Certificate> anchors)
      throws IOException {
    List<X509CRL> crls = new ArrayList<>();
    for (byte[] content : contents) {
      crls.add(PemFiles.crl(content));
    }
    return of(crls, anchors);
  }

  /**
   * Builds the set. Each CRL whose issuer is one of the trust anchors is verified now, so a corrupt
   * or foreign file is refused at start or reload rather than at the first handshake; CRLs of
   * intermediate CAs are verified on use.
   *
   * @throws IllegalArgumentException naming the problem if two CRLs share an issuer or a signature
   *     does not verify
   */
  public static CrlSet of(List<X509CRL> crls, List<X509Certificate> anchors) {
    Map<X500Principal, X509CRL> byIssuer = new HashMap<>();
    for (X509CRL crl : crls) {
      if (byIssuer.putIfAbsent(crl.getIssuerX500Principal(), crl) != null) {
        throw new IllegalArgumentException(
            "two CRLs name the same issuer: " + crl.getIssuerX500Principal().getName());
      }
    }
    CrlSet set = new CrlSet(byIssuer);
    for (X509Certificate anchor : anchors) {
      X509CRL crl = byIssuer.get(anchor.getSubjectX500Principal());
      if (crl != null && !set.signatureValid(crl, anchor.getPublicKey())) {
        throw new IllegalArgumentException(
            "the CRL of "
                + anchor.getSubjectX500Principal().getName()
                + " is not signed by that trust anchor");
      }
    }
    return set;
  }

  public Optional<X509CRL> forIssuer(X500Principal issuer) {
    return Optional.ofNullable(byIssuer.get(issuer));
  }

  /** Whether {@code crl} is signed by {@code issuerKey}; each pair is verified once. */
  boolean signatureValid(X509CRL crl, PublicKey issuerKey) {
    if (byIssuer.get(crl.getIssuerX500Principal()) != crl) {
      return false;
    }
    return verified.computeIfAbsent(
        new Verification(crl.getIssuerX500Principal(), issuerKey),
        pair -> {
          try {
            crl.verify(pair.key());
            return true;
          } catch (java.security.GeneralSecurityException e) {
            return false;
          }
        });
  }

  /** Every CRL of the set, one per issuer. */
  public java.util.Collection<X509CRL> all() {
    return byIssuer.values();
  }

  public int size() {
    return byIssuer.size();
  }
}
