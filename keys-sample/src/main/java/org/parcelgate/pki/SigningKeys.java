package org.parcelgate.pki;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

/**
 * Request-signing keys as private JWKs, each with its {@code kid}, its {@code alg} and {@code use}
 * = {@code sig}.
 *
 * <p>Ed25519 keys are made by Nimbus, which uses Tink for them. Signers for these keys come from
 * {@link org.parcelgate.protocol.SignatureAlgorithms#signer}, the one place both ends take them.
 */
public final class SigningKeys {
  private SigningKeys() {}

  /** A new private EC P-256 JWK for ES256. */
  public static JWK es256(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256)
          .keyID(kid)
          .algorithm(JWSAlgorithm.ES256)
          .keyUse(KeyUse.SIGNATURE)
          .generate();
    } catch (JOSEException e) {
      throw new PkiException("cannot generate ES256 key " + kid, e);
    }
  }

  /** A new private RSA 2048 JWK for PS256. */
  public static JWK ps256(String kid) {
    try {
      return new RSAKeyGenerator(RSAKeyGenerator.MIN_KEY_SIZE_BITS)
          .keyID(kid)
          .algorithm(JWSAlgorithm.PS256)
          .keyUse(KeyUse.SIGNATURE)
          .generate();
    } catch (JOSEException e) {
      throw new PkiException("cannot generate PS256 key " + kid, e);
    }
  }

  /** A new private Ed25519 octet key pair JWK for EdDSA. */
  public static JWK eddsa(String kid) {
    try {
      return new OctetKeyPairGenerator(Curve.Ed25519)
          .keyID(kid)
          .algorithm(JWSAlgorithm.EdDSA)
          .keyUse(KeyUse.SIGNATURE)
          .generate();
    } catch (JOSEException e) {
      throw new PkiException("cannot generate EdDSA key " + kid, e);
    }
  }

  /**
   * A new private JWK for the named JWS algorithm.
   *
   * @param algorithm {@code ES256}, {@code PS256} or {@code EdDSA}
   * @throws IllegalArgumentException for any other algorithm
   */
  public static JWK generate(String algorithm, String kid) {
    return switch (algorithm) {
      case "ES256" -> es256(kid);
      case "PS256" -> ps256(kid);
      case "EdDSA" -> eddsa(kid);
      default ->
          throw new IllegalArgumentException("no sample signing keys for algorithm " + algorithm);
    };
  }
}
