package org.parcelgate.signing;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Date;

/**
 * Signs batch receipts with the gateway's active key: a JWS with {@code typ} {@code
 * parcelgate-receipt+jwt}, the key's {@code kid}, verifiable with the keys published at {@code
 * /.well-known/jwks.json}. Thread-safe.
 */
public final class ReceiptSigner {
  public static final JOSEObjectType RECEIPT_TYPE = new JOSEObjectType("parcelgate-receipt+jwt");

  private final GatewaySigner signer;

  public ReceiptSigner(GatewaySigner signer) {
    this.signer = signer;
  }

  public ReceiptSigner(GatewaySigningKeys keys, String gatewayId) {
    this(new GatewaySigner(keys, gatewayId));
  }

  /** The receipt as a compact JWS. */
  public String sign(Receipt receipt) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
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
    return signer.sign(RECEIPT_TYPE, claims);
  }
}
