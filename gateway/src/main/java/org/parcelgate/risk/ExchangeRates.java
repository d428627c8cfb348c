package org.parcelgate.risk;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Dated exchange rates against the euro ({@value #FILE}: {@code currency,valid_from,per_eur}, one
 * row per currency and the day its rate starts to apply): how many units of the currency one euro
 * buys. Customs converts at the rate of the month; an operator replaces the shipped table with the
 * rates its administration publishes.
 */
public final class ExchangeRates {
  public static final String FILE = "exchange-rates.csv";

  private record Rate(LocalDate validFrom, BigDecimal perEur) {}

  /** One currency's rates, the latest first, and its minor unit digits. */
  private record Rates(int digits, List<Rate> latestFirst) {}

  private final Map<String, Rates> rates;

  private ExchangeRates(Map<String, List<Rate>> rates) {
    Map<String, Rates> byCurrency = new HashMap<>();
    rates.forEach(
        (currency, list) -> {
          List<Rate> latestFirst = new ArrayList<>(list);
          latestFirst.sort(Comparator.comparing(Rate::validFrom).reversed());
          byCurrency.put(currency, new Rates(digits(currency), List.copyOf(latestFirst)));
        });
    this.rates = Map.copyOf(byCurrency);
  }

  static ExchangeRates of(ReferenceData.Table table) {
    int currency = table.column("currency");
    int validFrom = table.column("valid_from");
    int perEur = table.column("per_eur");
    Map<String, List<Rate>> rates = new HashMap<>();
    for (ReferenceData.Table.Row row : table.rows()) {
      String code = row.values().get(currency);
      try {
        Currency.getInstance(code);
        BigDecimal rate = new BigDecimal(row.values().get(perEur));
        if (rate.signum() <= 0) {
          throw table.invalid(row, "a rate must be positive");
        }
        rates
            .computeIfAbsent(code, c -> new ArrayList<>())
            .add(new Rate(LocalDate.parse(row.values().get(validFrom)), rate));
      } catch (DateTimeParseException | NumberFormatException e) {
        throw table.invalid(row, "not a date and a decimal rate");
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(table.source())) {
          throw e;
        }
        throw table.invalid(row, "not an ISO 4217 currency");
      }
    }
    return new ExchangeRates(rates);
  }

  /**
   * An amount in minor units of {@code currency} as euro cents at the rate that applied on {@code
   * date}, rounded half up; empty when the table has no rate for the currency on that date. Euro
   * amounts are returned as they are.
   */
  public Optional<Long> toEurCents(long minor, String currency, LocalDate date) {
    if ("EUR".equals(currency)) {
      return Optional.of(minor);
    }
    Rates table = rates.get(currency);
    Rate rate = rate(table, date);
    if (rate == null) {
      return Optional.empty();
    }
    return Optional.of(
        BigDecimal.valueOf(minor)
            .movePointLeft(table.digits())
            .divide(rate.perEur(), 10, RoundingMode.HALF_UP)
            .movePointRight(2)
            .setScale(0, RoundingMode.HALF_UP)
            .longValueExact());
  }

  /**
   * Euro cents in minor units of {@code currency} at the rate that applied on {@code date}, rounded
   * half up; empty when the table has no rate.
   */
  public Optional<Long> fromEurCents(long eurCents, String currency, LocalDate date) {
    if ("EUR".equals(currency)) {
      return Optional.of(eurCents);
    }
    Rates table = rates.get(currency);
    Rate rate = rate(table, date);
    if (rate == null) {
      return Optional.empty();
    }
    return Optional.of(
        BigDecimal.valueOf(eurCents)
            .movePointLeft(2)
            .multiply(rate.perEur())
            .movePointRight(table.digits())
            .setScale(0, RoundingMode.HALF_UP)
            .longValueExact());
  }

  /** The rate that applied on {@code date}: the latest that started on or before it, or null. */
  private static Rate rate(Rates table, LocalDate date) {
    if (table == null) {
      return null;
    }
    for (Rate rate : table.latestFirst()) {
      if (!rate.validFrom().isAfter(date)) {
        return rate;
      }
    }
    return null;
  }

  private static int digits(String currency) {
    return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
  }
}
