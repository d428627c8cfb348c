package org.parcelgate.signing;

import org.parcelgate.protocol.JoseTypes;
import org.parcelgate.protocol.Receipt;

/**
 * Signs batch receipts with the gateway's active key: a JWS with {@code typ} {@code
 * parcelgate-receipt+jwt}, the key's {@code kid} and the claims of {@link Receipt#claims()},
 * verifiable with the keys published at {@code /.well-known/jwks.json} ({@link Receipt#verify}).
 * Thread-safe.
 */
public final class ReceiptSigner {
  private final GatewaySigner signer;

  public ReceiptSigner(GatewaySigner signer) {
    this.signer = signer;
  }

  public ReceiptSigner(GatewaySigningKeys keys, String gatewayId) {
    this(new GatewaySigner(keys, gatewayId));
  }

  /** The receipt as a compact JWS. */
  public String sign(Receipt receipt) {
    return signer.sign(JoseTypes.RECEIPT, receipt.claims());
  }
}
