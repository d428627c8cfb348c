package org.parcelgate.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads certificates and CRLs (PEM or DER) with the JDK's X.509 factory. Blocking: call from a
 * worker.
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
