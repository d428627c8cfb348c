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
 * @param bodySha256 the base64url SHA-256 of the request's body, which the token's {@code
 *     body_sha256} claim was checked against: computed once here, so that nothing after needs to
 *     hash the body again; {@code null} for a request without a body whose token has no such claim
 */
public record VerifiedRequest(
    Partner partner,
    String keyId,
    String jti,
    Instant issuedAt,
    Instant expiresAt,
    String bodySha256) {}
