package org.parcelgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's answer to a batch (protocol.md, section 6), as typed values.
 *
 * @param receipt the compact JWS receipt; {@link BatchResult#receipt()} holds its verified content
 */
public record BatchAnswer(
    String batchId,
    Instant receivedAt,
    int schemaVersion,
    String writerSchema,
    int records,
    int accepted,
    int unchanged,
    int rejected,
    List<StoredRecord> acceptedRecords,
    List<StoredRecord> unchangedRecords,
    List<RejectedRecord> rejectedRecords,
    String receipt) {

  public BatchAnswer {
    acceptedRecords = List.copyOf(acceptedRecords);
    unchangedRecords = List.copyOf(unchangedRecords);
    rejectedRecords = List.copyOf(rejectedRecords);
  }

  /** A record stored (or found unchanged): its index in the container and its version. */
  public record StoredRecord(int index, int version) {}

  /** A record refused, with every rule it broke. */
  public record RejectedRecord(int index, List<FieldError> errors) {
    public RejectedRecord {
      errors = List.copyOf(errors);
    }
  }

  /** One broken rule: the field's path, the stable code, and a fixed message. */
  public record FieldError(String field, String code, String message) {}

  static BatchAnswer parse(JsonNode json) {
    try {
      return new BatchAnswer(
          text(json, "batchId"),
          Instant.parse(text(json, "receivedAt")),
          json.path("schemaVersion").asInt(),
          text(json, "writerSchema"),
          number(json, "records"),
          number(json, "accepted"),
          number(json, "unchanged"),
          number(json, "rejected"),
          stored(json.path("acceptedRecords")),
          stored(json.path("unchangedRecords")),
          rejected(json.path("rejectedRecords")),
          text(json, "receipt"));
    } catch (RuntimeException e) {
      throw new ClientException(
          "the gateway's batch answer is not the protocol's: " + e.getMessage());
    }
  }

  private static List<StoredRecord> stored(JsonNode array) {
    List<StoredRecord> records = new ArrayList<>();
    for (JsonNode record : array) {
      records.add(new StoredRecord(record.path("index").asInt(), record.path("version").asInt()));
    }
    return records;
  }

  private static List<RejectedRecord> rejected(JsonNode array) {
    List<RejectedRecord> records = new ArrayList<>();
    for (JsonNode record : array) {
      List<FieldError> errors = new ArrayList<>();
      for (JsonNode error : record.path("errors")) {
        errors.add(
            new FieldError(
                error.path("field").asText(),
                error.path("code").asText(),
                error.path("message").asText()));
      }
      records.add(new RejectedRecord(record.path("index").asInt(), errors));
    }
    return records;
  }

  private static String text(JsonNode json, String name) {
    JsonNode value = json.get(name);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("no " + name);
    }
    return value.asText();
  }

  private static int number(JsonNode json, String name) {
    JsonNode value = json.get(name);
    if (value == null || !value.canConvertToInt()) {
      throw new IllegalArgumentException("no " + name);
    }
    return value.asInt();
  }
}
