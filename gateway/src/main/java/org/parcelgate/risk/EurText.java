package org.parcelgate.risk;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Locale;

/** Text and dates the valuation and splitting detectors share: euro amounts, units, windows. */
final class EurText {
  private EurText() {}

  /** Euro cents as a plain amount with 2 decimals: {@code 18.50}. */
  static String amount(long eurCents) {
    return BigDecimal.valueOf(eurCents).movePointLeft(2).toPlainString();
  }

  /** Euro cents as an officer reads them: {@code EUR 18.50}. */
  static String eur(long eurCents) {
    return "EUR " + amount(eurCents);
  }

  /** A UN/ECE Recommendation 20 unit code in words, or the code itself. */
  static String unitWords(String unit) {
    return switch (unit) {
      case "H87", "C62", "PCE", "NAR" -> "pieces";
      case "KGM" -> "kilograms";
      case "GRM" -> "grams";
      case "PR" -> "pairs";
      case "LTR" -> "litres";
      case "MTR" -> "metres";
      case "MTK" -> "square metres";
      case "SET" -> "sets";
      default -> "unit " + unit;
    };
  }

  /** A window as configured: {@code 72h}, {@code 90m}, else seconds. */
  static String window(Duration window) {
    long seconds = window.getSeconds();
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }

  /**
   * The day a record's amounts are converted at: the day of its order time (UTC), else of its
   * receipt.
   */
  static LocalDate valuationDate(RiskRecord record) {
    return MinorUnits.date(record.orderTime() != null ? record.orderTime() : record.receivedAt());
  }

  /**
   * A value with one decimal, rounded half up as {@code String.format("%.1f")} rounds it, at a
   * fraction of its cost (a finding's reason is made for every flagged record).
   */
  static String oneDecimal(double value) {
    if (!Double.isFinite(value) || Double.doubleToRawLongBits(value) < 0) {
      // NaN, infinities and negatives (with their negative zero) as the formatter writes them.
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP).toPlainString();
  }
}
