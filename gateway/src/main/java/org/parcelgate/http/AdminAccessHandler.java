package org.parcelgate.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.parcelgate.config.OperatorTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate in front of the ops port's admin commands: a request passes only with {@code
 * Authorization: Bearer <token>} of an operator of {@code ops.admin.token-file}, and every request
 * that passes leaves one audit line, when its answer ends, with the operator's name, the operation
 * and its outcome. Without a token file every admin request is answered 403 {@code admin_disabled};
 * a missing or unknown token 401 {@code unauthorized}. Tokens are never logged.
 *
 * <p>The audit lines go to the logger {@value #AUDIT_LOGGER}, so that they can be routed on their
 * own.
 */
final class AdminAccessHandler implements Handler<RoutingContext> {
  /** The logger of the audit lines. */
  static final String AUDIT_LOGGER = "org.parcelgate.audit";

  /** The stable codes of the answers, in the ops port's {@code status} member. */
  static final String DISABLED = "admin_disabled";

  static final String UNAUTHORIZED = "unauthorized";

  private static final Logger AUDIT = LoggerFactory.getLogger(AUDIT_LOGGER);
  private static final String BEARER = "Bearer ";
  private static final String OUTCOME = "parcelgate.admin.outcome";

  private final Optional<OperatorTokens> operators;

  AdminAccessHandler(Optional<OperatorTokens> operators) {
    this.operators = operators;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String operation = ctx.request().method() + " " + ProblemHandler.loggablePath(ctx);
    if (operators.isEmpty()) {
      AUDIT.warn("admin refused: {} from {}: admin commands are disabled", operation, peer(ctx));
      answer(
          ctx,
          403,
          new JsonObject()
              .put("status", DISABLED)
              .put(
                  "reason",
                  "admin commands are disabled: configure "
                      + OperatorTokens.KEY
                      + " (docs/operations.md)"));
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    Optional<String> operator =
        header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
            ? operators.get().operator(header.substring(BEARER.length()).strip())
            : Optional.empty();
    if (operator.isEmpty()) {
      AUDIT.warn(
          "admin refused: {} from {}: {}",
          operation,
          peer(ctx),
          header == null ? "no operator token" : "not an operator's token");
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"parcelgate-ops\"");
      answer(
          ctx,
          401,
          new JsonObject()
              .put("status", UNAUTHORIZED)
              .put("reason", "admin commands need Authorization: Bearer <an operator's token>"));
      return;
    }
    ctx.addEndHandler(
        ended ->
            AUDIT.info(
                "admin operator={} operation=\"{}\" answer={} outcome={}",
                operator.get(),
                operation,
                ctx.response().getStatusCode(),
                ended.succeeded()
                    ? String.valueOf((Object) ctx.get(OUTCOME))
                    : "connection closed before the answer"));
    ctx.next();
  }

  /** Records a command's outcome (the {@code status} member of its answer) for the audit line. */
  static void outcome(RoutingContext ctx, String status) {
    ctx.put(OUTCOME, status);
  }

  private static String peer(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null
        ? "unknown"
        : ctx.request().remoteAddress().hostAddress();
  }

  /** A refusal does not read the body: a connection that still carries one is closed after it. */
  private static void answer(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.request().isEnded()) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
