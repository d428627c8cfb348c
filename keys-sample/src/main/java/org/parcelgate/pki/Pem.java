package org.parcelgate.pki;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * PEM encoding and files of certificates, CRLs and private keys.
 *
 * <p>Certificates are written as {@code CERTIFICATE}, CRLs as {@code X509 CRL} and private keys as
 * unencrypted PKCS#8 {@code PRIVATE KEY} blocks (never the traditional OpenSSL {@code EC PRIVATE
 * KEY} or {@code RSA PRIVATE KEY} forms), with 64-character lines and {@code \n} line ends whatever
 * the platform. Reading accepts what this class writes.
 */
public final class Pem {
  private static final String PRIVATE_KEY = "PRIVATE KEY";
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final Map<ASN1ObjectIdentifier, String> KEY_ALGORITHMS =
      Map.of(
          X9ObjectIdentifiers.id_ecPublicKey, "EC",
          PKCSObjectIdentifiers.rsaEncryption, "RSA",
          PKCSObjectIdentifiers.id_RSASSA_PSS, "RSASSA-PSS",
          EdECObjectIdentifiers.id_Ed25519, "Ed25519",
          EdECObjectIdentifiers.id_Ed448, "Ed448");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private Pem() {}

  /** The certificate as a {@code CERTIFICATE} PEM block. */
  public static String encode(X509Certificate certificate) {
    try {
      return block("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateException e) {
      throw new PkiException("cannot encode " + certificate.getSubjectX500Principal(), e);
    }
  }

  /** The CRL as an {@code X509 CRL} PEM block. */
  public static String encode(X509CRL crl) {
    try {
      return block("X509 CRL", crl.getEncoded());
    } catch (CRLException e) {
      throw new PkiException("cannot encode the CRL of " + crl.getIssuerX500Principal(), e);
    }
  }

  /** The private key as an unencrypted PKCS#8 {@code PRIVATE KEY} PEM block. */
  public static String encodePrivateKey(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new PkiException(
          "a " + key.getAlgorithm() + " key in format " + key.getFormat() + " is not PKCS#8");
    }
    return block(PRIVATE_KEY, key.getEncoded());
  }

  /**
   * Writes text to a file as UTF-8, creating its parent directories and replacing what it held. A
   * file holding a private key (a whole PEM block whose type ends in {@code PRIVATE KEY}) is made
   * readable and writable by its owner only (POSIX mode 600) where the file system supports POSIX
   * permissions, before its content is written.
   */
  public static void write(Path file, String text) {
    write(file, text, holdsPrivateKey(text));
  }

  /** Writes text to a file as {@link #write(Path, String)} does, owner-only when {@code secret}. */
  static void write(Path file, String text, boolean secret) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        if (Files.exists(file)) {
          Files.setPosixFilePermissions(file, OWNER_ONLY);
        } else {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Reads the first certificate of a PEM (or DER) file. */
  public static X509Certificate readCertificate(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (GeneralSecurityException e) {
      throw new PkiException("not a certificate: " + file, e);
    }
  }

  /** Reads the first CRL of a PEM (or DER) file. */
  public static X509CRL readCrl(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (GeneralSecurityException e) {
      throw new PkiException("not a CRL: " + file, e);
    }
  }

  /**
   * Reads an unencrypted PKCS#8 {@code PRIVATE KEY} PEM file (EC, RSA, RSASSA-PSS, Ed25519 or
   * Ed448) into a key of the JDK's own providers.
   */
  public static PrivateKey readPrivateKey(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Matcher block = BLOCK.matcher(text);
    if (!block.find() || !PRIVATE_KEY.equals(block.group(1))) {
      throw new PkiException("no PKCS#8 '-----BEGIN " + PRIVATE_KEY + "-----' block in " + file);
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(block.group(2));
      ASN1ObjectIdentifier oid =
          PrivateKeyInfo.getInstance(der).getPrivateKeyAlgorithm().getAlgorithm();
      String algorithm = KEY_ALGORITHMS.get(oid);
      if (algorithm == null) {
        throw new PkiException("unsupported private key algorithm " + oid + " in " + file);
      }
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new PkiException("cannot decode the private key in " + file, e);
    }
  }

  private static boolean holdsPrivateKey(String text) {
    Matcher block = BLOCK.matcher(text);
    while (block.find()) {
      if (block.group(1).endsWith(PRIVATE_KEY)) {
        return true;
      }
    }
    return false;
  }

  private static String block(String type, byte[] der) {
    String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
  }
}
