package org.parcelgate.risk;

import java.time.Instant;
import java.util.List;

/** Minimized records for the valuation and splitting detectors' tests. */
final class ValueRecords {
  static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  private ValueRecords() {}

  /** A line of {@code quantity} units at {@code unitPriceMinor}. */
  static RiskRecord.Line line(
      int number, String hsCode, String origin, String unit, long unitPriceMinor) {
    return new RiskRecord.Line(
        number, hsCode, origin, 1L, unit, unitPriceMinor, unitPriceMinor, 100L);
  }

  /** A EUR record of one version with the given lines, ordered and received at {@code time}. */
  static RiskRecord goods(String transactionId, int version, List<RiskRecord.Line> lines) {
    long total = lines.stream().mapToLong(RiskRecord.Line::lineTotalMinor).sum();
    return record(transactionId, version, T0, "buyer-1", "seller-1", "DE", "EUR", total, lines);
  }

  /** A record of one consignment of goods worth {@code goodsValueMinor}. */
  static RiskRecord consignment(
      String transactionId,
      int version,
      Instant orderTime,
      String buyerPseudonym,
      String sellerId,
      String destination,
      String currency,
      long goodsValueMinor) {
    return record(
        transactionId,
        version,
        orderTime,
        buyerPseudonym,
        sellerId,
        destination,
        currency,
        goodsValueMinor,
        List.of());
  }

  static RiskRecord record(
      String transactionId,
      int version,
      Instant orderTime,
      String buyerPseudonym,
      String sellerId,
      String destination,
      String currency,
      long goodsValueMinor,
      List<RiskRecord.Line> lines) {
    return new RiskRecord(
        "mkt-1",
        transactionId,
        version,
        orderTime.plusSeconds(3600),
        orderTime,
        null,
        sellerId,
        null,
        "CN",
        buyerPseudonym,
        destination,
        "CN",
        currency,
        goodsValueMinor,
        0L,
        0L,
        0L,
        0L,
        goodsValueMinor,
        orderTime,
        "CARD",
        null,
        lines);
  }
}
