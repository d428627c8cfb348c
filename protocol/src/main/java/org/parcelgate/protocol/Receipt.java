package org.parcelgate.protocol;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;

/**
 * What the gateway attests when it accepts a batch: who sent which bytes when, under which request
 * token, and what came of its records. Signed as a JWS by {@link ReceiptSigner}; both sides can
 * prove later what was sent and accepted.
 *
 * @param batchId the gateway's id of the batch
 * @param marketplaceId the sending partner
 * @param bodySha256 base64url SHA-256 of the exact body bytes
 * @param requestJti the {@code jti} of the request token that carried the batch
 * @param receivedAt when the gateway received it
 * @param writerSchema fingerprint of the writer schema the container used
 * @param records records in the batch
 * @param accepted records stored (new transactions and amendments)
 * @param unchanged records identical to a version already stored, so not stored again
 * @param rejected records refused by validation or by the amendment rules
 */
public record Receipt(
    String batchId,
    String marketplaceId,
    String bodySha256,
    String requestJti,
    Instant receivedAt,
    String writerSchema,
    int records,
    int accepted,
    int unchanged,
    int rejected) {

  /** The receipt's claims; the signer adds {@code iss}. */
  public JWTClaimsSet claims() {
    return new JWTClaimsSet.Builder()
        .subject(marketplaceId)
        .issueTime(Date.from(receivedAt))
        .jwtID(batchId)
        .claim("batch_id", batchId)
        .claim("body_sha256", bodySha256)
        .claim("request_jti", requestJti)
        .claim("writer_schema", writerSchema)
        .claim("records", records)
        .claim("accepted", accepted)
        .claim("unchanged", unchanged)
        .claim("rejected", rejected)
        .build();
  }

  /**
   * The receipt a signed JWS attests, once its signature verifies with the gateway's keys.
   *
   * @throws IllegalArgumentException if the signature or the claims are not those of a receipt
   */
  public static Receipt verify(String jws, JWKSet gatewayKeys) {
    JWTClaimsSet claims =
        new GatewaySignatures(gatewayKeys).verify(jws, JoseTypes.RECEIPT).claims();
    try {
      Date issued = claims.getIssueTime();
      Receipt receipt =
          new Receipt(
              claims.getStringClaim("batch_id"),
              claims.getSubject(),
              claims.getStringClaim("body_sha256"),
              claims.getStringClaim("request_jti"),
              issued == null ? null : issued.toInstant(),
              claims.getStringClaim("writer_schema"),
              count(claims, "records"),
              count(claims, "accepted"),
              count(claims, "unchanged"),
              count(claims, "rejected"));
      if (receipt.batchId() == null
          || receipt.marketplaceId() == null
          || receipt.bodySha256() == null
          || receipt.receivedAt() == null) {
        throw new IllegalArgumentException("the receipt lacks batch_id, sub, body_sha256 or iat");
      }
      return receipt;
    } catch (ParseException e) {
      throw new IllegalArgumentException("the receipt's claims are malformed");
    }
  }

  private static int count(JWTClaimsSet claims, String name) throws ParseException {
    Integer value = claims.getIntegerClaim(name);
    if (value == null || value < 0) {
      throw new IllegalArgumentException("the receipt lacks the count " + name);
    }
    return value;
  }
}
