package org.parcelgate.ingest;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.parcelgate.delivery.FeedRecords;
import org.parcelgate.privacy.RecipientPolicies;
import org.parcelgate.protocol.Digests;
import org.parcelgate.protocol.Receipt;
import org.parcelgate.schema.Transaction;
import org.parcelgate.signing.ReceiptSigner;
import org.parcelgate.store.BatchRecord;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.IndexEntry;
import org.parcelgate.store.NewBatch;
import org.parcelgate.store.RetentionPurge;
import org.parcelgate.store.StoreConflictException;
import org.parcelgate.store.TransactionVersion;
import org.parcelgate.validation.BatchValidation;
import org.parcelgate.validation.TransactionValidator;
import org.parcelgate.validation.Violation;

/**
 * Takes one authenticated batch from its bytes to a committed, receipted result: idempotency by
 * body digest, decoding under limits, validation per record, the transaction-id and amendment rules
 * against what is stored, routing by destination to the recipients, minimization for each by its
 * policy (with the minimization log entries and the price records of its feed), one store
 * transaction, a signed receipt. The raw records never reach the store. Plain Java and blocking
 * (the store is JDBC): the HTTP layer runs it on a worker thread.
 */
public final class IngestService {
  /** Attempts when a concurrent batch wins a unique key between our read and our commit. */
  private static final int COMMIT_ATTEMPTS = 3;

  private final BatchDecoder decoder;
  private final TransactionValidator validator;
  private final GatewayStore store;
  private final RecipientPolicies recipients;
  private final FeedRecords feeds;
  private final ReceiptSigner receipts;
  private final Clock clock;

  public IngestService(
      BatchDecoder decoder,
      TransactionValidator validator,
      GatewayStore store,
      RecipientPolicies recipients,
      FeedRecords feeds,
      ReceiptSigner receipts,
      Clock clock) {
    this.decoder = decoder;
    this.validator = validator;
    this.store = store;
    this.recipients = recipients;
    this.feeds = feeds;
    this.receipts = receipts;
    this.clock = clock;
  }

  /**
   * One batch as it arrived, after authentication.
   *
   * @param bodySha256 the base64url SHA-256 of {@code body}, as the request token's verification
   *     computed and proved it ({@link org.parcelgate.auth.VerifiedRequest#bodySha256()}); trusted,
   *     not computed again: it keys idempotency and goes into the receipt
   */
  public record Submission(
      String marketplaceId, String requestJti, byte[] body, String bodySha256) {
    public Submission {
      Objects.requireNonNull(bodySha256, "bodySha256");
    }
  }

  /**
   * The answer to a submission: the outcome's JSON, whether it repeats an earlier identical
   * submission (the gateway answers 200 then, 202 for a new batch), and what minimization did (for
   * metrics; empty for a repeat).
   */
  public record Result(
      String batchId,
      boolean repeated,
      int records,
      int accepted,
      int unchanged,
      int rejected,
      String json,
      List<RecipientPolicies.Summary> minimized) {}

  /**
   * @throws org.parcelgate.error.GatewayException if the container as a whole is refused; nothing
   *     is stored then
   */
  public Result ingest(Submission submission) {
    String bodySha256 = submission.bodySha256();
    Optional<BatchRecord> earlier = store.batchByBodyDigest(submission.marketplaceId(), bodySha256);
    if (earlier.isPresent()) {
      return repeat(earlier.get());
    }
    BatchDecoder.DecodedBatch batch = decoder.decode(submission.body());
    BatchValidation validation = validator.validateBatch(batch.records());
    Instant receivedAt = clock.instant();
    for (int attempt = 1; ; attempt++) {
      try {
        return commit(submission, bodySha256, receivedAt, batch, validation);
      } catch (StoreConflictException conflict) {
        Optional<BatchRecord> concurrent =
            store.batchByBodyDigest(submission.marketplaceId(), bodySha256);
        if (concurrent.isPresent()) {
          return repeat(concurrent.get());
        }
        if (attempt == COMMIT_ATTEMPTS) {
          throw conflict;
        }
      }
    }
  }

  /**
   * The stored answer of a batch, for the marketplace that sent it only. Once the retention purged
   * a recipient's copy of its records, the answer says so in a last member, {@code retention}: per
   * recipient, when, how many records, and the index of the purge's minimization-log entry. The
   * receipt stays as it was signed.
   */
  public Optional<String> batchJson(String marketplaceId, String batchId) {
    return store
        .batch(marketplaceId, batchId)
        .map(batch -> withPurges(batch.resultJson(), store.retentionPurges(batchId)));
  }

  private static String withPurges(String resultJson, List<RetentionPurge> purges) {
    if (purges.isEmpty()) {
      return resultJson;
    }
    List<Object> purged = new ArrayList<>();
    for (RetentionPurge purge : purges) {
      Map<String, Object> each = new LinkedHashMap<>();
      each.put("recipient", purge.recipient());
      each.put("purgedAt", purge.purgedAt().truncatedTo(ChronoUnit.MILLIS).toString());
      each.put("records", purge.count());
      each.put("undelivered", purge.undelivered());
      each.put("logIndex", purge.logIndex());
      purged.add(each);
    }
    Map<String, Object> retention = new LinkedHashMap<>();
    retention.put("status", "purged");
    retention.put("purged", purged);
    // The stored answer is one JSON object: the member goes before its closing brace, so the
    // members before it keep their order and bytes.
    String stored = resultJson.stripTrailing();
    if (!stored.endsWith("}")) {
      throw new IllegalStateException("a stored batch answer is not a JSON object");
    }
    return stored.substring(0, stored.length() - 1)
        + ",\"retention\":"
        + JSONObjectUtils.toJSONString(retention)
        + "}";
  }

