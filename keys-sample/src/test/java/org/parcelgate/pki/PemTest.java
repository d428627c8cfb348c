package org.parcelgate.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir Path directory;

  @Test
  void privateKeysAreWrittenAsPkcs8AndReadBack() {
    for (KeyPair keys : List.of(Keys.ecP256(), Keys.rsa(2048), Keys.ed25519())) {
      String pem = Pem.encodePrivateKey(keys.getPrivate());
      Path file = directory.resolve(keys.getPrivate().getAlgorithm() + ".SAMPLE-ONLY.key.pem");
      Pem.write(file, pem);

      assertThat(pem)
          .startsWith("-----BEGIN PRIVATE KEY-----\n")
          .endsWith("\n-----END PRIVATE KEY-----\n");
      assertThat(pem.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
      PrivateKey read = Pem.readPrivateKey(file);
      assertThat(read.getAlgorithm()).isEqualTo(keys.getPrivate().getAlgorithm());
      assertThat(read.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }
  }

  @Test
  void certificatesAndCrlsRoundTrip() {
    CertificateAuthority ca =
        CertificateAuthority.createRoot("Pem Root", NOW, NOW.plus(Duration.ofDays(1)));
    X509CRL crl = ca.issueCrl(List.of(), NOW, NOW.plus(Duration.ofDays(1)));
    Path certificateFile = directory.resolve("nested/dir/ca.crt.pem");
    Path crlFile = directory.resolve("ca.crl.pem");
    Pem.write(certificateFile, Pem.encode(ca.certificate()));
    Pem.write(crlFile, Pem.encode(crl));

    assertThat(Pem.encode(ca.certificate())).startsWith("-----BEGIN CERTIFICATE-----\n");
    assertThat(Pem.encode(crl)).startsWith("-----BEGIN X509 CRL-----\n");
    X509Certificate read = Pem.readCertificate(certificateFile);
    assertThat(read).isEqualTo(ca.certificate());
    assertThat(Pem.readCrl(crlFile)).isEqualTo(crl);
  }

  @Test
  void privateKeyFilesAreReadableByTheirOwnerOnly() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path key = directory.resolve("k/key.pem");
    Path certificate = directory.resolve("k/cert.pem");
    Files.createDirectories(key.getParent());
    Files.writeString(key, "old");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    Pem.write(key, Pem.encodePrivateKey(Keys.ecP256().getPrivate()));
    Pem.write(
        certificate, Pem.encode(CertificateAuthority.createRoot("X", NOW, NOW).certificate()));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certificate)))
        .isNotEqualTo("rw-------");
  }

  @Test
  void readPrivateKeyRefusesTraditionalOpenSslKeys() throws IOException {
    Path file = directory.resolve("traditional.pem");
    Files.writeString(file, "-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n");

    assertThatThrownBy(() -> Pem.readPrivateKey(file))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("PKCS#8");
  }
}
