package org.parcelgate.protocol;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Optional;
import java.util.Set;

/**
 * The signature algorithms of the protocol, and the one rule that ties each to a key type: both
 * ends sign and verify through here, so they cannot disagree.
 *
 * <p>Only asymmetric algorithms exist here: {@code none} and HMAC can never be configured. ECDSA
 * signing and verification run on the Bouncy Castle provider, measured to be several times faster
 * than the JDK's for ES256 (the signatures are the same standard ES256, verifiable by any JOSE
 * library). Ed25519 signing and verifying go through Tink, which Nimbus needs at run time.
 */
public final class SignatureAlgorithms {
  /** Every algorithm this build supports; the configured allow-list is a subset. */
  public static final Set<JWSAlgorithm> SUPPORTED =
      Set.of(JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.EdDSA);

  /** RSA keys shorter than this are refused when the registry is loaded. */
  public static final int MIN_RSA_BITS = 2048;

  private SignatureAlgorithms() {}

  /**
   * The single algorithm a public key may sign with, or empty when the key is of a kind the gateway
   * refuses.
   */
  public static Optional<JWSAlgorithm> algorithmFor(JWK key) {
    if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
      return Optional.of(JWSAlgorithm.ES256);
    }
    if (key instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS) {
      return Optional.of(JWSAlgorithm.PS256);
    }
    if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
      return Optional.of(JWSAlgorithm.EdDSA);
    }
    return Optional.empty();
  }

  /**
   * The algorithm of a key that must be able to sign.
   *
   * @throws IllegalArgumentException for a key of a kind the protocol refuses
   */
  public static JWSAlgorithm require(JWK key) {
    return algorithmFor(key.toPublicJWK())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "key " + key.getKeyID() + " is not an ES256, PS256 or EdDSA key"));
  }

  /**
   * A signer for a private key of a kind {@link #algorithmFor} accepts.
   *
   * @throws IllegalArgumentException if the key is public or of another kind
   */
  public static JWSSigner signer(JWK privateKey) {
    if (!privateKey.isPrivate()) {
      throw new IllegalArgumentException(
          "key " + privateKey.getKeyID() + " is public and cannot sign");
    }
    require(privateKey);
    try {
      if (privateKey instanceof ECKey ec) {
        return ecdsaSigner(ec);
      }
      if (privateKey instanceof RSAKey rsa) {
        return new RSASSASigner(rsa);
      }
      return new Ed25519Signer((OctetKeyPair) privateKey);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot sign with key " + privateKey.getKeyID(), e);
    }
  }

  /**
   * An ES256 signer on Bouncy Castle. The key is handed to it as Bouncy Castle's own key type, made
   * once here: given the JDK's key, the provider converts the curve parameters at every signature,
   * and with them loses its precomputed multiples of the base point.
   */
  private static JWSSigner ecdsaSigner(ECKey key) throws JOSEException {
    PrivateKey bcKey;
    try {
      bcKey =
          KeyFactory.getInstance("EC", BouncyCastleProviderSingleton.getInstance())
              .generatePrivate(new PKCS8EncodedKeySpec(key.toECPrivateKey().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new JOSEException("cannot read the EC key " + key.getKeyID(), e);
    }
    ECDSASigner signer = new ECDSASigner(bcKey, key.getCurve());
    signer.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
    return signer;
  }

  /**
   * The public key as Bouncy Castle's own key type, made once: given the JDK's key, the provider
   * converts it at every verification, and the public point loses the multiples Bouncy Castle
   * precomputes on it at the first verification (measured: about a third of a gateway's CPU at
   * whoami load went to verifications that redid them).
   */
  private static java.security.interfaces.ECPublicKey bouncyCastlePublicKey(ECKey key)
      throws JOSEException {
    try {
      return (java.security.interfaces.ECPublicKey)
          KeyFactory.getInstance("EC", BouncyCastleProviderSingleton.getInstance())
              .generatePublic(
                  new java.security.spec.X509EncodedKeySpec(key.toECPublicKey().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new JOSEException("cannot read the EC key " + key.getKeyID(), e);
    }
  }

  /** A verifier for a public key whose algorithm was established by {@link #algorithmFor}. */
  public static JWSVerifier verifierFor(JWK key) throws JOSEException {
    if (key instanceof ECKey ec) {
      ECDSAVerifier verifier = new ECDSAVerifier(bouncyCastlePublicKey(ec));
      verifier.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
      return verifier;
    }
    if (key instanceof RSAKey rsa) {
      return new RSASSAVerifier(rsa);
    }
    if (key instanceof OctetKeyPair okp) {
      return new Ed25519Verifier(okp);
    }
    throw new JOSEException("unsupported key type");
  }
}
