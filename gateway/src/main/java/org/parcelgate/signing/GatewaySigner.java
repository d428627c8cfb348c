package org.parcelgate.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.parcelgate.auth.SignatureAlgorithms;

/**
 * Signs what the gateway attests (receipts, log checkpoints) with its active key: a compact JWS
 * whose header names the type and the key's {@code kid}, verifiable with the keys published at
 * {@code /.well-known/jwks.json}. Thread-safe.
 */
public final class GatewaySigner {
  private final String gatewayId;
  private final JWK key;
  private final JWSAlgorithm algorithm;
  private final JWSSigner signer;

  public GatewaySigner(GatewaySigningKeys keys, String gatewayId) {
    this.gatewayId = gatewayId;
    this.key = keys.activeKey();
    this.algorithm =
        SignatureAlgorithms.algorithmFor(key.toPublicJWK())
            .orElseThrow(() -> new IllegalArgumentException("the active signing key cannot sign"));
    this.signer = signer(key);
  }

  /** The gateway's id: the {@code iss} of everything it signs. */
  public String gatewayId() {
    return gatewayId;
  }

  /** Signs claims as a JWS of the given type; {@code iss} is set to the gateway's id. */
  public String sign(JOSEObjectType type, JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(algorithm).type(type).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder(claims).issuer(gatewayId).build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a " + type, e);
    }
    return jwt.serialize();
  }

  /**
   * Signs a payload as a JWS with a detached payload (RFC 7515 Appendix F): the compact form with
   * its middle part empty. A verifier puts the base64url of the bytes it received in the middle.
   *
   * @param parameters further protected header parameters, such as {@code iat} and {@code aud}
   */
  public String signDetached(
      JOSEObjectType type, java.util.Map<String, Object> parameters, byte[] payload) {
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(algorithm)
                .type(type)
                .keyID(key.getKeyID())
                .customParam("iss", gatewayId)
                .customParams(parameters)
                .build(),
            new Payload(payload));
    try {
      jws.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a " + type, e);
    }
    return jws.serialize(true);
  }

  private static JWSSigner signer(JWK key) {
    try {
      if (key instanceof ECKey ec) {
        return new ECDSASigner(ec);
      }
      if (key instanceof RSAKey rsa) {
        return new RSASSASigner(rsa);
      }
      if (key instanceof OctetKeyPair okp) {
        return new Ed25519Signer(okp);
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the active signing key cannot sign", e);
    }
    throw new IllegalArgumentException("unsupported signing key type");
  }
}
