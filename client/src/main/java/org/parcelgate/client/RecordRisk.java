package org.parcelgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;

/**
 * What the gateway's risk checks found in a price record (protocol.md section 8, "Risk"). Flags are
 * their wire names ({@code split_consignment}): the vocabulary grows, and a flag this client does
 * not know still arrives, as a name.
 *
 * @param score the strongest finding's score, 1 to 100; 0 when nothing was found
 * @param flags the findings' flags, strongest first, each once
 * @param findings strongest first; empty when nothing was found
 */
public record RecordRisk(int score, List<String> flags, List<Finding> findings) {

  /**
   * One reason to look at the consignment.
   *
   * @param category what the flag is about ({@code splitting})
   * @param score 1 (weak) to 100 (strong)
   * @param reason why, in words a customs officer understands
   * @param figures the figures behind the reason by name, in the gateway's order, as text
   */
  public record Finding(
      String flag, String category, int score, String reason, Map<String, String> figures) {
    public Finding {
      Objects.requireNonNull(flag, "flag");
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(reason, "reason");
      figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }
  }

  public RecordRisk {
    flags = List.copyOf(flags);
    findings = List.copyOf(findings);
  }

  /** Whether anything was found. */
  public boolean flagged() {
    return !findings.isEmpty();
  }

  /** Whether a finding has this flag (a wire name). */
  public boolean has(String flag) {
    return flags.contains(flag);
  }

  /**
   * The risk of a JSON price record; empty when the gateway does not assess risk ({@code "risk":
   * null}, or a gateway from before risk).
   *
   * @throws ClientException when {@code risk} is not the protocol's
   */
  public static Optional<RecordRisk> of(JsonNode record) {
    JsonNode risk = record.path("risk");
    if (risk.isMissingNode() || risk.isNull()) {
      return Optional.empty();
    }
    if (!risk.path("score").isInt()
        || !risk.path("flags").isArray()
        || !risk.path("findings").isArray()) {
      throw malformed();
    }
    List<String> flags = new ArrayList<>();
    for (JsonNode flag : risk.path("flags")) {
      flags.add(text(flag));
    }
    List<Finding> findings = new ArrayList<>();
    for (JsonNode finding : risk.path("findings")) {
      if (!finding.path("score").isInt() || !finding.path("figures").isObject()) {
        throw malformed();
      }
      Map<String, String> figures = new LinkedHashMap<>();
      finding
          .path("figures")
          .fields()
          .forEachRemaining(f -> figures.put(f.getKey(), text(f.getValue())));
      findings.add(
          new Finding(
              text(finding.path("flag")),
              text(finding.path("category")),
              finding.path("score").intValue(),
              text(finding.path("reason")),
              figures));
    }
    return Optional.of(new RecordRisk(risk.path("score").intValue(), flags, findings));
  }

  /**
   * The risk of an Avro {@code PriceRecord}; empty when the gateway does not assess risk (or wrote
   * the page with a schema from before risk).
   *
   * @throws ClientException when {@code risk} is not the protocol's
   */
  public static Optional<RecordRisk> of(GenericRecord record) {
    if (record.getSchema().getField("risk") == null || record.get("risk") == null) {
      return Optional.empty();
    }
    try {
      GenericRecord risk = (GenericRecord) record.get("risk");
      List<Finding> findings = new ArrayList<>();
      for (Object item : (List<?>) risk.get("findings")) {
        GenericRecord finding = (GenericRecord) item;
        Map<String, String> figures = new LinkedHashMap<>();
        for (Object figure : (List<?>) finding.get("figures")) {
          GenericRecord f = (GenericRecord) figure;
          figures.put(f.get("name").toString(), f.get("value").toString());
        }
        findings.add(
            new Finding(
                finding.get("flag").toString(),
                finding.get("category").toString(),
                (Integer) finding.get("score"),
                finding.get("reason").toString(),
                figures));
      }
      List<String> flags = ((List<?>) risk.get("flags")).stream().map(Object::toString).toList();
      return Optional.of(new RecordRisk((Integer) risk.get("score"), flags, findings));
    } catch (ClassCastException | NullPointerException e) {
      throw malformed();
    }
  }

  static String text(JsonNode node) {
    if (!node.isTextual()) {
      throw malformed();
    }
    return node.textValue();
  }

  private static ClientException malformed() {
    return new ClientException("a feed record's risk is not the protocol's");
  }
}
