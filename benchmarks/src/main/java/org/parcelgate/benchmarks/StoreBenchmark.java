package org.parcelgate.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.IndexEntry;
import org.parcelgate.store.LogAppend;
import org.parcelgate.store.MinimizedBatch;
import org.parcelgate.store.NewBatch;
import org.parcelgate.store.PriceRow;

/**
 * Stored records per second, batches of 1,000 records, one commit per batch, on the embedded
 * database with the store's durability settings (SQLite, write-ahead log fsynced at every commit).
 *
 * <ul>
 *   <li>{@code storeBatch}: the store's design through {@link GatewayStore#commit}: one batch row,
 *       one row with the accepted records as one blob, 1,000 narrow index rows, and (with {@code
 *       priceRecords=true}, the default) 1,000 price records of one recipient's feed; the store's
 *       follower builds the seller records and the tracking look-up from them after the commits, on
 *       the same writer, and the trial ends by printing how far behind it was.
 *   <li>{@code baselineWideRows}: the naive design in the same engine, file and settings, done as
 *       well as it can be: one wide row per record (every field a column) plus a child row per line
 *       item (two per record), JDBC batching, one commit per batch, the same key.
 * </ul>
 *
 * Both report records per second (an operation is one record). Keys look like production: ordered
 * transaction ids by default ({@code transactionIds=random} for UUIDs), tracking numbers in random
 * order, 10,000 sellers. {@code trackingIndex=true} adds an index on the tracking number to both
 * designs, to measure what a per-record index on a random key costs. The database grows during the
 * trial, as in production; each trial starts from an empty one in a temporary folder.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class StoreBenchmark {
  static final int BATCH = 1_000;
  static final int ITEMS_PER_RECORD = 2;
  static final int SELLERS = 10_000;
  static final String RECEIPT = "receipt-jws-of-about-this-length-".repeat(20);
  static final String RESULT = "{\"result\":\"of about this length\"}".repeat(40);

  /** A minimization log entry of the shipped customs policy is about 4 KB over 60 field paths. */
  static final String LOG_ENTRY =
      "{\"path\":\"items[].description\",\"action\":\"mask\"}".repeat(80);

  static final List<LogAppend.Count> LOG_COUNTS =
      java.util.stream.IntStream.range(0, 60)
          .mapToObj(i -> new LogAppend.Count("field." + i, "keep", BATCH))
          .toList();

  /**
   * Bytes per accepted record in the blob: a Transaction with the buyer block emptied and two line
   * items is a few hundred bytes of Avro binary; random bytes, so nothing compresses.
   */
  @Param({"600"})
  public int recordBytes;

  /** {@code ordered} (order numbers counting up) or {@code random} (UUIDs). */
  @Param({"ordered"})
  public String transactionIds;

  /** Whether both designs also index the tracking number. */
  @Param({"false"})
  public boolean trackingIndex;

  /**
   * Whether each batch also carries a price record per record for one recipient (its customs feed,
   * with the seller records it keeps current), as the gateway stores them; {@code false} measures
   * the store without feeds.
   */
  @Param({"true"})
  public boolean priceRecords;

  private Path directory;
  private GatewayStore store;
  private Connection baseline;
  private PreparedStatement wideRow;
  private PreparedStatement itemRow;
  private byte[] records;
  private Random random;
  private long batches;
  private long transactions;

  private final String[] ids = new String[BATCH];
  private final String[] digests = new String[BATCH];
  private final String[] trackingNumbers = new String[BATCH];
  private final String[] sellers = new String[BATCH];
  private String batchId;
  private NewBatch next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    directory = Files.createTempDirectory("parcelgate-store-bench");
    random = new Random(42);
    records = new byte[BATCH * recordBytes];
    random.nextBytes(records);
    Path storeDirectory = directory.resolve("store");
    store = EmbeddedStore.open(storeDirectory);
    if (trackingIndex) {
      try (Connection connection = EmbeddedStore.connect(storeDirectory);
          Statement ddl = connection.createStatement()) {
        ddl.execute("CREATE INDEX bench_tracking ON transaction_index (tracking_number)");
      }
    }
    baseline = EmbeddedStore.connect(Files.createDirectories(directory.resolve("baseline")));
    try (Statement ddl = baseline.createStatement()) {
      ddl.execute(Naive.TRANSACTION_TABLE);
      ddl.execute(Naive.ITEM_TABLE);
      if (trackingIndex) {
        ddl.execute("CREATE INDEX naive_tracking ON naive_transaction (shipment_tracking_number)");
      }
    }
    baseline.setAutoCommit(false);
    wideRow = baseline.prepareStatement(Naive.insert("naive_transaction", Naive.TRANSACTION));
    itemRow = baseline.prepareStatement(Naive.insert("naive_line_item", Naive.ITEM));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (priceRecords) {
      // The seller feeds and the tracking look-up are built after the commits, on the same writer:
      // a rate is only worth its name if the follower kept up with it.
      System.out.println("follower lag at the end of the trial: " + store.followerLag() + " rows");
    }
    store.close();
    wideRow.close();
    itemRow.close();
    baseline.close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * The next batch's values, made before the timer starts: generating ids is the caller's cost, not
   * the store's. An invocation takes milliseconds, so the per-invocation overhead is negligible.
   */
  @Setup(Level.Invocation)
  public void prepareBatch() {
    long batch = ++batches;
    batchId = "batch-" + batch;
    List<IndexEntry> entries = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      ids[i] = nextTransactionId();
      digests[i] = digest(batch, i);
      trackingNumbers[i] = trackingNumber();
      sellers[i] = "seller-" + random.nextInt(SELLERS);
      entries.add(new IndexEntry(ids[i], 1, i, digests[i], "FR"));
    }
    next =
        new NewBatch(
            batchId,
            "marketplace-alpha",
            digest(batch, -1),
            "jti-" + batch,
            Instant.now(),
            "fingerprint-v2",
            BATCH,
            BATCH,
            0,
            RECEIPT,
            RESULT,
            entries,
            List.of(
                new MinimizedBatch(
                    "customs-nl",
                    "customs-default",
                    1,
                    "policy-sha256",
                    1,
                    "minimized-fingerprint",
                    BATCH,
                    records)),
            List.of(
                new LogAppend(
                    "minimization",
                    Instant.now(),
                    "marketplace-alpha",
                    "customs-nl",
                    LOG_ENTRY,
                    digests[0].getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    LOG_COUNTS)),
            priceRecords ? priceRows(entries) : List.of());
  }

  private List<PriceRow> priceRows(List<IndexEntry> entries) {
    List<PriceRow> rows = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      IndexEntry entry = entries.get(i);
      rows.add(
          new PriceRow(
              "customs-nl",
              entry.transactionId(),
              1,
              i,
              i,
              "FR",
              trackingNumbers[i],
              sellers[i],
              "EUR",
              (long) random.nextInt(100_000),
              "seller-fingerprint",
              java.util.Arrays.copyOfRange(records, i * recordBytes, i * recordBytes + 120)));
    }
    return rows;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void storeBatch() {
    store.commit(next);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void baselineWideRows() throws SQLException {
    for (int i = 0; i < BATCH; i++) {
      int column = 1;
      wideRow.setString(column++, "marketplace-alpha");
      wideRow.setString(column++, ids[i]);
      wideRow.setInt(column++, 1);
      wideRow.setString(column++, batchId);
      wideRow.setString(column++, digests[i]);
      for (Naive.Column c : Naive.TRANSACTION.subList(5, Naive.TRANSACTION.size())) {
        if (c.number()) {
          wideRow.setLong(column++, batches * 1_000 + i);
        } else if (c.name().equals("shipment_tracking_number")) {
          wideRow.setString(column++, trackingNumbers[i]);
        } else if (c.name().equals("seller_id")) {
          wideRow.setString(column++, sellers[i]);
        } else {
          wideRow.setString(column++, c.sample());
        }
      }
      wideRow.addBatch();
      for (int line = 1; line <= ITEMS_PER_RECORD; line++) {
        int item = 1;
        itemRow.setString(item++, "marketplace-alpha");
        itemRow.setString(item++, ids[i]);
        itemRow.setInt(item++, 1);
        itemRow.setInt(item++, line);
        for (Naive.Column c : Naive.ITEM.subList(4, Naive.ITEM.size())) {
          if (c.number()) {
            itemRow.setLong(item++, line * 100L + i);
          } else {
            itemRow.setString(item++, c.sample());
          }
        }
        itemRow.addBatch();
      }
    }
    wideRow.executeBatch();
    itemRow.executeBatch();
    baseline.commit();
  }

  private String nextTransactionId() {
    long n = ++transactions;
    return transactionIds.equals("random")
        ? new UUID(random.nextLong(), random.nextLong()).toString()
        : String.format("ORD-%012d", n);
  }

  /** Two letters, nine digits, two letters, as the UPU S10 tracking numbers of postal items. */
  private String trackingNumber() {
    return new StringBuilder(13)
        .append((char) ('A' + random.nextInt(26)))
        .append((char) ('A' + random.nextInt(26)))
        .append(String.format("%09d", random.nextInt(1_000_000_000)))
        .append("CN")
        .toString();
  }

  private static String digest(long batch, int record) {
    return String.format("%064x", batch * 1_000_003L + record);
  }

  /** The naive schema: every field of a Transaction a column, line items in a child table. */
  static final class Naive {
    record Column(String name, boolean number, String sample) {}

    static Column text(String name, String sample) {
      return new Column(name, false, sample);
    }

    static Column number(String name) {
      return new Column(name, true, null);
    }

    static final List<Column> TRANSACTION =
        List.of(
            text("marketplace_id", null),
            text("transaction_id", null),
            number("version"),
            text("batch_id", null),
            text("record_sha256", null),
            number("order_time"),
            text("ioss_number", "IM2500000001"),
            text("seller_id", "seller-0042"),
            text("seller_name", "Example Trading Co. Ltd"),
            text("seller_type", "BUSINESS"),
            text("seller_vat_number", "FR12345678901"),
            text("seller_ioss_number", "IM2500000001"),
            text("seller_eori", "FR1234567890123"),
            text("seller_tin", "123456789"),
            text("seller_tin_country", "CN"),
            text("seller_country", "CN"),
            text("seller_address_line1", "88 Example Road"),
            text("seller_address_line2", "Building 3"),
            text("seller_address_city", "Shenzhen"),
            text("seller_address_postal_code", "518000"),
            text("seller_address_region", "Guangdong"),
            text("seller_address_country", "CN"),
            text("seller_verification_status", "VERIFIED"),
            text("buyer_id", ""),
            text("buyer_name", ""),
            text("buyer_email", ""),
            text("buyer_phone", ""),
            text("buyer_country", "FR"),
            text("amounts_currency", "EUR"),
            number("amounts_goods_value_minor"),
            number("amounts_shipping_minor"),
            number("amounts_insurance_minor"),
            number("amounts_discount_minor"),
            number("amounts_tax_collected_minor"),
            number("amounts_total_paid_minor"),
            text("payment_id", "pay-000000000042"),
            number("payment_time"),
            number("payment_amount_minor"),
            text("payment_currency", "EUR"),
            text("payment_method", "CARD"),
            text("payment_payer_country", "FR"),
            text("payment_provider", "Example Payments"),
            text("shipment_tracking_number", null),
            text("shipment_carrier", "Example Post"),
            text("shipment_dispatch_country", "CN"),
            text("shipment_destination_country", "FR"),
            number("shipment_packages"),
            number("shipment_gross_mass_grams"));

    static final List<Column> ITEM =
        List.of(
            text("marketplace_id", null),
            text("transaction_id", null),
            number("version"),
            number("line_number"),
            text("sku", "SKU-000042"),
            text("description", "Cotton T-shirt, short sleeves"),
            text("hs_code", "610910"),
            number("quantity"),
            text("unit", "PCE"),
            number("unit_price_minor"),
            number("line_total_minor"),
            text("origin_country", "CN"),
            number("gross_mass_grams"),
            text("brand", "Example"),
            text("listing_url", "https://marketplace.example/item/42"));

    static final String TRANSACTION_TABLE =
        create("naive_transaction", TRANSACTION, "marketplace_id, transaction_id, version");
    static final String ITEM_TABLE =
        create("naive_line_item", ITEM, "marketplace_id, transaction_id, version, line_number");

    static String create(String table, List<Column> columns, String key) {
      StringBuilder sql = new StringBuilder("CREATE TABLE ").append(table).append(" (");
      for (Column c : columns) {
        sql.append(c.name()).append(c.number() ? " BIGINT NOT NULL, " : " VARCHAR(255), ");
      }
      return sql.append("PRIMARY KEY (").append(key).append("))").toString();
    }

    static String insert(String table, List<Column> columns) {
      return "INSERT INTO "
          + table
          + " ("
          + String.join(", ", columns.stream().map(Column::name).toList())
          + ") VALUES ("
          + "?, ".repeat(columns.size() - 1)
          + "?)";
    }

    private Naive() {}
  }
}
