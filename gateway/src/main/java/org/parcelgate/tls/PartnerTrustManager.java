package org.parcelgate.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, during the TLS handshake, whether a client certificate chain may connect to the partner
 * port: PKIX path validation to a configured trust anchor at the injected clock's time, the {@code
 * clientAuth} extended key usage, and revocation of every certificate of the path from CRLs whose
 * signature and freshness are checked. A missing or stale CRL fails closed unless staleness is
 * explicitly allowed.
 *
 * <p>The handshake runs this on a worker thread (the engine is configured to delegate its tasks),
 * never on the event loop. Which partner a valid certificate belongs to is decided later, by the
 * auth package.
 */
public final class PartnerTrustManager extends X509ExtendedTrustManager {
  private static final Logger LOG = LoggerFactory.getLogger(PartnerTrustManager.class);
  private static final String CLIENT_AUTH_EKU = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_EKU = "2.5.29.37.0";

  private final List<X509Certificate> anchors;
  private final Set<TrustAnchor> trustAnchors;
  private final Supplier<CrlSet> crls;
  private final boolean allowStaleCrl;
  private final Clock clock;
  private final Consumer<TlsRejection> rejections;
  private final Set<X509CRL> staleWarned = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param anchors the trust anchors (root CAs) partner certificates must chain to
   * @param crls the CRLs in force now; read on every handshake so a reload takes effect at once
   * @param allowStaleCrl whether a CRL past its nextUpdate is still used (with a warning) instead
   *     of failing closed
   * @param rejections told of every refusal, for metrics
   */
  public PartnerTrustManager(
      List<X509Certificate> anchors,
      Supplier<CrlSet> crls,
      boolean allowStaleCrl,
      Clock clock,
      Consumer<TlsRejection> rejections) {
    if (anchors.isEmpty()) {
      throw new IllegalArgumentException("at least one trust anchor is required");
    }
    this.anchors = List.copyOf(anchors);
    Set<TrustAnchor> set = new LinkedHashSet<>();
    for (X509Certificate anchor : anchors) {
      set.add(new TrustAnchor(anchor, null));
    }
    this.trustAnchors = Set.copyOf(set);
    this.crls = crls;
    this.allowStaleCrl = allowStaleCrl;
    this.clock = clock;
    this.rejections = rejections;
  }

  /** Validates a client chain (leaf first); the single entry point all handshake variants call. */
  public void validate(X509Certificate[] chain) throws CertificateRejectedException {
    try {
      doValidate(chain);
    } catch (CertificateRejectedException e) {
      rejections.accept(e.reason());
      LOG.info("client certificate refused: {} ({})", e.reason().tag(), e.getMessage());
      throw e;
    }
  }

  private void doValidate(X509Certificate[] chain) throws CertificateRejectedException {
    if (chain == null || chain.length == 0) {
      throw new CertificateRejectedException(TlsRejection.UNTRUSTED, "no client certificate");
    }
    Instant now = clock.instant();
    PKIXCertPathValidatorResult result = validatePath(chain, now);
    checkClientUsage(chain[0]);
    X509Certificate anchor = result.getTrustAnchor().getTrustedCert();
    // The path as validated: the chain up to (not including) the anchor; each element's issuer is
    // the next one.
    List<? extends java.security.cert.Certificate> path = pathWithoutAnchor(chain, anchor);
    for (int i = 0; i < path.size(); i++) {
      X509Certificate certificate = (X509Certificate) path.get(i);
      X509Certificate issuer = i + 1 < path.size() ? (X509Certificate) path.get(i + 1) : anchor;
      checkRevocation(certificate, issuer, now);
    }
  }

  /**
   * Re-checks, for one request, a chain that passed a handshake earlier: the leaf must still be
   * within its validity and no certificate of the path may be revoked under the CRLs in force now.
   * A resumed TLS session skips the trust manager, and a keep-alive connection outlives a CRL
   * reload; this closes both gaps. Cheap: no path building, CRL signatures are verified once per
   * CRL.
   */
  public void recheck(List<X509Certificate> chain) throws CertificateRejectedException {
    try {
      if (chain.isEmpty()) {
        throw new CertificateRejectedException(TlsRejection.UNTRUSTED, "no client certificate");
      }
      Instant now = clock.instant();
      X509Certificate leaf = chain.get(0);
      if (now.isAfter(leaf.getNotAfter().toInstant())
          || now.isBefore(leaf.getNotBefore().toInstant())) {
        throw new CertificateRejectedException(
            TlsRejection.EXPIRED, "certificate outside its validity period");
      }
      List<X509Certificate> path = pathWithoutAnchors(chain.toArray(new X509Certificate[0]));
      for (int i = 0; i < path.size(); i++) {
        X509Certificate certificate = path.get(i);
        X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchorFor(certificate);
        checkRevocation(certificate, issuer, now);
      }
    } catch (CertificateRejectedException e) {
      rejections.accept(e.reason());
      throw e;
    }
  }

