package org.parcelgate.auth;

import java.time.Instant;

/**
 * What a verified request token proved: which partner signed it, with which key, and its
 * identifier.
 *
 * @param partner the partner bound to both the connection's certificate and the token
 * @param keyId the {@code kid} that verified the signature
 * @param jti the token identifier, already consumed in the replay guard
 * @param issuedAt the token's {@code iat}
 * @param expiresAt the token's {@code exp}
 */
public record VerifiedRequest(
    Partner partner, String keyId, String jti, Instant issuedAt, Instant expiresAt) {}
