package org.parcelgate.delivery;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.parcelgate.risk.Assessment;
import org.parcelgate.risk.Figure;
import org.parcelgate.risk.Finding;
import org.parcelgate.risk.Flag;
import org.parcelgate.risk.SellerSummary;

/**
 * The wire forms of risk on feed records (docs/protocol.md, "Risk"): a price record's {@link
 * Assessment} and a seller record's {@link SellerSummary}, as JSON and as Avro. Null (risk off) is
 * written as JSON {@code null} and the Avro union's null branch.
 *
 * <p>A flag travels as its wire name in a string, never an Avro enum: a flag added later reaches a
 * reader built against an older schema as a name it does not know, not as a decoding failure.
 */
final class RiskFormat {
  private static final String NAMESPACE = "org.parcelgate.delivery";

  private static final String VOCABULARY =
      Arrays.stream(Flag.values()).map(Flag::wireName).collect(Collectors.joining(", "));

  private static final String CATEGORIES =
      Arrays.stream(Flag.Category.values())
          .map(Flag.Category::wireName)
          .collect(Collectors.joining(", "));

  private static final String FLAG_DOC =
      "A risk flag's wire name, one of: "
          + VOCABULARY
          + " (docs/protocol.md). New flags may be added: keep a name you do not know.";

  static final Schema FIGURE =
      SchemaBuilder.record("Figure")
          .namespace(NAMESPACE)
          .doc("One figure behind a finding, as an officer reads it.")
          .fields()
          .name("name")
          .doc("A stable name, such as unitValueEur.")
          .type()
          .stringType()
          .noDefault()
          .name("value")
          .doc("The value as text, already formatted (amounts with their currency, shares in %).")
          .type()
          .stringType()
          .noDefault()
          .endRecord();

  static final Schema FINDING =
      SchemaBuilder.record("Finding")
          .namespace(NAMESPACE)
          .doc("One reason to look at the consignment.")
          .fields()
          .name("flag")
          .doc(FLAG_DOC)
          .type()
          .stringType()
          .noDefault()
          .name("category")
          .doc("What the flag is about, one of: " + CATEGORIES + ".")
          .type()
          .stringType()
          .noDefault()
          .name("score")
          .doc("How strong the finding is, from 1 (weak) to 100 (strong).")
          .type()
          .intType()
          .noDefault()
          .name("reason")
          .doc("Why, in words a customs officer understands.")
          .type()
          .stringType()
          .noDefault()
          .name("figures")
          .doc("The figures behind the reason, in the order the reason uses them.")
          .type()
          .array()
          .items(FIGURE)
          .noDefault()
          .endRecord();

  static final Schema ASSESSMENT =
      SchemaBuilder.record("RiskAssessment")
          .namespace(NAMESPACE)
          .doc("What the gateway's risk checks found in the record.")
          .fields()
          .name("score")
          .doc("The strongest finding's score, 1 to 100; 0 when nothing was found.")
          .type()
          .intType()
          .noDefault()
          .name("flags")
          .doc("The flags of the findings, strongest first, each once. " + FLAG_DOC)
          .type()
          .array()
          .items()
          .stringType()
          .noDefault()
          .name("findings")
          .doc("The findings, strongest first; empty when nothing was found.")
          .type()
          .array()
          .items(FINDING)
          .noDefault()
          .endRecord();

  static final Schema FLAG_COUNT =
      SchemaBuilder.record("FlagCount")
          .namespace(NAMESPACE)
          .doc("How many of the seller's records carried one flag.")
          .fields()
          .name("flag")
          .doc(FLAG_DOC)
          .type()
          .stringType()
          .noDefault()
          .name("records")
          .doc("The seller's records that carried it (each record version counts).")
          .type()
          .longType()
          .noDefault()
          .endRecord();

  static final Schema REVENUE_PERIOD =
      SchemaBuilder.record("RevenuePeriod")
          .namespace(NAMESPACE)
          .doc("One month of the seller's consignments in one currency, in its minor units.")
          .fields()
          .name("period")
          .doc("The month of the order time, such as 2026-11.")
          .type()
          .stringType()
          .noDefault()
          .name("currency")
          .doc("ISO 4217 code of the amounts.")
          .type()
          .stringType()
          .noDefault()
          .name("parcels")
          .doc("The consignments whose VAT and duty could be computed.")
          .type()
          .longType()
          .noDefault()
          .name("vatDueMinor")
          .doc("VAT due at the destination countries' rates.")
          .type()
          .longType()
          .noDefault()
          .name("dutyDueMinor")
          .doc("Customs duty due on the low-value consignments.")
          .type()
          .longType()
          .noDefault()
          .name("collectedMinor")
          .doc("The tax the marketplace says it collected.")
          .type()
          .longType()
          .noDefault()
          .name("gapMinor")
          .doc("VAT and duty due minus collected: positive when too little was collected.")
          .type()
          .longType()
          .noDefault()
          .endRecord();

