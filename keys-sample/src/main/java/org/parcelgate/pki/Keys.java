package org.parcelgate.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/**
 * Fresh key pairs for certificates, made by the JDK's own providers so that the JDK's TLS engine
 * and PKIX code accept them as they are.
 */
public final class Keys {
  private Keys() {}

  /** A new EC key pair on the NIST P-256 curve (secp256r1). */
  public static KeyPair ecP256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot generate an EC P-256 key pair", e);
    }
  }

  /**
   * A new RSA key pair.
   *
   * @param bits the modulus size; the JDK refuses sizes below 512. Small sizes exist only to test
   *     their refusal.
   */
  public static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new PkiException("cannot generate an RSA key pair of " + bits + " bits", e);
    }
  }

  /** A new Ed25519 key pair. */
  public static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot generate an Ed25519 key pair", e);
    }
  }
}
