package org.parcelgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.risk.Assessment;
import org.parcelgate.risk.Detector;
import org.parcelgate.risk.Figure;
import org.parcelgate.risk.Finding;
import org.parcelgate.risk.Flag;
import org.parcelgate.risk.RiskEngine;
import org.parcelgate.risk.RiskRecord;
import org.parcelgate.risk.RiskState;
import org.parcelgate.risk.SellerSummary;
import org.parcelgate.risk.StateKey;
import org.parcelgate.store.CommitListener;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.store.FeedQuery;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.IndexEntry;
import org.parcelgate.store.LogAppend;
import org.parcelgate.store.MinimizedBatch;
import org.parcelgate.store.NewBatch;
import org.parcelgate.store.PostgresStore;
import org.parcelgate.store.PriceRow;
import org.parcelgate.store.StoredPrice;
import org.parcelgate.testing.MutableClock;
import org.parcelgate.testing.Postgres;

/**
 * The risk assessor against a real store: minimized records decoded from their Avro containers,
 * judged in feed order by a small detector of the test, and what it found on the feeds; restarts,
 * the feeds' bound, and two instances on one PostgreSQL database.
 */
@Timeout(120)
class RiskAssessorTest {
  private static final String NL = "customs-nl";
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final Schema SELLER =
      SchemaBuilder.record("Seller").fields().requiredString("sellerId").endRecord();
  private static final Schema AMOUNTS =
      SchemaBuilder.record("Amounts")
          .fields()
          .requiredString("currency")
          .requiredLong("goodsValueMinor")
          .endRecord();
  private static final Schema MINIMIZED =
      SchemaBuilder.record("Transaction")
          .fields()
          .requiredString("transactionId")
          .name("seller")
          .type(SELLER)
          .noDefault()
          .name("amounts")
          .type(AMOUNTS)
          .noDefault()
          .endRecord();
  private static final String SELLER_FINGERPRINT = "test-seller-schema";

  @TempDir Path data;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  /**
   * Flags a record whose goods value is above EUR 100.00, and a seller's third record and later
   * (counted in the recipient's risk state per seller).
   */
  static final class ValueAndCount implements Detector {
    static final String KIND = "test-count";

    @Override
    public List<StateKey> keys(RiskRecord record) {
      return record.sellerId() == null ? List.of() : List.of(new StateKey(KIND, record.sellerId()));
    }

    @Override
    public void assess(
        RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
      if (record.goodsValueMinor() != null && record.goodsValueMinor() > 10_000) {
        findings.add(
            new Finding(
                Flag.IOSS_ABOVE_THRESHOLD,
                60,
                "Goods value above EUR 100.00",
                List.of(new Figure("goodsValue", record.goodsValueMinor() / 100 + " EUR"))));
      }
      if (record.sellerId() == null) {
        return;
      }
      StateKey key = new StateKey(KIND, record.sellerId());
      byte[] stored = state.get(key);
      long seen = stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
      if (seen >= 2) {
        findings.add(
            new Finding(
                Flag.SPLIT_CONSIGNMENT,
                40,
                "The seller's parcel number " + (seen + 1),
                List.of(new Figure("parcels", Long.toString(seen + 1)))));
      }
      state.put(key, ByteBuffer.allocate(8).putLong(seen + 1).array(), null);
    }
  }

  private static RiskEngine engine() {
    return new RiskEngine(List.of(new ValueAndCount()));
  }

  private GatewayStore embedded(Path directory) {
    GatewayStore store =
        EmbeddedStore.open(
            directory, new MutableClock(NOW), EmbeddedStore.Settings.DEFAULT, CommitListener.NONE);
    opened.add(store);
    store.registerSchema(SELLER_FINGERPRINT, SELLER.toString());
    return store;
  }

  private GatewayStore postgres(PostgresStore.Server database) {
    GatewayStore store =
        PostgresStore.open(
            database, new MutableClock(NOW), EmbeddedStore.Settings.DEFAULT, CommitListener.NONE);
    opened.add(store);
    store.registerSchema(SELLER_FINGERPRINT, SELLER.toString());
    return store;
  }

  /** An assessor of NL, closed after the test. */
  private RiskAssessor assessor(
      GatewayStore store,
      RiskEngine engine,
      int maxRows,
      int residentValues,
      RiskAssessor.Listener listener,
      Duration checkpoint) {
    RiskAssessor assessor =
        new RiskAssessor(
            store,
            engine,
            List.of(NL),
            new MutableClock(NOW),
            listener,
            maxRows,
            residentValues,
            checkpoint);
    opened.add(assessor);
    return assessor;
  }

  private RiskAssessor assessor(GatewayStore store, int maxRows, RiskAssessor.Listener listener) {
    return assessor(
        store, engine(), maxRows, RiskAssessor.RESIDENT_VALUES, listener, RiskAssessor.CHECKPOINT);
  }

  private RiskAssessor assessor(GatewayStore store, int maxRows, Duration checkpoint) {
    return assessor(
        store,
        engine(),
        maxRows,
        RiskAssessor.RESIDENT_VALUES,
        RiskAssessor.Listener.NONE,
        checkpoint);
  }

