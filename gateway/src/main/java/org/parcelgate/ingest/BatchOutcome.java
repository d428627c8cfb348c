package org.parcelgate.ingest;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What became of a batch: counts, each refused record with its errors, records already stored
 * unchanged, amendments with their new versions, and the signed receipt. Its JSON form is the body
 * of the 202 answer and of {@code GET /v1/batches/{id}}, stored with the batch so both stay
 * byte-for-byte the same.
 */
public record BatchOutcome(
    String batchId,
    Instant receivedAt,
    int schemaVersion,
    String writerSchema,
    int records,
    List<RecordError> rejected,
    List<Integer> unchanged,
    List<Version> versions,
    String receipt) {

  /** One refused record: its index in the batch and every error found in it. */
  public record RecordError(int index, List<FieldError> errors) {}

  /** One error: a field path, a stable code, a fixed message that never repeats the value. */
  public record FieldError(String field, String code, String message) {}

  /**
   * The version an accepted record was stored as (1 for a new transaction, more for an amendment).
   */
  public record Version(int index, int version) {}

  public int acceptedCount() {
    return versions.size();
  }

  public String toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("batchId", batchId);
    json.put("receivedAt", receivedAt.toString());
    json.put("schemaVersion", schemaVersion);
    json.put("writerSchema", writerSchema);
    json.put("records", records);
    json.put("accepted", acceptedCount());
    json.put("unchanged", unchanged.size());
    json.put("rejected", rejected.size());
    List<Object> versionList = new ArrayList<>();
    for (Version version : versions) {
      versionList.add(Map.of("index", version.index(), "version", version.version()));
    }
    json.put("acceptedRecords", versionList);
    json.put("unchangedRecords", unchanged);
    List<Object> rejections = new ArrayList<>();
    for (RecordError error : rejected) {
      List<Object> errors = new ArrayList<>();
      for (FieldError field : error.errors()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("field", field.field());
        entry.put("code", field.code());
        entry.put("message", field.message());
        errors.add(entry);
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("index", error.index());
      entry.put("errors", errors);
      rejections.add(entry);
    }
    json.put("rejectedRecords", rejections);
    json.put("receipt", receipt);
    return JSONObjectUtils.toJSONString(json);
  }
}
