package org.parcelgate.risk;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link Flag#UNDERVALUED}: a line whose unit value (its unit price in euro at the order date) lies
 * at least {@code risk.undervaluation.flag-below-deviations} robust deviations of the log unit
 * value below the usual unit value of its HS subheading and unit.
 *
 * <p>The band that judges a line is, in this order: the learned band of its subheading, unit and
 * origin once it has {@code min-band-records} records; else the learned band of its subheading and
 * unit (every origin) once that has them; else the shipped reference band of the subheading and
 * unit ({@link ReferenceBands}); else none, and the line is not judged. A line without a
 * subheading, unit, unit price, or an exchange rate for its currency on the order date is not
 * judged either.
 *
 * <p>The record is judged first, then every judgeable line is learned into both learned bands.
 * Amendments (version 2 on) are judged but not learned, so corrected goods never count twice.
 */
public final class UndervaluationDetector implements Detector {
  private final RiskSettings.Undervaluation settings;
  private final ReferenceBands reference;
  private final ExchangeRates rates;

  public UndervaluationDetector(
      RiskSettings.Undervaluation settings, ReferenceBands reference, ExchangeRates rates) {
    this.settings = settings;
    this.reference = reference;
    this.rates = rates;
  }

  @Override
  public List<StateKey> keys(RiskRecord record) {
    Set<StateKey> keys = new LinkedHashSet<>();
    for (RiskRecord.Line line : record.lines()) {
      if (line.hs6() != null && line.unit() != null) {
        keys.add(UnitValueBand.key(line.hs6(), line.unit(), null));
        if (line.originCountry() != null) {
          keys.add(UnitValueBand.key(line.hs6(), line.unit(), line.originCountry()));
        }
      }
    }
    return List.copyOf(keys);
  }

  /** A line judged below its band. */
  private record Judged(
      RiskRecord.Line line,
      long unitValueEurCents,
      long bandMedianEurCents,
      double deviations,
      long bandRecords,
      boolean learned,
      boolean byOrigin) {}

  @Override
  public void assess(RiskRecord record, RiskState state, List<Finding> findings) {
    if (record.currency() == null) {
      return;
    }
    LocalDate date = EurText.valuationDate(record);
    Map<StateKey, UnitValueBand> bands = new LinkedHashMap<>();
    List<Judged> below = new ArrayList<>();
    List<RiskRecord.Line> learn = new ArrayList<>();
    List<Long> learnValues = new ArrayList<>();
    for (RiskRecord.Line line : record.lines()) {
      if (line.hs6() == null
          || line.unit() == null
          || line.unitPriceMinor() == null
          || line.unitPriceMinor() < 0) {
        continue;
      }
      Optional<Long> cents = rates.toEurCents(line.unitPriceMinor(), record.currency(), date);
      if (cents.isEmpty()) {
        continue;
      }
      judge(line, cents.get(), state, bands).ifPresent(below::add);
      learn.add(line);
      learnValues.add(cents.get());
    }
    if (record.version() <= 1 && !learn.isEmpty()) {
      for (int i = 0; i < learn.size(); i++) {
        RiskRecord.Line line = learn.get(i);
        band(line.hs6(), line.unit(), null, state, bands).add(learnValues.get(i));
        if (line.originCountry() != null) {
          band(line.hs6(), line.unit(), line.originCountry(), state, bands).add(learnValues.get(i));
        }
      }
      for (UnitValueBand band : bands.values()) {
        state.write(band.key(), band, UnitValueBand::encode, null);
      }
    }
    below.stream()
        .filter(j -> j.deviations() >= settings.flagBelowDeviations())
        .reduce((a, b) -> b.deviations() > a.deviations() ? b : a)
        .ifPresent(
            worst ->
                findings.add(
                    finding(
                        record,
                        worst,
                        below.stream()
                            .filter(j -> j != worst)
                            .filter(j -> j.deviations() >= settings.flagBelowDeviations())
                            .map(j -> j.line().lineNumber())
                            .toList())));
  }