  /** One record: seller and goods value in cents. */
  private record Sale(String transactionId, String seller, long valueMinor) {}

  private static GenericRecord minimized(Sale sale) {
    GenericRecord seller = new GenericData.Record(SELLER);
    seller.put("sellerId", sale.seller());
    GenericRecord amounts = new GenericData.Record(AMOUNTS);
    amounts.put("currency", "EUR");
    amounts.put("goodsValueMinor", sale.valueMinor());
    GenericRecord record = new GenericData.Record(MINIMIZED);
    record.put("transactionId", sale.transactionId());
    record.put("seller", seller);
    record.put("amounts", amounts);
    return record;
  }

  /** Hands over a batch's minimized records as the ingest does once it is committed. */
  private static void handOver(
      RiskAssessor assessor, String batchId, String recipient, List<Sale> sales) {
    List<Integer> positions = new ArrayList<>();
    List<GenericRecord> records = new ArrayList<>();
    List<IndexEntry> entries = new ArrayList<>();
    for (int i = 0; i < sales.size(); i++) {
      Sale sale = sales.get(i);
      positions.add(i);
      records.add(minimized(sale));
      entries.add(new IndexEntry(sale.transactionId(), 1, i, digest(sale.transactionId()), "NL"));
    }
    assessor.committed(
        new CommittedCopies.Copy(batchId, "mp-1", NOW, recipient, positions, records, entries));
  }