  private static Result repeat(BatchRecord earlier) {
    return new Result(
        earlier.batchId(),
        true,
        earlier.recordCount(),
        earlier.acceptedCount(),
        earlier.recordCount() - earlier.acceptedCount() - earlier.rejectedCount(),
        earlier.rejectedCount(),
        earlier.resultJson(),
        List.of());
  }

  private Result commit(
      Submission submission,
      String bodySha256,
      Instant receivedAt,
      BatchDecoder.DecodedBatch batch,
      BatchValidation validation) {
    List<Transaction> records = batch.records();
    Map<Integer, List<BatchOutcome.FieldError>> errors = new LinkedHashMap<>();
    for (Violation violation : validation.violations()) {
      errors
          .computeIfAbsent(violation.recordIndex(), index -> new ArrayList<>())
          .add(
              new BatchOutcome.FieldError(
                  violation.field(), violation.code().code(), violation.message()));
    }

    Map<Integer, String> digests = new HashMap<>();
    Set<String> ids = new LinkedHashSet<>();
    for (int index : validation.acceptedIndexes()) {
      digests.put(index, CanonicalDigest.of(records.get(index)));
      ids.add(records.get(index).getTransactionId());
    }
    Map<String, TransactionVersion> stored = store.latestVersions(submission.marketplaceId(), ids);

    List<Integer> unchanged = new ArrayList<>();
    List<BatchOutcome.Version> versions = new ArrayList<>();
    List<IndexEntry> entries = new ArrayList<>();
    List<Transaction> accepted = new ArrayList<>();
    for (int index : validation.acceptedIndexes()) {
      Transaction record = records.get(index);
      String digest = digests.get(index);
      AmendmentRules.Decision decision =
          AmendmentRules.decide(
              record.getAmendment(), stored.get(record.getTransactionId()), digest);
      if (decision instanceof AmendmentRules.Unchanged) {
        unchanged.add(index);
        continue;
      }
      if (decision instanceof AmendmentRules.Refuse refuse) {
        errors.put(index, List.of(refuse.error()));
        continue;
      }
      int version = ((AmendmentRules.Store) decision).version();
      versions.add(new BatchOutcome.Version(index, version));
      accepted.add(record);
      entries.add(
          new IndexEntry(
              record.getTransactionId(),
              version,
              index,
              digest,
              record.getShipment().getDestinationCountry()));
    }

    String batchId = UUID.randomUUID().toString();
    List<BatchOutcome.RecordError> rejected = new ArrayList<>();
    errors.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> rejected.add(new BatchOutcome.RecordError(e.getKey(), e.getValue())));
    String receipt =
        receipts.sign(
            new Receipt(
                batchId,
                submission.marketplaceId(),
                bodySha256,
                submission.requestJti(),
                receivedAt,
                batch.writer().fingerprint(),
                records.size(),
                versions.size(),
                unchanged.size(),
                rejected.size()));
    BatchOutcome outcome =
        new BatchOutcome(
            batchId,
            receivedAt,
            batch.writer().version(),
            batch.writer().fingerprint(),
            records.size(),
            rejected,
            unchanged,
            versions,
            receipt);
    String json = outcome.toJson();
    RecipientPolicies.Outcome minimized =
        recipients.minimize(
            receivedAt,
            batchId,
            submission.marketplaceId(),
            records.size(),
            accepted,
            feeds.route(entries));
    store.commit(
        new NewBatch(
            batchId,
            submission.marketplaceId(),
            bodySha256,
            submission.requestJti(),
            receivedAt,
            batch.writer().fingerprint(),
            records.size(),
            versions.size(),
            rejected.size(),
            receipt,
            json,
            entries,
            minimized.copies(),
            minimized.log(),
            feeds.priceRows(minimized, entries)));
    feeds.committed(batchId, submission.marketplaceId(), receivedAt, minimized, entries);
    return new Result(
        batchId,
        false,
        records.size(),
        versions.size(),
        unchanged.size(),
        rejected.size(),
        json,
        minimized.summaries());
  }

  /**
   * The SHA-256 (hex) of a record's canonical bytes: the record encoded with the reader schema, so
   * a v1 and a v2 copy of it compare equal. The bytes go straight from the encoder into the digest;
   * each thread keeps its writer, encoder and digest.
   */
  private static final class CanonicalDigest {
    private static final ThreadLocal<CanonicalDigest> LOCAL =
        ThreadLocal.withInitial(CanonicalDigest::new);

    private final SpecificDatumWriter<Transaction> writer =
        new SpecificDatumWriter<>(Transaction.class);
    private final MessageDigest sha256 = Digests.sha256();
    private final BinaryEncoder encoder =
        EncoderFactory.get()
            .binaryEncoder(new DigestOutputStream(OutputStream.nullOutputStream(), sha256), null);

    static String of(Transaction record) {
      return LOCAL.get().digest(record);
    }

    private String digest(Transaction record) {
      try {
        // Whatever a failed write left behind goes into the digest being reset below.
        encoder.flush();
        sha256.reset();
        writer.write(record, encoder);
        encoder.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return HexFormat.of().formatHex(sha256.digest());
    }
  }
}
