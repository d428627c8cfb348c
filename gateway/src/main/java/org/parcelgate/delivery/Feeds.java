package org.parcelgate.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
  private record Copy(Schema schema, String fingerprint, List<GenericRecord> records) {}

  private record CopyKey(String batchId, String recipient) {}

  /**
   * Recently read copies: a page of the feed reads a few batches' copies, and the next page (or the
   * next push) the same ones again. Bounded by records held.
   */
  private final Cache<CopyKey, Copy> copies =
      Caffeine.newBuilder()
          .maximumWeight(COPY_CACHE_RECORDS)
          .weigher((CopyKey key, Copy copy) -> Math.max(1, copy.records().size()))
          .build();

  /** Decoded records the copy cache holds at most. */
  static final int COPY_CACHE_RECORDS = 50_000;

  /** A seller record with its identity decoded. */
  public record SellerRecord(StoredSeller stored, Schema schema, GenericRecord seller) {}

  public Feeds(GatewayStore store, List<RecipientFeed> feeds) {
    this.store = store;
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

  public List<PriceRecord> prices(FeedQuery query) {
    List<StoredPrice> stored = store.priceRecords(query);
    List<PriceRecord> records = new ArrayList<>(stored.size());
    for (StoredPrice price : stored) {
      Copy copy = copy(price.batchId(), query.recipient());
      records.add(
          new PriceRecord(
              price, copy.schema(), copy.fingerprint(), copy.records().get(price.copyPosition())));
    }
    return records;
  }

  private Copy copy(String batchId, String recipient) {
    return copies.get(
        new CopyKey(batchId, recipient),
        key -> {
          MinimizedBatch batch =
              store
                  .minimizedRecords(batchId, recipient)
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "a price record's batch has no minimized copy for its recipient"));
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
        });
  }

  public List<SellerRecord> sellers(FeedQuery query) {
    List<StoredSeller> stored = store.sellerRecords(query);
    List<SellerRecord> records = new ArrayList<>(stored.size());
    for (StoredSeller seller : stored) {
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