  private static byte[] container(List<Sale> sales) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataFileWriter<GenericRecord> writer =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(MINIMIZED))) {
      writer.create(MINIMIZED, bytes);
      for (Sale sale : sales) {
        writer.append(minimized(sale));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] sellerIdentity(String seller) {
    GenericRecord record = new GenericData.Record(SELLER);
    record.put("sellerId", seller);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
      new GenericDatumWriter<GenericRecord>(SELLER).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Commits a batch of these sales for the recipient, as the ingest stores one. */
  private static void commit(GatewayStore store, String batchId, List<Sale> sales) {
    commit(store, batchId, sales, NOW);
  }

  /** As {@link #commit(GatewayStore, String, List)}, received at {@code receivedAt}. */
  private static void commit(
      GatewayStore store, String batchId, List<Sale> sales, Instant receivedAt) {
    List<IndexEntry> entries = new ArrayList<>();
    List<PriceRow> rows = new ArrayList<>();
    for (int i = 0; i < sales.size(); i++) {
      Sale sale = sales.get(i);
      entries.add(new IndexEntry(sale.transactionId(), 1, i, digest(sale.transactionId()), "NL"));
      rows.add(
          new PriceRow(
              NL,
              sale.transactionId(),
              1,
              i,
              i,
              "NL",
              null,
              sale.seller(),
              "EUR",
              sale.valueMinor(),
              SELLER_FINGERPRINT,
              sellerIdentity(sale.seller())));
    }
    String entry = "{\"kind\":\"minimization\",\"batchId\":\"" + batchId + "\"}";
    store.commit(
        new NewBatch(
            batchId,
            "mp-1",
            digest("body of " + batchId),
            "jti-" + batchId,
            receivedAt,
            "writer-fingerprint",
            sales.size(),
            sales.size(),
            0,
            "receipt",
            "{}",
            entries,
            List.of(
                new MinimizedBatch(
                    NL,
                    "test-policy",
                    1,
                    "policy-sha256",
                    1,
                    "min-fp",
                    sales.size(),
                    container(sales))),
            List.of(
                new LogAppend(
                    "minimization",
                    NOW,
                    "mp-1",
                    NL,
                    entry,
                    digest(entry).getBytes(StandardCharsets.UTF_8),
                    List.of())),
            rows));
  }

  private static String digest(String text) {
    return String.format("%064x", text.hashCode() & 0xffffffffL);
  }

  /** Three batches: seller-a sells five times (two above EUR 100), seller-b twice. */
  private static void commitThreeBatches(GatewayStore store) {
    commit(
        store,
        "b1",
        List.of(new Sale("t1", "seller-a", 5_000), new Sale("t2", "seller-b", 20_000)));
    commit(
        store,
        "b2",
        List.of(
            new Sale("t3", "seller-a", 9_000),
            new Sale("t4", "seller-a", 12_000),
            new Sale("t5", "seller-b", 3_000)));
    commit(
        store, "b3", List.of(new Sale("t6", "seller-a", 30_000), new Sale("t7", "seller-a", 100)));
  }

  private static List<Assessment> assessments(Feeds feeds) {
    return feeds.prices(FeedQuery.after(NL, 0, 100)).stream()
        .map(record -> record.stored().assessment())
        .toList();
  }

  private static List<Flag> flags(Assessment assessment) {
    return assessment.findings().stream().map(Finding::flag).toList();
  }

  @Test
  void flagsTheRecordsTheDetectorsFindInFeedOrderAndNothingOnTheOthers() {
    GatewayStore store = embedded(data);
    commitThreeBatches(store);
    RiskAssessor assessor =
        assessor(store, RiskAssessor.MAX_ROWS_PER_STEP, RiskAssessor.Listener.NONE);

    assessor.catchUp(NL);

    List<Assessment> found = assessments(new Feeds(store, List.of(), assessor, WAIT));
    assertThat(found).hasSize(7);
    assertThat(found.get(0)).isEqualTo(Assessment.NONE);
    assertThat(flags(found.get(1))).containsExactly(Flag.IOSS_ABOVE_THRESHOLD);
    assertThat(found.get(1).findings().get(0).figures())
        .containsExactly(new Figure("goodsValue", "200 EUR"));
    assertThat(found.get(2)).isEqualTo(Assessment.NONE);
    // seller-a's third parcel, above EUR 100 too: both findings, strongest first.
    assertThat(flags(found.get(3)))
        .containsExactly(Flag.IOSS_ABOVE_THRESHOLD, Flag.SPLIT_CONSIGNMENT);
    assertThat(found.get(4)).isEqualTo(Assessment.NONE);
    assertThat(flags(found.get(5)))
        .containsExactly(Flag.IOSS_ABOVE_THRESHOLD, Flag.SPLIT_CONSIGNMENT);
    assertThat(found.get(6).findings())
        .containsExactly(
            new Finding(
                Flag.SPLIT_CONSIGNMENT,
                40,
                "The seller's parcel number 5",
                List.of(new Figure("parcels", "5"))));
    assertThat(store.riskLag(List.of(NL))).isZero();
  }

  @Test
  void feedsFilterFlaggedRecordsAndRecordsOfOneFlag() {
    GatewayStore store = embedded(data);
    commitThreeBatches(store);
    RiskAssessor assessor =
        assessor(store, RiskAssessor.MAX_ROWS_PER_STEP, RiskAssessor.Listener.NONE);
    assessor.catchUp(NL);
    Feeds feeds = new Feeds(store, List.of(), assessor, WAIT);
    FeedQuery all = FeedQuery.after(NL, 0, 100);

    assertThat(feeds.prices(all.flagged(null)))
        .extracting(record -> record.stored().transactionId())
        .containsExactly("t2", "t4", "t6", "t7");
    assertThat(feeds.prices(all.flagged(Flag.SPLIT_CONSIGNMENT)))
        .extracting(record -> record.stored().transactionId())
        .containsExactly("t4", "t6", "t7");
    assertThat(feeds.prices(all.flagged(Flag.IOSS_ABOVE_THRESHOLD)))
        .extracting(record -> record.stored().transactionId())
        .containsExactly("t2", "t4", "t6");
    assertThat(feeds.prices(all.flagged(Flag.UNDERVALUED))).isEmpty();
    // The decoded record travels with its assessment.
    assertThat(
            feeds.prices(all.flagged(Flag.SPLIT_CONSIGNMENT)).get(0).transaction().get("amounts"))
        .hasToString("{\"currency\": \"EUR\", \"goodsValueMinor\": 12000}");
  }

  @Test
  void sellerRecordsCarryTheirSellersRiskSummary() {
    GatewayStore store = embedded(data);
    commitThreeBatches(store);
    store.catchUpFollower();
    RiskAssessor assessor =
        assessor(store, RiskAssessor.MAX_ROWS_PER_STEP, RiskAssessor.Listener.NONE);
    assessor.catchUp(NL);

    Map<String, SellerSummary> risk =
        new Feeds(store, List.of(), assessor, WAIT)
            .sellers(FeedQuery.after(NL, 0, 10)).stream()
                .collect(
                    java.util.stream.Collectors.toMap(
                        s -> s.stored().sellerId(), s -> s.stored().risk()));

    assertThat(risk).containsOnlyKeys("seller-a", "seller-b");
    assertThat(risk.get("seller-a").assessed()).isEqualTo(5);
    assertThat(risk.get("seller-a").flagged())
        .containsEntry(Flag.SPLIT_CONSIGNMENT, 3L)
        .containsEntry(Flag.IOSS_ABOVE_THRESHOLD, 2L);
    assertThat(risk.get("seller-b").assessed()).isEqualTo(2);
    assertThat(risk.get("seller-b").flagged())
        .containsOnly(Map.entry(Flag.IOSS_ABOVE_THRESHOLD, 1L));
  }

  @Test
  void aPageNeverGoesPastWhatIsAssessed() {
    GatewayStore store = embedded(data);
    commitThreeBatches(store);
    // Not started: only the steps the test runs assess.
    RiskAssessor assessor = assessor(store, 3, RiskAssessor.Listener.NONE);
    Feeds feeds = new Feeds(store, List.of(), assessor, WAIT);

    assertThat(feeds.assessedPrices(FeedQuery.after(NL, 0, 100))).isEmpty();
    assertThat(assessor.step(NL)).isEqualTo(3);

    assertThat(feeds.assessedPrices(FeedQuery.after(NL, 0, 100)))
        .extracting(record -> record.stored().seq())
        .containsExactly(1L, 2L, 3L);
    assertThat(feeds.assessedPrices(FeedQuery.after(NL, 0, 100).upTo(2)))
        .extracting(record -> record.stored().seq())
        .containsExactly(1L, 2L);
    assertThat(feeds.prices(FeedQuery.after(NL, 0, 100)))
        .allSatisfy(record -> assertThat(record.stored().assessment()).isNotNull())
        .hasSize(3);
    assertThat(store.riskLag(List.of(NL))).isEqualTo(4);
  }

  @Test
  void aPullSeesEveryRecordCommittedBeforeIt() {
    GatewayStore store = embedded(data);
    RiskAssessor assessor = assessor(store, 2, RiskAssessor.Listener.NONE);
    assessor.start();
    Feeds feeds = new Feeds(store, List.of(), assessor, WAIT);

    for (int batch = 1; batch <= 5; batch++) {
      List<Sale> sales = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sales.add(new Sale("t" + batch + "-" + i, "seller-" + i, 1_000L * batch * (i + 1)));
      }
      commit(store, "b" + batch, sales);

      List<Feeds.PriceRecord> page = feeds.prices(FeedQuery.after(NL, 0, 100));

      assertThat(page).hasSize(3 * batch);
      assertThat(page).allSatisfy(record -> assertThat(record.stored().assessment()).isNotNull());
    }
  }

  /** Holds the assessment of seller "slow"'s records until released. */
  static final class Held implements Detector {
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    @Override
    public List<StateKey> keys(RiskRecord record) {
      return List.of();
    }

    @Override
    public void assess(
        RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
      if ("slow".equals(record.sellerId())) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Test
  void aPullWhoseAssessorIsHeldUpGetsWhatIsAssessedOnceItsWaitEnds() {
    GatewayStore store = embedded(data);
    Held held = new Held();
    RiskAssessor assessor =
        assessor(
            store,
            new RiskEngine(List.of(held)),
            1,
            RiskAssessor.RESIDENT_VALUES,
            RiskAssessor.Listener.NONE,
            RiskAssessor.CHECKPOINT);
    try {
      commit(
          store,
          "b1",
          List.of(
              new Sale("t1", "quick", 100),
              new Sale("t2", "slow", 100),
              new Sale("t3", "quick", 100)));
      assessor.start();
      assertThat(assessor.awaitAssessed(NL, 1, WAIT)).isEqualTo(1);

      List<Feeds.PriceRecord> page =
          new Feeds(store, List.of(), assessor, Duration.ofMillis(200))
              .prices(FeedQuery.after(NL, 0, 10));

      // The wait ended with t2 held in its step: the page stops before it, nothing skipped.
      assertThat(page).extracting(r -> r.stored().transactionId()).containsExactly("t1");
      held.release.countDown();
      assertThat(new Feeds(store, List.of(), assessor, WAIT).prices(FeedQuery.after(NL, 0, 10)))
          .extracting(r -> r.stored().transactionId())
          .containsExactly("t1", "t2", "t3");
    } finally {
      held.release.countDown();
    }
  }

  @Test
  void aRestartMidwayGivesTheSameAssessmentsAsOneRun() {
    Path once = data.resolve("once");
    GatewayStore reference = embedded(once);
    commitThreeBatches(reference);
    assessor(reference, RiskAssessor.MAX_ROWS_PER_STEP, RiskAssessor.Listener.NONE).catchUp(NL);
    List<Assessment> expected =
        assessments(
            new Feeds(
                reference, List.of(), assessor(reference, 1, RiskAssessor.Listener.NONE), WAIT));

    Path restarted = data.resolve("restarted");
    GatewayStore first = embedded(restarted);
    commitThreeBatches(first);
    RiskAssessor before = assessor(first, 2, RiskAssessor.Listener.NONE);
    assertThat(before.step(NL)).isEqualTo(2);
    assertThat(before.step(NL)).isEqualTo(2);
    before.close();
    first.close();
    GatewayStore second = embedded(restarted);
    RiskAssessor after = assessor(second, 2, RiskAssessor.Listener.NONE);
    assertThat(second.riskCursor(NL)).isEqualTo(4);
    after.catchUp(NL);

    assertThat(assessments(new Feeds(second, List.of(), after, WAIT)))
        .containsExactlyElementsOf(expected);
    assertThat(expected).filteredOn(Assessment::flagged).hasSize(4);
  }

  /** What an assessor told of its rebuilds and checkpoints. */
  private static final class Recording implements RiskAssessor.Listener {
    final List<Integer> checkpoints = new ArrayList<>();
    long replayed;
    long readBack;

    @Override
    public void assessed(int records, List<Finding> findings) {}

    @Override
    public void replayed(int records) {
      replayed += records;
    }

    @Override
    public void checkpointed(int values) {
      checkpoints.add(values);
    }

    @Override
    public void readBack(int records) {
      readBack += records;
    }
  }

  private static final List<StateKey> SELLER_COUNTS =
      List.of(
          new StateKey(ValueAndCount.KIND, "seller-a"),
          new StateKey(ValueAndCount.KIND, "seller-b"));

  @Test
  void stepsBetweenCheckpointsLeaveTheStateUnwrittenUntilTheCheckpoint() {
    GatewayStore store = embedded(data);
    commitThreeBatches(store);
    Recording recording = new Recording();
    RiskAssessor assessor =
        assessor(store, engine(), 2, RiskAssessor.RESIDENT_VALUES, recording, Duration.ofDays(1));

    assertThat(assessor.step(NL)).isEqualTo(2);
    assertThat(assessor.step(NL)).isEqualTo(2);

    assertThat(store.riskCursor(NL)).isEqualTo(4);
    assertThat(store.riskState(NL, SELLER_COUNTS, NOW)).isEmpty();
    assertThat(recording.checkpoints).isEmpty();

    assessor.checkpoint(NL);

    // Per seller (a and b), the test detector's count and the engine's seller summary.
    assertThat(recording.checkpoints).containsExactly(4);

    assertThat(store.riskState(NL, SELLER_COUNTS, NOW))
        .extractingFromEntries(entry -> ByteBuffer.wrap(entry.getValue().value()).getLong())
        .containsExactlyInAnyOrder(3L, 1L);
  }

  @Test
  void aStepThatFindsNothingLeftToAssessWritesTheRecipientsState() {
    GatewayStore store = embedded(data);
    commitThreeBatches(store);
    RiskAssessor assessor = assessor(store, RiskAssessor.MAX_ROWS_PER_STEP, Duration.ofDays(1));
    assertThat(assessor.step(NL)).isEqualTo(7);
    assertThat(store.riskState(NL, SELLER_COUNTS, NOW)).isEmpty();

    assertThat(assessor.step(NL)).isZero();

    assertThat(store.riskInput(NL, 10).stateSeq()).isEqualTo(7);
    assertThat(store.riskState(NL, SELLER_COUNTS, NOW))
        .extractingFromEntries(entry -> ByteBuffer.wrap(entry.getValue().value()).getLong())
        .containsExactlyInAnyOrder(5L, 2L);
  }

  @Test
  void
      anAssessorLostBetweenCheckpointsIsFollowedByOneThatJudgesTheRecordsAfterTheStoredStateAgain() {
    GatewayStore reference = embedded(data.resolve("once"));
    commitThreeBatches(reference);
    RiskAssessor alone = assessor(reference, RiskAssessor.MAX_ROWS_PER_STEP, Duration.ZERO);
    alone.catchUp(NL);
    List<Assessment> expected = assessments(new Feeds(reference, List.of(), alone, WAIT));

    GatewayStore shared = embedded(data.resolve("crashed"));
    commitThreeBatches(shared);
    // The first checkpoints after its first step only, then is lost (never closed: no last one).
    RiskAssessor lost = assessor(shared, 2, Duration.ZERO);
    assertThat(lost.step(NL)).isEqualTo(2);
    RiskAssessor unwritten = assessor(shared, 2, Duration.ofDays(1));
    assertThat(unwritten.step(NL)).isEqualTo(2);
    assertThat(shared.riskInput(NL, 10).stateSeq()).isEqualTo(2);
    assertThat(shared.riskCursor(NL)).isEqualTo(4);

    Recording recording = new Recording();
    RiskAssessor next =
        assessor(shared, engine(), 2, RiskAssessor.RESIDENT_VALUES, recording, Duration.ofDays(1));
    next.catchUp(NL);

    assertThat(assessments(new Feeds(shared, List.of(), next, WAIT)))
        .containsExactlyElementsOf(expected)
        .filteredOn(Assessment::flagged)
        .hasSize(4);
    // Records 3 and 4 were judged again for the state, not counted twice.
    assertThat(recording.replayed).isEqualTo(2);
    assertThat(shared.riskState(NL, SELLER_COUNTS, NOW))
        .extractingFromEntries(entry -> ByteBuffer.wrap(entry.getValue().value()).getLong())
        .containsExactlyInAnyOrder(5L, 2L);
  }

  /**
   * Counts a seller's records received within 60 s of the previous one (a value that expires 60 s
   * after each receipt), flagging the second and later.
   */
  static final class Sightings implements Detector {
    static final String KIND = "test-sightings";

    @Override
    public List<StateKey> keys(RiskRecord record) {
      return List.of(new StateKey(KIND, record.sellerId()));
    }

    @Override
    public void assess(
        RiskRecord record, List<StateKey> keys, RiskState state, List<Finding> findings) {
      StateKey key = new StateKey(KIND, record.sellerId());
      byte[] stored = state.get(key);
      long seen = stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
      if (seen >= 1) {
        findings.add(
            new Finding(Flag.SPLIT_CONSIGNMENT, 40, "Sighting number " + (seen + 1), List.of()));
      }
      state.put(
          key,
          ByteBuffer.allocate(8).putLong(seen + 1).array(),
          record.receivedAt().plusSeconds(60));
    }
  }

  private RiskAssessor sightings(GatewayStore store, int maxRows) {
    return assessor(
        store,
        new RiskEngine(List.of(new Sightings())),
        maxRows,
        RiskAssessor.RESIDENT_VALUES,
        RiskAssessor.Listener.NONE,
        Duration.ofDays(1));
  }

  /** t1 at NOW, t2 two minutes later (t1's sighting expired), t3 ten seconds after t2. */
  private static void commitSightings(GatewayStore store) {
    commit(store, "b1", List.of(new Sale("t1", "seller-a", 100)), NOW);
    commit(store, "b2", List.of(new Sale("t2", "seller-a", 100)), NOW.plusSeconds(120));
    commit(store, "b3", List.of(new Sale("t3", "seller-a", 100)), NOW.plusSeconds(130));
  }

  @Test
  void aReplayCutIntoOtherStepsJudgesExpiryAtEachRecordsReceiptAsTheRunItReplaces() {
    GatewayStore reference = embedded(data.resolve("once"));
    commitSightings(reference);
    RiskAssessor alone = sightings(reference, 1);
    alone.catchUp(NL);
    List<Assessment> expected = assessments(new Feeds(reference, List.of(), alone, WAIT));
    assertThat(expected.get(2).findings())
        .extracting(Finding::reason)
        .containsExactly("Sighting number 2");

    GatewayStore shared = embedded(data.resolve("crashed"));
    commitSightings(shared);
    // One record per step, state never written, then lost.
    RiskAssessor lost = sightings(shared, 1);
    assertThat(lost.step(NL)).isEqualTo(1);
    assertThat(lost.step(NL)).isEqualTo(1);
    assertThat(shared.riskInput(NL, 10).stateSeq()).isZero();
    // The next judges t1 and t2 again in one piece, from receipts two minutes apart.
    RiskAssessor next = sightings(shared, 10);
    next.catchUp(NL);

    assertThat(assessments(new Feeds(shared, List.of(), next, WAIT)))
        .containsExactlyElementsOf(expected);
  }

  @Test
  void stateHeldBetweenStepsGivesTheSameAssessmentsAsStateReadAgainEachStep() {
    GatewayStore reading = embedded(data.resolve("reading"));
    commitThreeBatches(reading);
    // Holding nothing between steps: every step reads its state from the store.
    RiskAssessor forgetful =
        assessor(reading, engine(), 1, 0, RiskAssessor.Listener.NONE, RiskAssessor.CHECKPOINT);
    forgetful.catchUp(NL);

    GatewayStore holding = embedded(data.resolve("holding"));
    commitThreeBatches(holding);
    RiskAssessor held = assessor(holding, 1, RiskAssessor.Listener.NONE);
    held.catchUp(NL);

    assertThat(assessments(new Feeds(holding, List.of(), held, WAIT)))
        .containsExactlyElementsOf(assessments(new Feeds(reading, List.of(), forgetful, WAIT)))
        .filteredOn(Assessment::flagged)
        .hasSize(4);
  }

  @Test
  void anAssessorWhoseCursorAnotherMovedForgetsWhatItHeld() {
    GatewayStore reference = embedded(data.resolve("alone"));
    commitThreeBatches(reference);
    RiskAssessor alone = assessor(reference, 2, RiskAssessor.Listener.NONE);
    alone.catchUp(NL);

    GatewayStore shared = embedded(data.resolve("shared"));
    commitThreeBatches(shared);
    RiskAssessor one = assessor(shared, 2, RiskAssessor.Listener.NONE);
    RiskAssessor two = assessor(shared, 2, RiskAssessor.Listener.NONE);
    // Turn by turn: each step follows the other's, so each finds the state changed under it.
    assertThat(one.step(NL)).isEqualTo(2);
    assertThat(two.step(NL)).isEqualTo(2);
    assertThat(one.step(NL)).isEqualTo(2);
    assertThat(two.step(NL)).isEqualTo(1);

    assertThat(assessments(new Feeds(shared, List.of(), two, WAIT)))
        .containsExactlyElementsOf(assessments(new Feeds(reference, List.of(), alone, WAIT)));
  }

  @Test
  void assessesTheMinimizedRecordsTheIngestHandsOverWithoutReadingTheCopyAgain() {
    GatewayStore store = embedded(data);
    Recording recording = new Recording();
    RiskAssessor assessor = assessor(store, 10, recording);
    List<Sale> stored = List.of(new Sale("t1", "seller-a", 5_000));
    commit(store, "b1", stored);
    // The records as the ingest made them; here they differ from the stored copy on purpose, so
    // that the assessment shows which it read.
    handOver(assessor, "b1", NL, List.of(new Sale("t1", "seller-a", 50_000)));
    handOver(assessor, "b1", "customs-elsewhere", List.of());

    assessor.catchUp(NL);

    assertThat(flags(assessments(new Feeds(store, List.of(), assessor, WAIT)).get(0)))
        .containsExactly(Flag.IOSS_ABOVE_THRESHOLD);
    assertThat(recording.readBack).isZero();
  }

  @Test
  void aHandOverItCannotReadFailsNotTheIngestAndTheStepReadsTheStoredCopy() {
    GatewayStore store = embedded(data);
    Recording recording = new Recording();
    RiskAssessor assessor = assessor(store, 10, recording);
    commit(store, "b1", List.of(new Sale("t1", "seller-a", 50_000)));
    // A record placed at an accepted position the batch does not have.
    assessor.committed(
        new CommittedCopies.Copy(
            "b1",
            "mp-1",
            NOW,
            NL,
            List.of(3),
            List.of(minimized(new Sale("t1", "seller-a", 5_000))),
            List.of()));

    assertThat(assessor.heldRecords()).isZero();
    assessor.catchUp(NL);

    assertThat(flags(assessments(new Feeds(store, List.of(), assessor, WAIT)).get(0)))
        .containsExactly(Flag.IOSS_ABOVE_THRESHOLD);
    assertThat(recording.readBack).isEqualTo(1);
  }

  @Test
  void keepsOnlyTheLatestBatchesHandedOverAndReadsOlderOnesFromTheStore() {
    GatewayStore store = embedded(data);
    Recording recording = new Recording();
    RiskAssessor assessor = assessor(store, 10, recording);
    commit(store, "b1", List.of(new Sale("t1", "seller-a", 5_000)));
    // Differs from the stored copy on purpose, so that the assessment shows which was read.
    handOver(assessor, "b1", NL, List.of(new Sale("t1", "seller-a", 50_000)));
    // Later batches fill what the assessor keeps: the first one handed over goes.
    Sale filler = new Sale("f", "seller-f", 1);
    handOver(assessor, "b2", NL, Collections.nCopies(RiskAssessor.HELD_RECORDS / 2, filler));
    handOver(assessor, "b3", NL, Collections.nCopies(RiskAssessor.HELD_RECORDS / 2, filler));

    assessor.catchUp(NL);

    assertThat(assessments(new Feeds(store, List.of(), assessor, WAIT)).get(0))
        .isEqualTo(Assessment.NONE);
    // The stored copy of b1, counted for the operator: its one record.
    assertThat(recording.readBack).isEqualTo(1);
  }

  @Test
  void holdsABatchHandedOverUntilAStepHasReadItToItsEnd() {
    GatewayStore store = embedded(data);
    RiskAssessor assessor = assessor(store, 1, RiskAssessor.Listener.NONE);
    commit(
        store, "b1", List.of(new Sale("t1", "seller-a", 5_000), new Sale("t2", "seller-b", 5_000)));
    // Differ from the stored copy on purpose, so that the assessments show which was read.
    handOver(
        assessor,
        "b1",
        NL,
        List.of(new Sale("t1", "seller-a", 50_000), new Sale("t2", "seller-b", 50_000)));

    assertThat(assessor.step(NL)).isEqualTo(1);
    assertThat(assessor.heldRecords()).isEqualTo(2);
    assertThat(assessor.step(NL)).isEqualTo(1);
    assertThat(assessor.heldRecords()).isZero();

    assertThat(assessments(new Feeds(store, List.of(), assessor, WAIT)))
        .allSatisfy(a -> assertThat(flags(a)).containsExactly(Flag.IOSS_ABOVE_THRESHOLD));
  }

  @Test
  void doesNotHoldABatchHandedOverAfterAStepReadItFromTheStore() {
    GatewayStore store = embedded(data);
    RiskAssessor assessor = assessor(store, 10, RiskAssessor.Listener.NONE);
    commit(store, "b1", List.of(new Sale("t1", "seller-a", 5_000)));
    assertThat(assessor.step(NL)).isEqualTo(1);

    handOver(assessor, "b1", NL, List.of(new Sale("t1", "seller-a", 5_000)));

    assertThat(assessor.heldRecords()).isZero();
  }

  @Test
  void readsAndDecodesTheStoredCopyOfABatchNotHandedOver() {
    GatewayStore store = embedded(data);
    RiskAssessor assessor = assessor(store, 10, RiskAssessor.Listener.NONE);
    commit(store, "b1", List.of(new Sale("t1", "seller-a", 50_000)));
    // Another recipient's copy of the same batch is not this recipient's.
    handOver(assessor, "b1", "customs-elsewhere", List.of(new Sale("t1", "x", 1)));

    assessor.catchUp(NL);

    assertThat(flags(assessments(new Feeds(store, List.of(), assessor, WAIT)).get(0)))
        .containsExactly(Flag.IOSS_ABOVE_THRESHOLD);
  }

  @Test
  void withRiskOffFeedsAreUnboundedAndCarryNoAssessmentOrSummary() {
    GatewayStore store = embedded(data);
    commitThreeBatches(store);
    store.catchUpFollower();
    Feeds feeds = new Feeds(store, List.of());

    List<StoredPrice> prices =
        feeds.prices(FeedQuery.after(NL, 0, 100)).stream().map(Feeds.PriceRecord::stored).toList();

    assertThat(prices).hasSize(7).allSatisfy(p -> assertThat(p.assessment()).isNull());
    assertThat(feeds.assessedPrices(FeedQuery.after(NL, 0, 100))).hasSize(7);
    assertThat(feeds.prices(FeedQuery.after(NL, 0, 100).flagged(null))).isEmpty();
    assertThat(feeds.sellers(FeedQuery.after(NL, 0, 10)))
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.stored().risk()).isNull());
    assertThat(store.riskCursor(NL)).isZero();
  }

  @Test
  void twoInstancesOnOnePostgresqlDatabaseAssessEachRecordOnce() throws Exception {
    PostgresStore.Server database = Postgres.freshDatabase();
    GatewayStore one = postgres(database);
    GatewayStore two = postgres(database);
    AtomicLong assessedByOne = new AtomicLong();
    AtomicLong assessedByTwo = new AtomicLong();
    RiskAssessor first = assessor(one, 3, (records, findings) -> assessedByOne.addAndGet(records));
    RiskAssessor second = assessor(two, 3, (records, findings) -> assessedByTwo.addAndGet(records));
    int batches = 12;
    List<List<Sale>> committed = new ArrayList<>();
    ExecutorService racers = Executors.newFixedThreadPool(2);
    try {
      for (int batch = 1; batch <= batches; batch++) {
        List<Sale> sales = racedSales(batch);
        committed.add(sales);
        commit(batch % 2 == 0 ? one : two, "b" + batch, sales);
        // Both instances step the same recipient at the same time.
        Future<Integer> a = racers.submit(() -> first.step(NL));
        Future<Integer> b = racers.submit(() -> second.step(NL));
        a.get();
        b.get();
      }
      first.catchUp(NL);
      second.catchUp(NL);
    } finally {
      racers.shutdownNow();
    }

    long records = batches * 4L;
    assertThat(assessedByOne.get() + assessedByTwo.get()).isEqualTo(records);
    assertThat(one.riskCursor(NL)).isEqualTo(records);
    // The per-seller counts in the shared state saw each record once.
    Map<StateKey, ?> counts =
        one.riskState(
            NL,
            List.of(
                new StateKey(ValueAndCount.KIND, "seller-0"),
                new StateKey(ValueAndCount.KIND, "seller-1")),
            NOW);
    assertThat(counts.values())
        .allSatisfy(
            value ->
                assertThat(
                        ByteBuffer.wrap(((org.parcelgate.risk.MemoryRiskState.Value) value).value())
                            .getLong())
                    .isEqualTo(records / 2));
    // And the assessments are those of one instance alone.
    GatewayStore alone = embedded(data.resolve("alone"));
    for (int batch = 1; batch <= batches; batch++) {
      commit(alone, "b" + batch, committed.get(batch - 1));
    }
    assessor(alone, RiskAssessor.MAX_ROWS_PER_STEP, RiskAssessor.Listener.NONE).catchUp(NL);
    assertThat(assessments(new Feeds(one, List.of(), first, WAIT)))
        .containsExactlyElementsOf(
            assessments(
                new Feeds(alone, List.of(), assessor(alone, 1, RiskAssessor.Listener.NONE), WAIT)));
  }

  @Test
  void twoRunningInstancesOnOnePostgresqlDatabaseAssessEachRecordOnceAsOneWould() {
    PostgresStore.Server database = Postgres.freshDatabase();
    GatewayStore one = postgres(database);
    GatewayStore two = postgres(database);
    AtomicLong assessed = new AtomicLong();
    RiskAssessor.Listener counting = (records, findings) -> assessed.addAndGet(records);
    // State written rarely, so that a takeover judges records again from the last checkpoint.
    RiskAssessor first =
        assessor(one, engine(), 3, RiskAssessor.RESIDENT_VALUES, counting, Duration.ofDays(1));
    RiskAssessor second =
        assessor(two, engine(), 3, RiskAssessor.RESIDENT_VALUES, counting, Duration.ofDays(1));
    first.start();
    second.start();
    List<List<Sale>> committed = new ArrayList<>();
    int batches = 20;
    for (int batch = 1; batch <= batches; batch++) {
      List<Sale> sales = racedSales(batch);
      committed.add(sales);
      commit(batch % 2 == 0 ? one : two, "b" + batch, sales);
      first.wake();
      second.wake();
    }
    long records = batches * 4L;

    assertThat(first.awaitAssessed(NL, records, WAIT)).isEqualTo(records);
    assertThat(second.awaitAssessed(NL, records, WAIT)).isEqualTo(records);
    // Closed, each has told of its last step.
    first.close();
    second.close();

    assertThat(assessed.get()).isEqualTo(records);
    GatewayStore alone = embedded(data.resolve("alone"));
    for (int batch = 1; batch <= batches; batch++) {
      commit(alone, "b" + batch, committed.get(batch - 1));
    }
    RiskAssessor reference = assessor(alone, 1, RiskAssessor.Listener.NONE);
    reference.catchUp(NL);
    assertThat(assessments(new Feeds(one, List.of(), first, WAIT)))
        .containsExactlyElementsOf(assessments(new Feeds(alone, List.of(), reference, WAIT)));
  }

  /** Batch {@code batch} of the two-instance tests: four sales of two sellers, rising in value. */
  private static List<Sale> racedSales(int batch) {
    List<Sale> sales = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sales.add(new Sale("t" + batch + "-" + i, "seller-" + (i % 2), 4_000L * (i + batch)));
    }
    return sales;
  }
}
