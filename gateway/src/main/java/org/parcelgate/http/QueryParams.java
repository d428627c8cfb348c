package org.parcelgate.http;

import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.validation.TransactionValidator;

/** Query parameters of the read APIs, checked: a bad value is an {@code invalid_request}. */
final class QueryParams {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private QueryParams() {}

  /** A partner, recipient, seller or other id: letters, digits, dot, dash, underscore. */
  static Optional<String> id(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    if (!ID.matcher(value).matches()) {
      throw invalid(name + " is an id of letters, digits, dots, dashes and underscores");
    }
    return Optional.of(value);
  }

  static Optional<Instant> time(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(value));
    } catch (DateTimeParseException e) {
      throw invalid(name + " is an ISO-8601 instant such as 2026-11-28T00:00:00Z");
    }
  }

  /** A transaction id as the schema's rule allows it (validation, {@code transactionId}). */
  static Optional<String> transactionId(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    if (!TransactionValidator.isTransactionId(value)) {
      throw invalid(name + " is a transaction id: 1 to 128 printable ASCII characters, no spaces");
    }
    return Optional.of(value);
  }

  /** {@code true} or {@code false}, nothing else. */
  static Optional<Boolean> bool(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    return switch (value) {
      case "true" -> Optional.of(true);
      case "false" -> Optional.of(false);
      default -> throw invalid(name + " is true or false");
    };
  }

  static Optional<Long> integer(RoutingContext ctx, String name, long min, long max) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    try {
      long number = Long.parseLong(value);
      if (number < min || number > max) {
        throw invalid(
            name + " is a whole number from " + min + (max < Long.MAX_VALUE ? " to " + max : ""));
      }
      return Optional.of(number);
    } catch (NumberFormatException e) {
      throw invalid(name + " is a whole number");
    }
  }

  static GatewayException invalid(String detail) {
    return new GatewayException(ProblemCode.INVALID_REQUEST, detail);
  }
}
