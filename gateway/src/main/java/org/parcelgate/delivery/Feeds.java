package org.parcelgate.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.parcelgate.store.DeliveryStore;
import org.parcelgate.store.FeedQuery;
import org.parcelgate.store.StoredPrice;
import org.parcelgate.store.StoredSeller;

/**
 * The recipients' feeds as records: pages of stored price and seller records decoded with the
 * schema each was written with, which may be an earlier policy version's. Blocking (it reads the
 * store): call it from worker threads.
 */
public final class Feeds {
  private final DeliveryStore store;
  private final Map<String, RecipientFeed> recipients = new LinkedHashMap<>();
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  /** A price record with its minimized transaction decoded. */
  public record PriceRecord(StoredPrice stored, Schema schema, GenericRecord transaction) {}

  /** A seller record with its identity decoded. */
  public record SellerRecord(StoredSeller stored, Schema schema, GenericRecord seller) {}

  public Feeds(DeliveryStore store, List<RecipientFeed> feeds) {
    this.store = store;
    for (RecipientFeed feed : feeds) {
      recipients.put(feed.recipient(), feed);
      schemas.put(feed.fingerprint(), feed.schema());
      if (feed.sellerSchema() != null) {
        schemas.put(feed.sellerFingerprint(), feed.sellerSchema());
      }
    }
  }

  /** Keeps the schemas of the policies in force in the store, so their records stay readable. */
  public void registerSchemas() {
    for (RecipientFeed feed : recipients.values()) {
      store.registerSchema(feed.fingerprint(), feed.schema().toString());
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
      Schema schema = schema(price.schemaFingerprint());
      records.add(new PriceRecord(price, schema, Avro.decode(schema, price.record())));
    }
    return records;
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
