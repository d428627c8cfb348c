package org.parcelgate.risk;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import java.util.Optional;

/**
 * Amounts in minor units as the IOSS, three-way-match and revenue checks read and show them: the
 * currency's decimals, the order date, and text an officer reads ({@code 12.34 EUR}).
 */
final class MinorUnits {
  private static final long SECONDS_PER_DAY = 86_400;

  private MinorUnits() {}

  /** The decimals of an ISO 4217 currency, or empty for a code Java does not know. */
  static Optional<Integer> digits(String currency) {
    if (currency == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * An amount with its currency's decimals and code: {@code 12.34 EUR}, {@code 1500 JPY}; the
   * currency must be one {@link #digits} knows.
   */
  static String format(long minor, String currency) {
    int digits = digits(currency).orElseThrow();
    return BigDecimal.valueOf(minor, digits).toPlainString() + " " + currency;
  }

  /** Euro cents as text: {@code 150.00 EUR}. */
  static String eur(long cents) {
    return format(cents, "EUR");
  }

  /** The calendar date (UTC) of an instant: the date at which rates and tables apply. */
  static LocalDate date(Instant time) {
    return LocalDate.ofEpochDay(epochDay(time));
  }

  /**
   * The epoch day (UTC) of an instant: what {@code time.atOffset(UTC).toLocalDate().toEpochDay()}
   * gives, without the {@code ZoneRules} that {@code atOffset} makes on every call.
   */
  static long epochDay(Instant time) {
    return Math.floorDiv(time.getEpochSecond(), SECONDS_PER_DAY);
  }
}
