package org.parcelgate.risk;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Dated standard VAT rates per country ({@value #FILE}: {@code
 * country,valid_from,standard_rate_percent}), each rate applying from its date until the next row
 * of the same country. Standard rates only: the records do not say which goods qualify for a
 * reduced rate.
 */
public final class VatRates {
  public static final String FILE = "vat-rates.csv";

  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private record Rate(LocalDate validFrom, BigDecimal percent) {}

  private final Map<String, List<Rate>> rates;

  private VatRates(Map<String, List<Rate>> rates) {
    this.rates = rates;
  }

  /** The table read from {@code reference}. */
  public static VatRates of(ReferenceData reference) {
    ReferenceData.Table table = reference.table(FILE);
    int country = table.column("country");
    int validFrom = table.column("valid_from");
    int percent = table.column("standard_rate_percent");
    Map<String, List<Rate>> rates = new HashMap<>();
    for (ReferenceData.Table.Row row : table.rows()) {
      String code = row.values().get(country);
      if (!COUNTRY.matcher(code).matches()) {
        throw table.invalid(row, "not an ISO 3166-1 alpha-2 country");
      }
      Rate rate;
      try {
        rate =
            new Rate(
                LocalDate.parse(row.values().get(validFrom)),
                new BigDecimal(row.values().get(percent)));
      } catch (DateTimeParseException | NumberFormatException e) {
        throw table.invalid(row, "not a date and a decimal rate");
      }
      if (rate.percent().signum() < 0 || rate.percent().compareTo(HUNDRED) >= 0) {
        throw table.invalid(row, "a rate must be at least 0 and below 100 percent");
      }
      List<Rate> list = rates.computeIfAbsent(code, c -> new ArrayList<>());
      if (list.stream().anyMatch(r -> r.validFrom().equals(rate.validFrom()))) {
        throw table.invalid(row, code + " has two rates from " + rate.validFrom());
      }
      list.add(rate);
    }
    rates.values().forEach(list -> list.sort(Comparator.comparing(Rate::validFrom).reversed()));
    return new VatRates(rates);
  }

  /** The standard rate in percent ({@code 25.5}) of a country on a date, or empty. */
  public Optional<BigDecimal> standardPercent(String country, LocalDate date) {
    List<Rate> list = country == null ? null : rates.get(country);
    if (list == null) {
      return Optional.empty();
    }
    for (Rate rate : list) {
      if (!rate.validFrom().isAfter(date)) {
        return Optional.of(rate.percent());
      }
    }
    return Optional.empty();
  }
}
