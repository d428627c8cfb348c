package org.parcelgate.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.parcelgate.store.FeedKind;
import org.parcelgate.store.FeedQuery;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.MinimizedBatch;
import org.parcelgate.store.StoredPrice;
import org.parcelgate.store.StoredSeller;

/**
 * The recipients' feeds as records: pages of stored price and seller records decoded with the
 * schema each was written with, which may be an earlier policy version's. A price record is read
 * from the recipient's minimized copy of its batch (one Avro container per batch, which names its
 * schema); seller identities by the schemas registered at start. Blocking (it reads the store):
 * call it from worker threads. Thread-safe.
 */
public final class Feeds {
  private final GatewayStore store;
  private final RiskAssessor risk;
  private final Duration riskWait;
  private final Map<String, RecipientFeed> recipients = new LinkedHashMap<>();
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  /**
   * A price record with its minimized transaction decoded.
   *
   * @param fingerprint the fingerprint of {@code schema}
   */
  public record PriceRecord(
      StoredPrice stored, Schema schema, String fingerprint, GenericRecord transaction) {}

  /** A recipient's minimized copy of a batch, decoded. */
  record Copy(Schema schema, String fingerprint, List<GenericRecord> records) {}

  private record CopyKey(String batchId, String recipient) {}

  /**
   * Recently read copies: a page of the feed reads a few batches' copies, and the next page (or the
   * next push) the same ones again. Bounded by records held.
   */
  private final Cache<CopyKey, Copy> copies =
      Caffeine.newBuilder()
          .maximumWeight(COPY_CACHE_RECORDS)
          .weigher((CopyKey key, Copy copy) -> Math.max(1, copy.records().size()))
          // A copy the retention purged is no longer read, and leaves memory soon after.
          .expireAfterAccess(java.time.Duration.ofMinutes(5))
          .build();

  /** Decoded records the copy cache holds at most. */
  static final int COPY_CACHE_RECORDS = 50_000;

  /** A seller record with its identity decoded. */
  public record SellerRecord(StoredSeller stored, Schema schema, GenericRecord seller) {}

  /** Risk assessment off: records carry no assessment, and pages are not bounded by one. */
  public Feeds(GatewayStore store, List<RecipientFeed> feeds) {
    this(store, feeds, null, Duration.ZERO);
  }

  /**
   * @param risk the assessor, or null when risk assessment is off
   * @param riskWait how long a read waits for the assessor to pass the feed's head
   */
  public Feeds(
      GatewayStore store, List<RecipientFeed> feeds, RiskAssessor risk, Duration riskWait) {
    this.store = store;
    this.risk = risk;
    this.riskWait = riskWait;
    for (RecipientFeed feed : feeds) {
      recipients.put(feed.recipient(), feed);
      if (feed.sellerSchema() != null) {
        schemas.put(feed.sellerFingerprint(), feed.sellerSchema());
      }
    }
  }

  /**
   * Keeps the seller identity schemas of the policies in force in the store, so the identities stay
   * readable after a policy changes. (Price records are read from containers, which carry their
   * schema.)
   */
  public void registerSchemas() {
    for (RecipientFeed feed : recipients.values()) {
      if (feed.sellerSchema() != null) {
        store.registerSchema(feed.sellerFingerprint(), feed.sellerSchema().toString());
      }
    }
  }

  public Optional<RecipientFeed> recipient(String id) {
    return Optional.ofNullable(recipients.get(id));
  }

  public List<RecipientFeed> recipients() {
    return List.copyOf(recipients.values());
  }

  /**
   * A page of a recipient's price feed as a pull reads it: every record accepted before the call is
   * in it. With risk assessment on, the read first waits (up to the bound) until the assessor has
   * passed the feed's head of now, and never goes past what is assessed.
   */
  public List<PriceRecord> prices(FeedQuery query) {
    if (risk == null) {
      return unassessed(query);
    }
    long head = store.lastSeq(query.recipient(), FeedKind.PRICE);
    return read(bounded(query, risk.awaitAssessed(query.recipient(), head, riskWait)));
  }

