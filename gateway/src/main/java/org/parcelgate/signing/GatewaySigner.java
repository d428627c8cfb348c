package org.parcelgate.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.LinkedHashMap;
import java.util.Map;
import org.parcelgate.protocol.SignatureAlgorithms;

/**
 * Signs what the gateway attests (receipts, log checkpoints, feed pages, push tokens) with its
 * active key: a compact JWS whose header names the type and the key's {@code kid}, verifiable with
 * the keys published at {@code /.well-known/jwks.json}. Thread-safe.
 */
public final class GatewaySigner {
  private static final String ISSUER = "iss";

  private final String gatewayId;
  private final JWK key;
  private final JWSAlgorithm algorithm;
  private final JWSSigner signer;

  public GatewaySigner(GatewaySigningKeys keys, String gatewayId) {
    this.gatewayId = gatewayId;
    this.key = keys.activeKey();
    this.algorithm = SignatureAlgorithms.require(key);
    this.signer = SignatureAlgorithms.signer(key);
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
   * The protected header holds {@code alg}, {@code kid}, {@code typ}, {@code iss} (the gateway's
   * id) and the given parameters, nothing else.
   *
   * @param parameters further protected header parameters, such as {@code iat} and {@code aud}
   * @throws IllegalArgumentException if a parameter would replace {@code iss} or a registered
   *     header parameter
   */
  public String signDetached(JOSEObjectType type, Map<String, Object> parameters, byte[] payload) {
    if (parameters.containsKey(ISSUER)) {
      throw new IllegalArgumentException("the gateway's id is the iss of everything it signs");
    }
    // One map, set once: JWSHeader.Builder.customParams replaces every custom parameter set
    // before it (a customParam("iss", ...) ahead of it was lost), and keeps the map it is given.
    Map<String, Object> custom = new LinkedHashMap<>();
    custom.put(ISSUER, gatewayId);
    custom.putAll(parameters);
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(algorithm)
                .type(type)
                .keyID(key.getKeyID())
                .customParams(custom)
                .build(),
            new Payload(payload));
    try {
      jws.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a " + type, e);
    }
    return jws.serialize(true);
  }
}
