package org.parcelgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the risk assessments of a seller's price records say about the seller, from a seller record
 * (protocol.md section 8, "Risk"). Amounts in minor units of the period's currency.
 *
 * @param assessed the seller's price records assessed (each version counts)
 * @param flagged per flag (wire name), the records that carried it, in the gateway's order
 * @param revenue per month of the order time and currency, newest first
 */
public record SellerRisk(long assessed, Map<String, Long> flagged, List<Period> revenue) {

  /** One month of the seller's consignments in one currency. */
  public record Period(
      String period,
      String currency,
      long parcels,
      long vatDueMinor,
      long dutyDueMinor,
      long collectedMinor,
      long gapMinor) {}

  public SellerRisk {
    flagged = Collections.unmodifiableMap(new LinkedHashMap<>(flagged));
    revenue = List.copyOf(revenue);
  }

  /**
   * The risk summary of a JSON seller record; empty when the gateway does not assess risk.
   *
   * @throws ClientException when {@code risk} is not the protocol's
   */
  public static Optional<SellerRisk> of(JsonNode record) {
    JsonNode risk = record.path("risk");
    if (risk.isMissingNode() || risk.isNull()) {
      return Optional.empty();
    }
    if (!risk.path("flagged").isArray() || !risk.path("revenue").isArray()) {
      throw malformed();
    }
    Map<String, Long> flagged = new LinkedHashMap<>();
    for (JsonNode count : risk.path("flagged")) {
      flagged.put(RecordRisk.text(count.path("flag")), number(count, "records"));
    }
    List<Period> revenue = new ArrayList<>();
    for (JsonNode p : risk.path("revenue")) {
      revenue.add(
          new Period(
              RecordRisk.text(p.path("period")),
              RecordRisk.text(p.path("currency")),
              number(p, "parcels"),
              number(p, "vatDueMinor"),
              number(p, "dutyDueMinor"),
              number(p, "collectedMinor"),
              number(p, "gapMinor")));
    }
    return Optional.of(new SellerRisk(number(risk, "assessed"), flagged, revenue));
  }

  private static long number(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw malformed();
    }
    return value.longValue();
  }

  private static ClientException malformed() {
    return new ClientException("a seller record's risk is not the protocol's");
  }
}
