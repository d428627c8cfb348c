package org.parcelgate.privacy;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.parcelgate.protocol.MerkleTree;
import org.parcelgate.store.LogAppend;
import org.parcelgate.store.RetentionCopy;

/**
 * The entries of the gateway's logs, in their one canonical JSON form: fixed member order, no white
 * space, UTF-8. The bytes of that form are the Merkle leaf, so a verifier hashes an exported line
 * as it is. An entry never holds a value of a record: only names, counts, ids and hashes.
 * Minimization entries go to the minimization log, read entries to the access log.
 */
public final class LogEntries {
  /** The kind of an entry written for a batch and recipient. */
  public static final String MINIMIZATION = "minimization";

  /**
   * The kind of an entry written when a privacy officer read a log: in the access log (and, before
   * the access log existed, in the minimization log).
   */
  public static final String READ = "read";

  /**
   * The kind of an entry written when the retention purged a recipient's copy of a batch, or a
   * recipient's sellers.
   */
  public static final String PURGE = "purge";

  private static final JsonFactory JSON = new JsonFactory();

  private LogEntries() {}

  /** What one batch's minimization for one recipient did. */
  public record Minimization(
      Instant time,
      String batchId,
      String marketplaceId,
      Minimizer minimizer,
      int recordsIn,
      int recordsOut,
      Minimizer.Minimized result) {}

  public static LogAppend minimization(Minimization m) {
    Instant time = m.time().truncatedTo(ChronoUnit.MILLIS);
    MinimizationPolicy policy = m.minimizer().policy();
    String entry =
        write(
            json -> {
              json.writeStringField("kind", MINIMIZATION);
              json.writeStringField("time", time.toString());
              json.writeStringField("batchId", m.batchId());
              json.writeStringField("marketplace", m.marketplaceId());
              json.writeStringField("recipient", m.minimizer().recipient());
              writePolicy(json, policy);
              json.writeNumberField("keyVersion", m.minimizer().keyVersion());
              json.writeStringField("legalBasis", policy.legalBasis());
              json.writeNumberField("recordsIn", m.recordsIn());
              json.writeNumberField("recordsOut", m.recordsOut());
              json.writeArrayFieldStart("fields");
              for (Minimizer.FieldCount count : m.result().fields()) {
                json.writeStartObject();
                json.writeStringField("path", count.path());
                json.writeStringField("action", count.action().wireName());
                json.writeNumberField("values", count.values());
                json.writeEndObject();
              }
              json.writeEndArray();
              Map<FreeTextScanner.Kind, Integer> found = m.result().freeText();
              json.writeObjectFieldStart("freeText");
              json.writeNumberField("email", found.getOrDefault(FreeTextScanner.Kind.EMAIL, 0));
              json.writeNumberField("phone", found.getOrDefault(FreeTextScanner.Kind.PHONE, 0));
              json.writeNumberField(
                  "idNumber", found.getOrDefault(FreeTextScanner.Kind.ID_NUMBER, 0));
              json.writeEndObject();
            });
    List<LogAppend.Count> counts = new ArrayList<>();
    for (Minimizer.FieldCount count : m.result().fields()) {
      counts.add(new LogAppend.Count(count.path(), count.action().wireName(), count.values()));
    }
    return new LogAppend(
        MINIMIZATION,
        time,
        m.marketplaceId(),
        m.minimizer().recipient(),
        m.batchId(),
        entry,
        leafHash(entry),
        counts);
  }

