package org.parcelgate.error;

/**
 * Every stable, machine-readable error code the gateway can answer with.
 *
 * <p>The {@link #code()} string is part of the protocol: integrators switch on it, so it never
 * changes once published. Each code carries its HTTP status and a short, fixed title; the
 * human-readable {@code detail} of a problem is chosen by the code that raises it and never echoes
 * client input. docs/protocol.md lists them all.
 */
public enum ProblemCode {
  // --- request shape
  // -----------------------------------------------------------------------------------------------
  INVALID_REQUEST(400, "invalid_request", "The request is malformed"),
  URI_TOO_LONG(414, "uri_too_long", "The request line is too long"),
  HEADERS_TOO_LARGE(431, "headers_too_large", "The request headers are too large"),
  BODY_TOO_LARGE(413, "body_too_large", "The request body exceeds the configured limit"),
  NOT_FOUND(404, "not_found", "No such resource"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed", "Method not allowed on this resource"),
  REQUEST_TIMEOUT(408, "request_timeout", "The request was not received within the read deadline"),
  TOO_MANY_REQUESTS(
      429, "too_many_requests", "The partner has the most requests in flight it may have at once"),

  // --- batches: the container as a whole (nothing of such a batch is stored)
  // ---------------------------------------
  UNSUPPORTED_MEDIA_TYPE(
      415, "unsupported_media_type", "The request body's media type is not accepted here"),
  INVALID_CONTAINER(
      400, "invalid_container", "The body is not a well-formed Avro object container file"),
  UNSUPPORTED_CODEC(400, "unsupported_codec", "The container's compression codec is not accepted"),
  UNKNOWN_WRITER_SCHEMA(
      400, "unknown_writer_schema", "The container's writer schema is not a registered version"),
  MALFORMED_RECORD(400, "malformed_record", "A record cannot be decoded with its writer schema"),
  TOO_MANY_RECORDS(
      413, "too_many_records", "The batch holds more records than the configured limit"),
  DECOMPRESSED_TOO_LARGE(
      413, "decompressed_too_large", "The batch decompresses to more than the configured limit"),
  VALUE_TOO_LARGE(
      413, "value_too_large", "A string, bytes or collection value exceeds the configured limit"),
  EMPTY_BATCH(400, "empty_batch", "The batch holds no record"),

  // --- writer schemas
  // ----------------------------------------------------------------------------------------------
  UNKNOWN_SCHEMA(404, "unknown_schema", "No schema the gateway accepts has this fingerprint"),

  // --- client identity (certificate to partner)
  // --------------------------------------------------------------------
  CLIENT_CERTIFICATE_REQUIRED(
      401, "client_certificate_required", "A client certificate is required"),
  CLIENT_CERTIFICATE_REJECTED(
      401,
      "client_certificate_rejected",
      "The client certificate was revoked or expired since the handshake"),
  UNKNOWN_CLIENT(401, "unknown_client", "The client certificate is not registered to any partner"),
  PARTNER_SUSPENDED(403, "partner_suspended", "The partner is suspended"),

  // --- request token
  // -----------------------------------------------------------------------------------------------
  MISSING_TOKEN(401, "missing_token", "A signed request token is required"),
  INVALID_TOKEN(401, "invalid_token", "The request token is invalid"),
  UNSUPPORTED_ALGORITHM(
      401, "unsupported_algorithm", "The token's signature algorithm is not accepted"),
  UNKNOWN_KEY(401, "unknown_key", "The token's key id is not registered for this partner"),
  INVALID_SIGNATURE(401, "invalid_signature", "The token's signature does not verify"),
  ISSUER_MISMATCH(
      401,
      "issuer_mismatch",
      "The token's issuer or subject is not the partner of the certificate"),
  AUDIENCE_MISMATCH(401, "audience_mismatch", "The token is not addressed to this gateway"),
  TOKEN_EXPIRED(401, "token_expired", "The token has expired"),
  TOKEN_NOT_YET_VALID(401, "token_not_yet_valid", "The token is issued in the future"),
  TOKEN_LIFETIME_TOO_LONG(
      401, "token_lifetime_too_long", "The token's lifetime exceeds the maximum"),
  TOKEN_REPLAYED(401, "token_replayed", "The token's identifier has already been used"),
  CERTIFICATE_BINDING_MISMATCH(
      401,
      "certificate_binding_mismatch",
      "The token is not bound to the client certificate of this connection"),
  DIGEST_MISMATCH(
      401, "digest_mismatch", "The body digest in the token does not match the request body"),

  // --- authorization
  // -----------------------------------------------------------------------------------------------
  FORBIDDEN(403, "forbidden", "The partner's role does not allow this request"),

  // --- minimization log
  // -------------------------------------------------------------------------------------------
  INVALID_LOG_RANGE(
      400, "invalid_log_range", "The log index or tree size is outside the minimization log"),

  // --- customs feeds
  // -----------------------------------------------------------------------------------------------
  NOT_A_RECIPIENT(
      403, "not_a_recipient", "The customs partner is not a configured recipient of records"),
  INVALID_CURSOR(400, "invalid_cursor", "The cursor is not a position of this feed"),
  NOT_ACCEPTABLE(
      406, "not_acceptable", "The feed is served as application/json or application/avro only"),

  // --- server side
  // -------------------------------------------------------------------------------------------------
  SHUTTING_DOWN(
      503, "shutting_down", "The gateway is shutting down; retry on another instance or later"),
  OVERLOADED(503, "overloaded", "The gateway is at capacity; retry after the time in Retry-After"),
  STORE_UNAVAILABLE(
      503,
      "store_unavailable",
      "The gateway's store cannot take writes now; retry after the time in Retry-After"),
  INTERNAL_ERROR(500, "internal_error", "Internal error");

  private final int status;
  private final String code;
  private final String title;

  ProblemCode(int status, String code, String title) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("problem status must be 4xx or 5xx: " + status);
    }
    this.status = status;
    this.code = code;
    this.title = title;
  }

  /** The HTTP status this code is answered with. */
  public int status() {
    return status;
  }

  /** The stable wire value of the code, for example {@code token_replayed}. */
  public String code() {
    return code;
  }

  /** A short fixed title, the RFC 9457 {@code title} member. */
  public String title() {
    return title;
  }

  /** Whether this code is the client's fault (4xx), so it is logged without a stack trace. */
  public boolean isClientError() {
    return status < 500;
  }

  /**
   * The RFC 6750 {@code WWW-Authenticate} challenge for this refusal, or {@code null}: a plain
   * Bearer challenge when no token was sent, {@code error="invalid_token"} when the token was
   * refused, none for certificate problems.
   */
  public String bearerChallenge() {
    if (this == MISSING_TOKEN) {
      return "Bearer";
    }
    if (status != 401
        || this == UNKNOWN_CLIENT
        || this == CLIENT_CERTIFICATE_REQUIRED
        || this == CLIENT_CERTIFICATE_REJECTED) {
      return null;
    }
    return "Bearer error=\"invalid_token\"";
  }
}