  static final Schema SELLER =
      SchemaBuilder.record("SellerRisk")
          .namespace(NAMESPACE)
          .doc("What the risk assessments of the seller's records say about the seller.")
          .fields()
          .name("assessed")
          .doc("The seller's records assessed (each record version counts).")
          .type()
          .longType()
          .noDefault()
          .name("flagged")
          .doc(
              "Per flag, the seller's records that carried it; flags no record carried are left out.")
          .type()
          .array()
          .items(FLAG_COUNT)
          .noDefault()
          .name("revenue")
          .doc("Per month and currency, newest first, at most 24 months.")
          .type()
          .array()
          .items(REVENUE_PERIOD)
          .noDefault()
          .endRecord();

  private RiskFormat() {}

  /** The union a {@code risk} field has: null (risk off) or {@code record}. */
  static Schema optional(Schema record) {
    return Schema.createUnion(Schema.create(Schema.Type.NULL), record);
  }

  /** The flags of an assessment's findings, strongest first, each once. */
  static List<Flag> flags(Assessment assessment) {
    return assessment.findings().stream().map(Finding::flag).distinct().toList();
  }

  static void json(JsonGenerator json, Assessment assessment) throws IOException {
    if (assessment == null) {
      json.writeNull();
      return;
    }
    json.writeStartObject();
    json.writeNumberField("score", assessment.score());
    json.writeArrayFieldStart("flags");
    for (Flag flag : flags(assessment)) {
      json.writeString(flag.wireName());
    }
    json.writeEndArray();
    json.writeArrayFieldStart("findings");
    for (Finding finding : assessment.findings()) {
      json.writeStartObject();
      json.writeStringField("flag", finding.flag().wireName());
      json.writeStringField("category", finding.flag().category().wireName());
      json.writeNumberField("score", finding.score());
      json.writeStringField("reason", finding.reason());
      json.writeObjectFieldStart("figures");
      for (Figure figure : finding.figures()) {
        json.writeStringField(figure.name(), figure.value());
      }
      json.writeEndObject();
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  static void json(JsonGenerator json, SellerSummary summary) throws IOException {
    if (summary == null) {
      json.writeNull();
      return;
    }
    json.writeStartObject();
    json.writeNumberField("assessed", summary.assessed());
    json.writeArrayFieldStart("flagged");
    for (Map.Entry<Flag, Long> count : summary.flagged().entrySet()) {
      json.writeStartObject();
      json.writeStringField("flag", count.getKey().wireName());
      json.writeNumberField("records", count.getValue());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("revenue");
    for (SellerSummary.Period period : summary.revenue()) {
      json.writeStartObject();
      json.writeStringField("period", period.period());
      json.writeStringField("currency", period.currency());
      json.writeNumberField("parcels", period.parcels());
      json.writeNumberField("vatDueMinor", period.vatDueMinor());
      json.writeNumberField("dutyDueMinor", period.dutyDueMinor());
      json.writeNumberField("collectedMinor", period.collectedMinor());
      json.writeNumberField("gapMinor", period.gapMinor());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /** The Avro value of an assessment: a {@link #ASSESSMENT}, or null when risk is off. */
  static GenericRecord avro(Assessment assessment) {
    if (assessment == null) {
      return null;
    }
    GenericRecord out = new GenericData.Record(ASSESSMENT);
    out.put("score", assessment.score());
    out.put("flags", flags(assessment).stream().map(Flag::wireName).toList());
    out.put(
        "findings",
        assessment.findings().stream()
            .map(
                finding -> {
                  GenericRecord f = new GenericData.Record(FINDING);
                  f.put("flag", finding.flag().wireName());
                  f.put("category", finding.flag().category().wireName());
                  f.put("score", finding.score());
                  f.put("reason", finding.reason());
                  f.put(
                      "figures",
                      finding.figures().stream()
                          .map(
                              figure -> {
                                GenericRecord g = new GenericData.Record(FIGURE);
                                g.put("name", figure.name());
                                g.put("value", figure.value());
                                return g;
                              })
                          .toList());
                  return f;
                })
            .toList());
    return out;
  }

  /** The Avro value of a seller summary: a {@link #SELLER}, or null when risk is off. */
  static GenericRecord avro(SellerSummary summary) {
    if (summary == null) {
      return null;
    }
    GenericRecord out = new GenericData.Record(SELLER);
    out.put("assessed", summary.assessed());
    out.put(
        "flagged",
        summary.flagged().entrySet().stream()
            .map(
                count -> {
                  GenericRecord c = new GenericData.Record(FLAG_COUNT);
                  c.put("flag", count.getKey().wireName());
                  c.put("records", count.getValue());
                  return c;
                })
            .toList());
    out.put(
        "revenue",
        summary.revenue().stream()
            .map(
                period -> {
                  GenericRecord p = new GenericData.Record(REVENUE_PERIOD);
                  p.put("period", period.period());
                  p.put("currency", period.currency());
                  p.put("parcels", period.parcels());
                  p.put("vatDueMinor", period.vatDueMinor());
                  p.put("dutyDueMinor", period.dutyDueMinor());
                  p.put("collectedMinor", period.collectedMinor());
                  p.put("gapMinor", period.gapMinor());
                  return p;
                })
            .toList());
    return out;
  }
}
