package org.parcelgate.risk;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The shipped unit-value bands ({@value #FILE}: {@code hs6,unit,median_eur,log_deviation}): for an
 * HS subheading and unit, the usual unit value in euro and the robust deviation of its natural
 * logarithm. They judge a line until the band learned from the recipient's own records has enough
 * records; an administration replaces the table with its own.
 */
public final class ReferenceBands {
  public static final String FILE = "unit-value-bands.csv";

  /**
   * One reference band.
   *
   * @param medianEurCents the usual unit value, in euro cents
   * @param logDeviation the robust deviation of the natural logarithm of the unit value
   */
  public record Band(String hs6, String unit, long medianEurCents, double logDeviation) {}

  private final Map<String, Band> bands;

  /**
   * The same bands by subheading, then unit: the undervaluation detector looks a band up for every
   * line it cannot judge by a learned band, without joining the two into a key each time.
   */
  private final Map<String, Map<String, Band>> byCode = new HashMap<>();

  private ReferenceBands(Map<String, Band> bands) {
    this.bands = bands;
    for (Band band : bands.values()) {
      byCode.computeIfAbsent(band.hs6(), code -> new HashMap<>()).put(band.unit(), band);
    }
  }

  /** The bands of {@code reference}'s {@value #FILE}. */
  public static ReferenceBands of(ReferenceData reference) {
    ReferenceData.Table table = reference.table(FILE);
    int hs6 = table.column("hs6");
    int unit = table.column("unit");
    int median = table.column("median_eur");
    int deviation = table.column("log_deviation");
    Map<String, Band> bands = new LinkedHashMap<>();
    for (ReferenceData.Table.Row row : table.rows()) {
      String code = row.values().get(hs6);
      String unitCode = row.values().get(unit);
      if (!code.matches("[0-9]{6}") || !unitCode.matches("[A-Z0-9]{1,3}")) {
        throw table.invalid(row, "not a 6-digit HS subheading and a UN/ECE unit code");
      }
      long cents;
      double logDeviation;
      try {
        cents = new BigDecimal(row.values().get(median)).movePointRight(2).longValueExact();
        logDeviation = Double.parseDouble(row.values().get(deviation));
      } catch (NumberFormatException | ArithmeticException e) {
        throw table.invalid(row, "not a euro amount with at most 2 decimals and a deviation");
      }
      if (cents <= 0 || !(logDeviation > 0) || Double.isInfinite(logDeviation)) {
        throw table.invalid(row, "the median and the deviation must be positive");
      }
      if (bands.put(code + "\n" + unitCode, new Band(code, unitCode, cents, logDeviation))
          != null) {
        throw table.invalid(row, "a second row for the same subheading and unit");
      }
    }
    return new ReferenceBands(bands);
  }

  /** The band of a subheading and unit, if the table has one. */
  public Optional<Band> find(String hs6, String unit) {
    return Optional.ofNullable(band(hs6, unit));
  }

  /** The band of a subheading and unit, or null. */
  Band band(String hs6, String unit) {
    Map<String, Band> units = byCode.get(hs6);
    return units == null ? null : units.get(unit);
  }

  /** Every band, in the table's order. */
  public Collection<Band> all() {
    return Collections.unmodifiableCollection(bands.values());
  }
}
