package org.parcelgate.risk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RiskRecord} for the IOSS, three-way-match and revenue tests: an ordinary, unflagged
 * consignment of 40.00 EUR to the Netherlands, changed field by field.
 */
final class Consignment {
  static final Instant ORDERED = Instant.parse("2026-09-14T10:00:00Z");

  String marketplaceId = "marketplace-alpha";
  String transactionId = "ORD-1";
  int version = 1;
  Instant receivedAt = ORDERED.plusSeconds(3600);
  Instant orderTime = ORDERED;
  String consignmentIoss = "IM5280000012";
  String sellerId = "seller-1";
  String sellerIoss;
  String destinationCountry = "NL";
  String currency = "EUR";
  Long goodsValueMinor = 4_000L;
  Long shippingMinor = 500L;
  Long insuranceMinor = 0L;
  Long discountMinor = 0L;
  Long taxCollectedMinor = 1_308L;
  Instant paymentTime = ORDERED.plusSeconds(60);
  String paymentMethod = "CARD";
  String payerCountry = "NL";
  List<RiskRecord.Line> lines = new ArrayList<>(List.of(line(1, "9503001000")));

  static Consignment of() {
    return new Consignment();
  }

  static RiskRecord.Line line(int number, String hsCode) {
    return new RiskRecord.Line(number, hsCode, "CN", 1L, "PCE", 4_000L, 4_000L, 300L);
  }

  Consignment lines(String... hsCodes) {
    lines = new ArrayList<>();
    for (String code : hsCodes) {
      lines.add(line(lines.size() + 1, code));
    }
    return this;
  }

  RiskRecord record() {
    return new RiskRecord(
        marketplaceId,
        transactionId,
        version,
        receivedAt,
        orderTime,
        consignmentIoss,
        sellerId,
        sellerIoss,
        "CN",
        "buyer-pseudonym",
        destinationCountry,
        "CN",
        currency,
        goodsValueMinor,
        shippingMinor,
        insuranceMinor,
        discountMinor,
        taxCollectedMinor,
        goodsValueMinor,
        paymentTime,
        paymentMethod,
        payerCountry,
        lines);
  }
}
