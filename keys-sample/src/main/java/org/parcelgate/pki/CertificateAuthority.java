package org.parcelgate.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * A certificate authority of the sample PKI: an EC P-256 key pair and its certificate, able to
 * issue TLS server and client certificates and CRLs, all signed with SHA256withECDSA.
 *
 * <p>Serial numbers are random positive 128-bit integers. All instants are truncated to whole
 * seconds, the precision of X.509 times. Nothing here reads the clock: every validity is given by
 * the caller.
 */
public final class CertificateAuthority {
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final JcaX509ExtensionUtils EXTENSIONS = extensionUtils();

  private final X509Certificate certificate;
  private final PrivateKey privateKey;

  private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
    this.certificate = certificate;
    this.privateKey = privateKey;
  }

  /**
   * Creates a self-signed root CA with a new EC P-256 key: basicConstraints CA:true and keyUsage
   * keyCertSign|cRLSign (both critical), and a subject key identifier.
   */
  public static CertificateAuthority createRoot(
      String commonName, Instant notBefore, Instant notAfter) {
    KeyPair keys = Keys.ecP256();
    X500Name name = commonName(commonName);
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name, serialNumber(), date(notBefore), date(notAfter), name, keys.getPublic());
    addExtension(builder, Extension.basicConstraints, true, new BasicConstraints(true));
    addExtension(
        builder, Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    addExtension(
        builder, Extension.subjectKeyIdentifier, false, subjectKeyIdentifier(keys.getPublic()));
    return new CertificateAuthority(sign(builder, keys.getPrivate()), keys.getPrivate());
  }

  /**
   * Wraps an existing CA certificate and its private key, for example the committed sample root
   * read back from disk.
   *
   * @throws IllegalArgumentException if the key is not an EC key (this class signs with
   *     SHA256withECDSA only)
   */
  public static CertificateAuthority of(X509Certificate certificate, PrivateKey privateKey) {
    Objects.requireNonNull(certificate, "certificate");
    if (!(privateKey instanceof ECPrivateKey)) {
      throw new IllegalArgumentException(
          "a sample CA signs with an EC key, not " + describe(privateKey));
    }
    return new CertificateAuthority(certificate, privateKey);
  }

  /** The CA's certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA's private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /**
   * Issues a TLS server certificate: extendedKeyUsage serverAuth, keyUsage digitalSignature (and
   * keyEncipherment for an RSA key), the given DNS names and IP addresses as subject alternative
   * names, authority and subject key identifiers, basicConstraints CA:false.
   *
   * @param ipAddresses IPv4 or IPv6 literals such as {@code 127.0.0.1} or {@code ::1}
   */
  public IssuedCertificate issueServer(
      KeyPair subjectKeys,
      String commonName,
      List<String> dnsNames,
      List<String> ipAddresses,
      Instant notBefore,
      Instant notAfter) {
    int usage = KeyUsage.digitalSignature;
    if (subjectKeys.getPublic() instanceof RSAPublicKey) {
      usage |= KeyUsage.keyEncipherment;
    }
    X509v3CertificateBuilder builder = leaf(subjectKeys, commonName, notBefore, notAfter, usage);
    addExtension(
        builder,
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    List<GeneralName> names = new ArrayList<>();
    dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
    for (String ip : ipAddresses) {
      if (!IPAddress.isValid(ip)) {
        throw new IllegalArgumentException("not an IP address literal: " + ip);
      }
      names.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    if (!names.isEmpty()) {
      addExtension(
          builder,
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
    }
    return new IssuedCertificate(sign(builder, privateKey), subjectKeys);
  }

  /**
   * Issues a TLS client certificate: extendedKeyUsage clientAuth, keyUsage digitalSignature,
   * authority and subject key identifiers, basicConstraints CA:false.
   */
  public IssuedCertificate issueClient(
      KeyPair subjectKeys, String commonName, Instant notBefore, Instant notAfter) {
    X509v3CertificateBuilder builder =
        leaf(subjectKeys, commonName, notBefore, notAfter, KeyUsage.digitalSignature);
    addExtension(
        builder,
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    return new IssuedCertificate(sign(builder, privateKey), subjectKeys);
  }

  /**
   * Issues a version 2 CRL signed by this CA, listing each serial number as revoked at {@code
   * thisUpdate} for reason keyCompromise, with an authority key identifier and a CRL number. The
   * CRL number is {@code thisUpdate} in epoch seconds, so a later CRL always has a higher number
   * than an earlier one of the same CA.
   */
  public X509CRL issueCrl(List<BigInteger> revokedSerials, Instant thisUpdate, Instant nextUpdate) {
    Instant issued = thisUpdate.truncatedTo(ChronoUnit.SECONDS);
    X509v2CRLBuilder builder =
        new JcaX509v2CRLBuilder(certificate.getSubjectX500Principal(), Date.from(issued));
    builder.setNextUpdate(date(nextUpdate));
    for (BigInteger serial : revokedSerials) {
      builder.addCRLEntry(serial, Date.from(issued), CRLReason.keyCompromise);
    }
    try {
      builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier());
      builder.addExtension(
          Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(issued.getEpochSecond())));
      return new JcaX509CRLConverter().getCRL(builder.build(signer(privateKey)));
    } catch (IOException | GeneralSecurityException e) {
      throw new PkiException("cannot issue a CRL for " + certificate.getSubjectX500Principal(), e);
    }
  }

  private X509v3CertificateBuilder leaf(
      KeyPair subjectKeys, String commonName, Instant notBefore, Instant notAfter, int keyUsage) {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            certificate.getSubjectX500Principal(),
            serialNumber(),
            date(notBefore),
            date(notAfter),
            new X500Principal(encoded(commonName(commonName))),
            subjectKeys.getPublic());
    addExtension(builder, Extension.basicConstraints, true, new BasicConstraints(false));
    addExtension(builder, Extension.keyUsage, true, new KeyUsage(keyUsage));
    addExtension(
        builder,
        Extension.subjectKeyIdentifier,
        false,
        subjectKeyIdentifier(subjectKeys.getPublic()));
    addExtension(builder, Extension.authorityKeyIdentifier, false, authorityKeyIdentifier());
    return builder;
  }

  /**
   * The key identifier of this CA's own subject key identifier, or one derived from its key when it
   * has none.
   */
  private AuthorityKeyIdentifier authorityKeyIdentifier() {
    byte[] extension = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    if (extension == null) {
      return EXTENSIONS.createAuthorityKeyIdentifier(certificate.getPublicKey());
    }
    try {
      byte[] keyId =
          SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(extension))
              .getKeyIdentifier();
      return new AuthorityKeyIdentifier(keyId);
    } catch (IOException e) {
      throw new PkiException(
          "cannot read the subject key identifier of " + certificate.getSubjectX500Principal(), e);
    }
  }

  private static SubjectKeyIdentifier subjectKeyIdentifier(PublicKey key) {
    return EXTENSIONS.createSubjectKeyIdentifier(key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) {
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer(signingKey)));
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot sign a certificate", e);
    }
  }

  private static ContentSigner signer(PrivateKey signingKey) throws GeneralSecurityException {
    try {
      return new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey);
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with " + describe(signingKey), e);
    }
  }

  private static void addExtension(
      X509v3CertificateBuilder builder,
      ASN1ObjectIdentifier oid,
      boolean critical,
      ASN1Encodable value) {
    try {
      builder.addExtension(oid, critical, value);
    } catch (IOException e) {
      throw new PkiException("cannot add certificate extension " + oid, e);
    }
  }

  /** A random positive serial number of at most 128 bits. */
  private static BigInteger serialNumber() {
    BigInteger serial;
    do {
      serial = new BigInteger(128, RANDOM);
    } while (serial.signum() == 0);
    return serial;
  }

  private static X500Name commonName(String commonName) {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("a certificate needs a common name");
    }
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static byte[] encoded(X500Name name) {
    try {
      return name.getEncoded();
    } catch (IOException e) {
      throw new PkiException("cannot encode the name " + name, e);
    }
  }

  private static Date date(Instant instant) {
    return Date.from(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  private static String describe(PrivateKey key) {
    return key == null ? "no key" : "a " + key.getAlgorithm() + " key";
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (NoSuchAlgorithmException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
