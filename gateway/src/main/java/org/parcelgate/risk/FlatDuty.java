package org.parcelgate.risk;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The EU's flat customs duty on low-value consignments ({@value #FILE}: {@code
 * valid_from,valid_until,eur_per_subheading,max_value_eur}): a fixed amount per distinct tariff
 * subheading (HS6) per parcel, for consignments of an intrinsic value up to a maximum, ordered on
 * or after {@code valid_from} and before {@code valid_until}. Periods must not overlap.
 */
public final class FlatDuty {
  public static final String FILE = "duty.csv";

  /**
   * One period of the duty.
   *
   * @param centsPerSubheading euro cents per distinct subheading
   * @param maxValueEurCents the largest intrinsic value (euro cents) the duty applies to
   */
  public record Period(
      LocalDate validFrom, LocalDate validUntil, long centsPerSubheading, long maxValueEurCents) {}

  private final List<Period> periods;

  private FlatDuty(List<Period> periods) {
    this.periods = List.copyOf(periods);
  }

  /** The table read from {@code reference}. */
  public static FlatDuty of(ReferenceData reference) {
    ReferenceData.Table table = reference.table(FILE);
    int from = table.column("valid_from");
    int until = table.column("valid_until");
    int perSubheading = table.column("eur_per_subheading");
    int maxValue = table.column("max_value_eur");
    List<Period> periods = new ArrayList<>();
    for (ReferenceData.Table.Row row : table.rows()) {
      Period period;
      try {
        period =
            new Period(
                LocalDate.parse(row.values().get(from)),
                LocalDate.parse(row.values().get(until)),
                cents(row.values().get(perSubheading)),
                cents(row.values().get(maxValue)));
      } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
        throw table.invalid(row, "not two dates and two euro amounts (at most 2 decimals)");
      }
      if (!period.validFrom().isBefore(period.validUntil())) {
        throw table.invalid(row, "valid_until must be after valid_from");
      }
      if (period.centsPerSubheading() < 0 || period.maxValueEurCents() < 0) {
        throw table.invalid(row, "amounts must not be negative");
      }
      for (Period other : periods) {
        if (period.validFrom().isBefore(other.validUntil())
            && other.validFrom().isBefore(period.validUntil())) {
          throw table.invalid(row, "overlaps the period from " + other.validFrom());
        }
      }
      periods.add(period);
    }
    return new FlatDuty(periods);
  }

  private static long cents(String euro) {
    return new BigDecimal(euro).movePointRight(2).longValueExact();
  }

  /** The period in force on {@code date}, or empty when no flat duty applies then. */
  public Optional<Period> on(LocalDate date) {
    for (Period p : periods) {
      if (!p.validFrom().isAfter(date) && date.isBefore(p.validUntil())) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
