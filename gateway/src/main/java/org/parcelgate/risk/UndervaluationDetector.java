package org.parcelgate.risk;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

  /**
   * For each line with an HS subheading and a unit, in line order, the key of its band and then,
   * when it has an origin, that of its origin's band; a band two lines share is listed for each.
   */
  @Override
  public List<StateKey> keys(RiskRecord record) {
    List<StateKey> keys = new ArrayList<>(2 * record.lines().size());
    for (RiskRecord.Line line : record.lines()) {
      String hs6 = line.hs6();
      if (hs6 != null && line.unit() != null) {
        keys.add(UnitValueBand.key(hs6, line.unit(), null));
        if (line.originCountry() != null) {
          keys.add(UnitValueBand.key(hs6, line.unit(), line.originCountry()));
        }
      }
    }
    return keys;
  }

  /**
   * A line that can be judged: its unit value and the keys of its bands, as {@link #keys} made them
   * (once per record: a key's text is hashed and compared at every look-up).
   *
   * @param originKey the key of the band of its origin, or null for a line without one
   */
  private record Judgeable(
      RiskRecord.Line line,
      String hs6,
      long unitValueEurCents,
      StateKey allKey,
      StateKey originKey) {}

  /** A line judged at least {@code flag-below-deviations} below its band. */
  private record Judged(
      RiskRecord.Line line,
      String hs6,
      long unitValueEurCents,
      long bandMedianEurCents,
      double deviations,
      long bandRecords,
      boolean learned,
      boolean byOrigin) {}

  @Override
  public void assess(
      RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
    if (record.currency() == null) {
      return;
    }
    LocalDate date = EurText.valuationDate(record);
    // In the order first used, as they are written back.
    Map<StateKey, UnitValueBand> bands = new LinkedHashMap<>();
    List<Judged> below = new ArrayList<>();
    List<Judgeable> learn = new ArrayList<>();
    int next = 0; // the line's first key in keys
    for (RiskRecord.Line line : record.lines()) {
      String hs6 = line.hs6();
      if (hs6 == null || line.unit() == null) {
        continue;
      }
      StateKey allKey = keys.get(next++);
      String origin = line.originCountry();
      StateKey originKey = origin == null ? null : keys.get(next++);
      Long price = line.unitPriceMinor();
      if (price == null || price < 0) {
        continue;
      }
      Optional<Long> cents = rates.toEurCents(price, record.currency(), date);
      if (cents.isEmpty()) {
        continue;
      }
      Judgeable judgeable = new Judgeable(line, hs6, cents.get(), allKey, originKey);
      Judged judged = judge(judgeable, state, bands);
      if (judged != null) {
        below.add(judged);
      }
      learn.add(judgeable);
    }
    if (record.version() <= 1 && !learn.isEmpty()) {
      for (Judgeable line : learn) {
        band(line.allKey(), line, null, state, bands).add(line.unitValueEurCents());
        if (line.originKey() != null) {
          band(line.originKey(), line, line.line().originCountry(), state, bands)
              .add(line.unitValueEurCents());
        }
      }
      bands.forEach((key, band) -> state.write(key, band, UnitValueBand::encode, null));
    }
    if (below.isEmpty()) {
      return;
    }
    // The first of the lines furthest below, and the others in line order.
    Judged worst = below.get(0);
    for (Judged judged : below) {
      if (judged.deviations() > worst.deviations()) {
        worst = judged;
      }
    }
    List<Integer> otherLines = new ArrayList<>(below.size() - 1);
    for (Judged judged : below) {
      if (judged != worst) {
        otherLines.add(judged.line().lineNumber());
      }
    }
    findings.add(finding(record, worst, otherLines));
  }

  /** The line judged against its band when it lies far enough below to be flagged, else null. */
  private Judged judge(Judgeable judgeable, RiskState state, Map<StateKey, UnitValueBand> bands) {
    RiskRecord.Line line = judgeable.line();
    long cents = judgeable.unitValueEurCents();
    double logValue = StrictMath.log(Math.max(1, cents));
    if (judgeable.originKey() != null) {
      UnitValueBand byOrigin =
          band(judgeable.originKey(), judgeable, line.originCountry(), state, bands);
      if (byOrigin.records() >= settings.minBandRecords()) {
        return learned(judgeable, logValue, byOrigin, true);
      }
    }
    UnitValueBand all = band(judgeable.allKey(), judgeable, null, state, bands);
    if (all.records() >= settings.minBandRecords()) {
      return learned(judgeable, logValue, all, false);
    }
    ReferenceBands.Band band = reference.band(judgeable.hs6(), line.unit());
    if (band == null) {
      return null;
    }
    double deviations = (StrictMath.log(band.medianEurCents()) - logValue) / band.logDeviation();
    return flagged(deviations)
        ? new Judged(
            line, judgeable.hs6(), cents, band.medianEurCents(), deviations, 0, false, false)
        : null;
  }

  private Judged learned(
      Judgeable judgeable, double logValue, UnitValueBand band, boolean byOrigin) {
    double median = band.logMedian();
    if (median - logValue < settings.flagBelowDeviations() * UnitValueBand.MIN_DEVIATION) {
      // Not that far below even at the least deviation a band has: not flagged, whatever the
      // band's deviation (a pass over its histogram after every value it learned).
      return null;
    }
    double deviations = (median - logValue) / band.deviation();
    if (!flagged(deviations)) {
      return null;
    }
    return new Judged(
        judgeable.line(),
        judgeable.hs6(),
        judgeable.unitValueEurCents(),
        UnitValueBand.toEurCents(median),
        deviations,
        band.records(),
        true,
        byOrigin);
  }

  private boolean flagged(double deviations) {
    return deviations >= settings.flagBelowDeviations();
  }

  /** The band under {@code key} (of the line's subheading and unit, and {@code origin}). */
  private static UnitValueBand band(
      StateKey key,
      Judgeable line,
      String origin,
      RiskState state,
      Map<StateKey, UnitValueBand> bands) {
    UnitValueBand band = bands.get(key);
    if (band == null) {
      band = state.read(key, UnitValueBand::decode);
      if (band == null) {
        band = UnitValueBand.empty(line.hs6(), line.line().unit(), origin);
      }
      bands.put(key, band);
    }
    return band;
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
            .append(worst.hs6())
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
    figures.add(new Figure("hs6", worst.hs6()));
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
