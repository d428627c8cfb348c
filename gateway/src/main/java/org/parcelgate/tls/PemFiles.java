package org.parcelgate.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads certificates and CRLs (PEM or DER) with the JDK's X.509 factory, and private keys with
 * Bouncy Castle's PEM parser. Blocking: call from a worker.
 */
public final class PemFiles {
  private PemFiles() {}

  public static List<X509Certificate> certificates(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
      if (certificates.isEmpty()) {
        throw new IOException("no certificate in " + file.getFileName());
      }
      return certificates;
    } catch (CertificateException e) {
      throw new IOException("not a certificate file: " + file.getFileName(), e);
    }
  }

  /** The certificates of several files, in order (trust anchors: a file may hold several). */
  public static List<X509Certificate> certificates(List<Path> files) throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Path file : files) {
      certificates.addAll(certificates(file));
    }
    return certificates;
  }

  /** The first certificate of a file: the leaf of a chain. */
  public static X509Certificate firstCertificate(Path file) throws IOException {
    return certificates(file).get(0);
  }

  /** The unencrypted private key of a PEM file (PKCS#8, or PKCS#1 / SEC 1 key pairs). */
  public static PrivateKey privateKey(Path file) throws IOException {
    Object object;
    try (PEMParser parser = new PEMParser(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
      object = parser.readObject();
    } catch (IOException e) {
      throw new IOException("not a PEM private key: " + file.getFileName());
    }
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    if (object instanceof PEMKeyPair pair) {
      return converter.getPrivateKey(pair.getPrivateKeyInfo());
    }
    if (object instanceof PrivateKeyInfo info) {
      return converter.getPrivateKey(info);
    }
    throw new IOException("holds no unencrypted private key: " + file.getFileName());
  }

  public static X509CRL crl(byte[] content) throws IOException {
    try {
      return (X509CRL)
          CertificateFactory.getInstance("X.509")
              .generateCRL(new java.io.ByteArrayInputStream(content));
    } catch (CertificateException | CRLException e) {
      throw new IOException("not a CRL", e);
    }
  }
}