  private X509Certificate anchorFor(X509Certificate certificate)
      throws CertificateRejectedException {
    for (X509Certificate anchor : anchors) {
      if (anchor.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
        return anchor;
      }
    }
    throw new CertificateRejectedException(
        TlsRejection.UNTRUSTED, "certificate does not chain to a trust anchor");
  }

  private PKIXCertPathValidatorResult validatePath(X509Certificate[] chain, Instant now)
      throws CertificateRejectedException {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      CertPath path = factory.generateCertPath(pathWithoutAnchors(chain));
      PKIXParameters parameters = new PKIXParameters(trustAnchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      return (PKIXCertPathValidatorResult)
          CertPathValidator.getInstance("PKIX").validate(path, parameters);
    } catch (CertPathValidatorException e) {
      if (e.getReason() == BasicReason.EXPIRED || e.getReason() == BasicReason.NOT_YET_VALID) {
        throw new CertificateRejectedException(
            TlsRejection.EXPIRED, "certificate outside its validity period");
      }
      throw new CertificateRejectedException(
          TlsRejection.UNTRUSTED, "certificate does not chain to a trust anchor");
    } catch (InvalidAlgorithmParameterException | CertificateException e) {
      throw new CertificateRejectedException(
          TlsRejection.UNTRUSTED, "certificate path cannot be built");
    } catch (GeneralSecurityException e) {
      throw new CertificateRejectedException(
          TlsRejection.UNTRUSTED, "certificate path cannot be validated");
    }
  }

  /** Clients may send their root too; PKIX wants the path without it. */
  private List<X509Certificate> pathWithoutAnchors(X509Certificate[] chain) {
    List<X509Certificate> path = new java.util.ArrayList<>(Arrays.asList(chain));
    while (path.size() > 1 && anchors.contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    return path;
  }

  private List<X509Certificate> pathWithoutAnchor(X509Certificate[] chain, X509Certificate anchor) {
    List<X509Certificate> path = pathWithoutAnchors(chain);
    path.remove(anchor);
    return path;
  }

  private static void checkClientUsage(X509Certificate leaf) throws CertificateRejectedException {
    List<String> usages;
    try {
      usages = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new CertificateRejectedException(
          TlsRejection.NOT_CLIENT_CERTIFICATE, "unreadable extended key usage");
    }
    if (usages != null && !usages.contains(CLIENT_AUTH_EKU) && !usages.contains(ANY_EKU)) {
      throw new CertificateRejectedException(
          TlsRejection.NOT_CLIENT_CERTIFICATE, "certificate is not for TLS client authentication");
    }
  }

  private void checkRevocation(X509Certificate certificate, X509Certificate issuer, Instant now)
      throws CertificateRejectedException {
    CrlSet current = crls.get();
    X509CRL crl =
        current
            .forIssuer(certificate.getIssuerX500Principal())
            .orElseThrow(
                () ->
                    new CertificateRejectedException(
                        TlsRejection.CRL_MISSING,
                        "no CRL is configured for the certificate's issuer"));
    if (!current.signatureValid(crl, issuer.getPublicKey())) {
      throw new CertificateRejectedException(
          TlsRejection.CRL_INVALID, "the issuer's CRL is not signed by the issuer");
    }
    if (crl.getThisUpdate().toInstant().isAfter(now)) {
      throw new CertificateRejectedException(
          TlsRejection.CRL_INVALID, "the issuer's CRL is not yet valid");
    }
    if (crl.getNextUpdate() == null || now.isAfter(crl.getNextUpdate().toInstant())) {
      if (!allowStaleCrl) {
        throw new CertificateRejectedException(
            TlsRejection.CRL_STALE, "the issuer's CRL is past its nextUpdate");
      }
      if (staleWarned.add(crl)) {
        LOG.warn(
            "using a stale CRL of {} because tls.allow-stale-crl is true",
            crl.getIssuerX500Principal().getName());
      }
    }
    if (crl.isRevoked(certificate)) {
      throw new CertificateRejectedException(TlsRejection.REVOKED, "certificate is revoked");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    validate(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    validate(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    validate(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("this trust manager only validates clients");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager only validates clients");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager only validates clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return anchors.toArray(new X509Certificate[0]);
  }
}
