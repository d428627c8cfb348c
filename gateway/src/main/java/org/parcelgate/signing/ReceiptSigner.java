package org.parcelgate.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.Date;
import org.parcelgate.auth.SignatureAlgorithms;

/**
 * Signs batch receipts with the gateway's active key: a JWS with {@code typ} {@code
 * parcelgate-receipt+jwt}, the key's {@code kid}, verifiable with the keys published at {@code
 * /.well-known/jwks.json}. Thread-safe.
 */
public final class ReceiptSigner {
  public static final JOSEObjectType RECEIPT_TYPE = new JOSEObjectType("parcelgate-receipt+jwt");

  private final String gatewayId;
  private final JWK key;
  private final JWSAlgorithm algorithm;
  private final JWSSigner signer;

  public ReceiptSigner(GatewaySigningKeys keys, String gatewayId) {
    this.gatewayId = gatewayId;
    this.key = keys.activeKey();
    this.algorithm =
        SignatureAlgorithms.algorithmFor(key.toPublicJWK())
            .orElseThrow(
                () -> new IllegalArgumentException("the active signing key cannot sign receipts"));
    this.signer = signer(key);
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

  /** The receipt as a compact JWS. */
  public String sign(Receipt receipt) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(gatewayId)
            .subject(receipt.marketplaceId())
            .issueTime(Date.from(receipt.receivedAt()))
            .jwtID(receipt.batchId())
            .claim("batch_id", receipt.batchId())
            .claim("body_sha256", receipt.bodySha256())
            .claim("request_jti", receipt.requestJti())
            .claim("writer_schema", receipt.writerSchema())
            .claim("records", receipt.records())
            .claim("accepted", receipt.accepted())
            .claim("unchanged", receipt.unchanged())
            .claim("rejected", receipt.rejected())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(algorithm).type(RECEIPT_TYPE).keyID(key.getKeyID()).build(),
            claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a receipt", e);
    }
    return jwt.serialize();
  }
}