  /**
   * A page of a recipient's price feed up to what is assessed now, without waiting: what a push
   * sends. With risk assessment off, as {@link #prices}.
   */
  public List<PriceRecord> assessedPrices(FeedQuery query) {
    if (risk == null) {
      return unassessed(query);
    }
    return read(bounded(query, store.riskCursor(query.recipient())));
  }

  /**
   * The last price position of the recipient the assessor has passed: every price record up to it
   * is delivered with its assessment. {@link Long#MAX_VALUE} when risk assessment is off.
   */
  public long assessedSeq(String recipient) {
    return risk == null ? Long.MAX_VALUE : store.riskCursor(recipient);
  }

  private static FeedQuery bounded(FeedQuery query, long assessed) {
    return query.upToSeq() == null || query.upToSeq() > assessed ? query.upTo(assessed) : query;
  }

  /** Risk off: no record carries an assessment, and no record is flagged. */
  private List<PriceRecord> unassessed(FeedQuery query) {
    if (query.flaggedOnly() || query.flag() != null) {
      return List.of();
    }
    List<PriceRecord> records = new ArrayList<>();
    for (PriceRecord record : read(query)) {
      StoredPrice s = record.stored();
      records.add(
          new PriceRecord(
              new StoredPrice(
                  s.seq(),
                  s.marketplaceId(),
                  s.transactionId(),
                  s.version(),
                  s.batchId(),
                  s.acceptedPosition(),
                  s.receivedAt(),
                  s.logIndex(),
                  s.copyPosition()),
              record.schema(),
              record.fingerprint(),
              record.transaction()));
    }
    return records;
  }

  /**
   * A page with its records. A record whose copy the retention purged after the page was read is
   * left out, as a page read a moment later would leave it out.
   */
  private List<PriceRecord> read(FeedQuery query) {
    List<StoredPrice> stored = store.priceRecords(query);
    List<PriceRecord> records = new ArrayList<>(stored.size());
    for (StoredPrice price : stored) {
      Copy copy = copy(price.batchId(), query.recipient());
      if (copy == null) {
        continue;
      }
      records.add(
          new PriceRecord(
              price, copy.schema(), copy.fingerprint(), copy.records().get(price.copyPosition())));
    }
    return records;
  }

  /** A batch's copy for a recipient, or null once the retention purged it. */
  private Copy copy(String batchId, String recipient) {
    return copies.get(
        new CopyKey(batchId, recipient),
        key -> store.minimizedRecords(batchId, recipient).map(Feeds::decode).orElse(null));
  }

  /** Decodes a minimized copy (an Avro container, which names its schema). */
  static Copy decode(MinimizedBatch batch) {
    List<GenericRecord> decoded = new ArrayList<>(batch.recordCount());
    Schema schema;
    try (DataFileStream<GenericRecord> stream =
        new DataFileStream<>(
            new ByteArrayInputStream(batch.records()), new GenericDatumReader<>())) {
      schema = stream.getSchema();
      stream.forEach(decoded::add);
    } catch (IOException e) {
      throw new UncheckedIOException("a stored minimized copy does not decode", e);
    }
    return new Copy(schema, batch.schemaFingerprint(), List.copyOf(decoded));
  }

  public List<SellerRecord> sellers(FeedQuery query) {
    List<StoredSeller> stored = store.sellerRecords(query);
    List<SellerRecord> records = new ArrayList<>(stored.size());
    for (StoredSeller seller : stored) {
      if (risk == null) {
        seller =
            new StoredSeller(
                seller.seq(),
                seller.marketplaceId(),
                seller.sellerId(),
                seller.firstSeen(),
                seller.lastSeen(),
                seller.transactions(),
                seller.values(),
                seller.identityFingerprint(),
                seller.identity());
      }
      Schema schema = schema(seller.identityFingerprint());
      records.add(new SellerRecord(seller, schema, Avro.decode(schema, seller.identity())));
    }
    return records;
  }

  private Schema schema(String fingerprint) {
    Schema known = schemas.get(fingerprint);
    if (known != null) {
      return known;
    }
    String json =
        store
            .schema(fingerprint)
            .orElseThrow(
                () -> new IllegalStateException("no stored schema has fingerprint " + fingerprint));
    Schema parsed = new Schema.Parser().parse(json);
    schemas.put(fingerprint, parsed);
    return parsed;
  }
}