  private Optional<Judged> judge(
      RiskRecord.Line line, long cents, RiskState state, Map<StateKey, UnitValueBand> bands) {
    double logValue = StrictMath.log(Math.max(1, cents));
    if (line.originCountry() != null) {
      UnitValueBand byOrigin = band(line.hs6(), line.unit(), line.originCountry(), state, bands);
      if (byOrigin.records() >= settings.minBandRecords()) {
        return learned(line, cents, logValue, byOrigin, true);
      }
    }
    UnitValueBand all = band(line.hs6(), line.unit(), null, state, bands);
    if (all.records() >= settings.minBandRecords()) {
      return learned(line, cents, logValue, all, false);
    }
    return reference
        .find(line.hs6(), line.unit())
        .map(
            band ->
                new Judged(
                    line,
                    cents,
                    band.medianEurCents(),
                    (StrictMath.log(band.medianEurCents()) - logValue) / band.logDeviation(),
                    0,
                    false,
                    false));
  }

  private Optional<Judged> learned(
      RiskRecord.Line line, long cents, double logValue, UnitValueBand band, boolean byOrigin) {
    double median = band.logMedian();
    if (median - logValue < settings.flagBelowDeviations() * UnitValueBand.MIN_DEVIATION) {
      // Not that far below even at the least deviation a band has: not flagged, whatever the
      // band's deviation (a pass over its histogram after every value it learned).
      return Optional.empty();
    }
    return Optional.of(
        new Judged(
            line,
            cents,
            UnitValueBand.toEurCents(median),
            (median - logValue) / band.deviation(),
            band.records(),
            true,
            byOrigin));
  }

  private static UnitValueBand band(
      String hs6, String unit, String origin, RiskState state, Map<StateKey, UnitValueBand> bands) {
    return bands.computeIfAbsent(
        UnitValueBand.key(hs6, unit, origin),
        key -> {
          UnitValueBand stored = state.read(key, UnitValueBand::decode);
          return stored == null ? UnitValueBand.empty(hs6, unit, origin) : stored;
        });
  }

  /**
   * The score of a line {@code deviations} robust deviations below its band: {@code 100 (1 -
   * e^(-d/4))}, rising with the deviation (53 at 3, 78 at 6, 92 at 10, 99 at 20).
   */
  static int score(double deviations) {
    long score = Math.round(100 * (1 - StrictMath.exp(-deviations / 4)));
    return (int) Math.max(1, Math.min(100, score));
  }

  private Finding finding(RiskRecord record, Judged worst, List<Integer> otherLines) {
    RiskRecord.Line line = worst.line();
    String origin = line.originCountry();
    String deviations = EurText.oneDecimal(worst.deviations());
    StringBuilder reason =
        new StringBuilder()
            .append("Line ")
            .append(line.lineNumber())
            .append(" (HS ")
            .append(line.hs6())
            .append(", ")
            .append(EurText.unitWords(line.unit()))
            .append("): unit value ")
            .append(EurText.eur(worst.unitValueEurCents()))
            .append(" is ")
            .append(deviations)
            .append(" robust deviations below the usual ")
            .append(EurText.eur(worst.bandMedianEurCents()))
            .append(" for this subheading");
    if (worst.byOrigin()) {
      reason.append(" from ").append(origin);
    }
    if (worst.learned()) {
      reason.append(" (learned from ").append(worst.bandRecords()).append(" consignment lines).");
    } else {
      reason.append(" (reference table; too few consignment lines learned yet).");
    }
    if (!otherLines.isEmpty()) {
      reason
          .append(otherLines.size() == 1 ? " Line " : " Lines ")
          .append(String.join(", ", otherLines.stream().map(String::valueOf).toList()))
          .append(
              otherLines.size() == 1
                  ? " is also far below its band."
                  : " are also far below their bands.");
    }
    List<Figure> figures = new ArrayList<>();
    figures.add(new Figure("line", String.valueOf(line.lineNumber())));
    figures.add(new Figure("hs6", line.hs6()));
    figures.add(new Figure("unit", line.unit()));
    if (origin != null) {
      figures.add(new Figure("origin", origin));
    }
    figures.add(new Figure("unitValueEur", EurText.amount(worst.unitValueEurCents())));
    figures.add(new Figure("bandMedianEur", EurText.amount(worst.bandMedianEurCents())));
    figures.add(new Figure("deviations", deviations));
    figures.add(new Figure("bandRecords", String.valueOf(worst.bandRecords())));
    figures.add(new Figure("bandSource", worst.learned() ? "learned" : "reference"));
    return new Finding(Flag.UNDERVALUED, score(worst.deviations()), reason.toString(), figures);
  }
}
