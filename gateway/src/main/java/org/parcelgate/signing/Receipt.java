package org.parcelgate.signing;

import java.time.Instant;

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
    int rejected) {}