  /**
   * A privacy officer's read of a log, for the access log.
   *
   * @param log the log read ({@code minimization} or {@code access})
   * @param resource what was read ({@code entries}, {@code stats}, {@code export})
   * @param query the filter used, rebuilt from the checked parameters (ids and times only)
   * @param marketplaceId the marketplace the read was filtered by, or null
   * @param recipient the recipient the read was filtered by, or null
   */
  public static LogAppend read(
      Instant time,
      String officer,
      String log,
      String resource,
      String query,
      String marketplaceId,
      String recipient) {
    Instant at = time.truncatedTo(ChronoUnit.MILLIS);
    String entry =
        write(
            json -> {
              json.writeStringField("kind", READ);
              json.writeStringField("time", at.toString());
              json.writeStringField("officer", officer);
              json.writeStringField("log", log);
              json.writeStringField("resource", resource);
              json.writeStringField("query", query);
            });
    return new LogAppend(READ, at, marketplaceId, recipient, entry, leafHash(entry), List.of());
  }

  /**
   * The purge of a recipient's copy of a batch by its retention: what (the batch, its records, the
   * minimization entry that recorded the copy), for whom, how many were never delivered, and under
   * which policy and period.
   */
  public static LogAppend purge(
      Instant time, RetentionCopy copy, int undelivered, MinimizationPolicy policy) {
    Instant at = time.truncatedTo(ChronoUnit.MILLIS);
    String entry =
        write(
            json -> {
              json.writeStringField("kind", PURGE);
              json.writeStringField("time", at.toString());
              json.writeStringField("batchId", copy.batchId());
              json.writeStringField("marketplace", copy.marketplaceId());
              json.writeStringField("recipient", copy.recipient());
              writeRetention(json, policy);
              json.writeStringField(
                  "receivedAt", copy.receivedAt().truncatedTo(ChronoUnit.MILLIS).toString());
              json.writeNumberField("minimizationEntry", copy.logIndex());
              json.writeNumberField("records", copy.records());
              json.writeNumberField("undelivered", undelivered);
            });
    return new LogAppend(
        PURGE,
        at,
        copy.marketplaceId(),
        copy.recipient(),
        copy.batchId(),
        entry,
        leafHash(entry),
        List.of());
  }

  /**
   * The purge of a recipient's seller records last seen before {@code lastSeenBefore}: how many,
   * and how many of their last changes were never delivered.
   */
  public static LogAppend purgeSellers(
      Instant time,
      String recipient,
      Instant lastSeenBefore,
      int sellers,
      int undelivered,
      MinimizationPolicy policy) {
    Instant at = time.truncatedTo(ChronoUnit.MILLIS);
    String entry =
        write(
            json -> {
              json.writeStringField("kind", PURGE);
              json.writeStringField("time", at.toString());
              json.writeStringField("recipient", recipient);
              writeRetention(json, policy);
              json.writeStringField(
                  "lastSeenBefore", lastSeenBefore.truncatedTo(ChronoUnit.MILLIS).toString());
              json.writeNumberField("sellers", sellers);
              json.writeNumberField("undelivered", undelivered);
            });
    return new LogAppend(PURGE, at, null, recipient, entry, leafHash(entry), List.of());
  }

  /** The policy an entry was written under: its id, version and content hash. */
  private static void writePolicy(JsonGenerator json, MinimizationPolicy policy)
      throws IOException {
    json.writeObjectFieldStart("policy");
    json.writeStringField("id", policy.id());
    json.writeNumberField("version", policy.version());
    json.writeStringField("sha256", policy.sha256());
    json.writeEndObject();
  }

  private static void writeRetention(JsonGenerator json, MinimizationPolicy policy)
      throws IOException {
    writePolicy(json, policy);
    json.writeStringField(
        "retention",
        policy
            .retention()
            .map(r -> r.period().toString())
            .orElseThrow(
                () -> new IllegalArgumentException("a purge needs a policy with retention")));
  }

  /** The RFC 9162 leaf hash of an entry's text. */
  public static byte[] leafHash(String entry) {
    return MerkleTree.leafHash(entry.getBytes(StandardCharsets.UTF_8));
  }

  @FunctionalInterface
  private interface Members {
    void write(JsonGenerator json) throws IOException;
  }

  private static String write(Members members) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
    try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      members.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
