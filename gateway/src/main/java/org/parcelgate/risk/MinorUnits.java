package org.parcelgate.risk;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.Optional;

/**
 * Amounts in minor units as the IOSS, three-way-match and revenue checks read and show them: the
 * currency's decimals, the order date, and text an officer reads ({@code 12.34 EUR}).
 */
final class MinorUnits {
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
    return time.atOffset(ZoneOffset.UTC).toLocalDate();
  }
}
