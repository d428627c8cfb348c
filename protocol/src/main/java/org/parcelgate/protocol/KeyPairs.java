package org.parcelgate.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Whether a private key and a public key (usually a certificate's) are one pair: a signature the
 * private key makes verifies with the public key. The client checks its TLS key against its
 * certificate before connecting, and the gateway's configuration check its server key, so that a
 * mismatch is named as what it is rather than as a failed handshake.
 */
public final class KeyPairs {
  private static final byte[] PROBE =
      "parcelgate key pair check".getBytes(StandardCharsets.US_ASCII);

  private KeyPairs() {}

  /**
   * True if {@code privateKey} signs what {@code publicKey} verifies; false for keys of different
   * types or of a type neither end uses (EC, RSA and EdDSA are).
   */
  public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm = signatureAlgorithm(privateKey.getAlgorithm());
    if (algorithm == null || !algorithm.equals(signatureAlgorithm(publicKey.getAlgorithm()))) {
      return false;
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * The JDK's signature for a key type; providers name EdDSA keys "EdDSA", "Ed25519" or "Ed448".
   */
  private static String signatureAlgorithm(String keyAlgorithm) {
    return switch (keyAlgorithm) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> null;
    };
  }
}
