package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.parcelgate.store.Batches.RECEIVED;
import static org.parcelgate.store.Batches.RECIPIENT;
import static org.parcelgate.store.Batches.digest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.parcelgate.testing.MutableClock;

/** The delivery tables, on each engine: feeds, seller totals, push streams, dead letters. */
@Timeout(60)
@ParameterizedClass
@EnumSource(StoreEngine.class)
class DeliveryTablesTest {
  @Parameter StoreEngine engine;

  private static final String OTHER = "customs-de";

  @TempDir Path data;
  private GatewayStore store;

  @BeforeEach
  void open() {
    store = engine.open(data, new MutableClock(Instant.parse("2026-03-01T10:00:00Z")));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** A price row of one recipient. */
  private static PriceRow row(
      String recipient,
      String transactionId,
      int version,
      int position,
      String seller,
      long value) {
    return new PriceRow(
        recipient,
        transactionId,
        version,
        position,
        position,
        position % 2 == 0 ? "NL" : "DE",
        "TRK-" + transactionId,
        seller,
        "EUR",
        value,
        "seller-schema",
        ("identity of " + seller).getBytes(StandardCharsets.UTF_8));
  }

  private static LogAppend log(String recipient, String batchId) {
    String text = "{\"batchId\":\"" + batchId + "\",\"recipient\":\"" + recipient + "\"}";
    return new LogAppend(
        "minimization",
        RECEIVED,
        "alpha",
        recipient,
        text,
        digest(text).getBytes(StandardCharsets.UTF_8),
        List.of());
  }

  private static NewBatch batch(String batchId, Instant received, List<PriceRow> rows) {
    List<IndexEntry> entries = new ArrayList<>();
    List<LogAppend> logs = new ArrayList<>();
    for (PriceRow row : rows) {
      if (entries.stream().noneMatch(e -> e.transactionId().equals(row.transactionId()))) {
        entries.add(
            new IndexEntry(
                row.transactionId(),
                row.version(),
                entries.size(),
                digest(batchId + row.transactionId()),
                row.destinationCountry()));
      }
      if (logs.stream().noneMatch(l -> l.recipient().equals(row.recipient()))) {
        logs.add(log(row.recipient(), batchId));
      }
    }
    return new NewBatch(
        batchId,
        "alpha",
        digest("body of " + batchId),
        "jti-" + batchId,
        received,
        "writer",
        rows.size(),
        entries.size(),
        0,
        "receipt",
        "{}",
        entries,
        List.of(),
        logs,
        rows);
  }

  /**
   * Commits and lets the follower apply the batch, as the in-commit code did: seller records and
   * tracking-number look-ups are read right after.
   */
  private void commitAndFollow(NewBatch batch) {
    store.commit(batch);
    store.catchUpFollower();
  }

  private List<StoredPrice> feed(String recipient) {
    return store.priceRecords(FeedQuery.after(recipient, 0, 1000));
  }

  @Test
  void positionsCountUpFromOnePerRecipientAcrossBatches() {
    commitAndFollow(
        batch(
            "b-1",
            RECEIVED,
            List.of(row(RECIPIENT, "t-1", 1, 0, "s-1", 100), row(OTHER, "t-2", 1, 1, "s-1", 200))));
    commitAndFollow(batch("b-2", RECEIVED, List.of(row(RECIPIENT, "t-3", 1, 0, "s-2", 300))));

    assertThat(feed(RECIPIENT)).extracting(StoredPrice::seq).containsExactly(1L, 2L);
    assertThat(feed(RECIPIENT))
        .extracting(StoredPrice::transactionId)
        .containsExactly("t-1", "t-3");
    assertThat(feed(OTHER)).extracting(StoredPrice::seq).containsExactly(1L);
    assertThat(store.lastSeq(RECIPIENT, FeedKind.PRICE)).isEqualTo(2);
    assertThat(store.lastSeq("nobody", FeedKind.PRICE)).isZero();
  }

  @Test
  void aPriceRowCarriesItsProvenanceAndTheLogIndexOfItsRecipientsEntry() {
    commitAndFollow(
        batch(
            "b-1",
            RECEIVED,
            List.of(row(RECIPIENT, "t-1", 1, 0, "s-1", 100), row(OTHER, "t-2", 1, 1, "s-1", 200))));

    StoredPrice dutch = feed(RECIPIENT).get(0);
    StoredPrice german = feed(OTHER).get(0);
    assertThat(dutch.batchId()).isEqualTo("b-1");
    assertThat(dutch.marketplaceId()).isEqualTo("alpha");
    assertThat(dutch.receivedAt()).isEqualTo(RECEIVED);
    assertThat(dutch.logIndex()).isZero();
    assertThat(german.logIndex()).isEqualTo(1);
    assertThat(german.copyPosition()).isEqualTo(1);
  }

  @Test
  void pagesAfterACursorUpToABoundAndByEveryFilter() {
    List<PriceRow> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rows.add(row(RECIPIENT, "t-" + i, 1, i, "s-" + (i % 3), 100 + i));
    }
    Instant later = RECEIVED.plusSeconds(60);
    commitAndFollow(batch("b-1", RECEIVED, rows.subList(0, 3)));
    commitAndFollow(batch("b-2", later, rows.subList(3, 6)));

    assertThat(store.priceRecords(FeedQuery.after(RECIPIENT, 2, 2)))
        .extracting(StoredPrice::seq)
        .containsExactly(3L, 4L);
    assertThat(store.priceRecords(FeedQuery.after(RECIPIENT, 2, 10).upTo(4)))
        .extracting(StoredPrice::seq)
        .containsExactly(3L, 4L);
    assertThat(ids(new FeedQuery(RECIPIENT, 0, null, 10, null, "DE", null, null, null, null)))
        .containsExactly("t-1", "t-3", "t-5");
    assertThat(ids(new FeedQuery(RECIPIENT, 0, null, 10, null, null, later, null, null, null)))
        .containsExactly("t-3", "t-4", "t-5");
    assertThat(ids(new FeedQuery(RECIPIENT, 0, null, 10, null, null, null, later, null, null)))
        .containsExactly("t-0", "t-1", "t-2");
    assertThat(ids(new FeedQuery(RECIPIENT, 0, null, 10, null, null, null, null, "TRK-t-4", null)))
        .containsExactly("t-4");
    assertThat(ids(new FeedQuery(RECIPIENT, 0, null, 10, null, null, null, null, null, "s-1")))
        .containsExactly("t-1", "t-4");
    assertThat(ids(new FeedQuery(RECIPIENT, 0, null, 10, "beta", null, null, null, null, null)))
        .isEmpty();
    assertThatThrownBy(
            () ->
                store.sellerRecords(
                    new FeedQuery(RECIPIENT, 0, null, 10, null, "NL", null, null, null, null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private List<String> ids(FeedQuery query) {
    return store.priceRecords(query).stream().map(StoredPrice::transactionId).toList();
  }

  @Test
  void sellerRecordsCountTransactionsOnceAndSumTheLatestValues() {
    commitAndFollow(
        batch(
            "b-1",
            RECEIVED,
            List.of(
                row(RECIPIENT, "t-1", 1, 0, "s-1", 100), row(RECIPIENT, "t-2", 1, 1, "s-1", 50))));
    Instant later = RECEIVED.plusSeconds(60);
    commitAndFollow(batch("b-2", later, List.of(row(RECIPIENT, "t-1", 2, 0, "s-1", 130))));

    StoredSeller seller = store.sellerRecords(FeedQuery.after(RECIPIENT, 0, 10)).get(0);
    assertThat(seller.sellerId()).isEqualTo("s-1");
    assertThat(seller.transactions()).isEqualTo(2);
    assertThat(seller.values()).containsExactly(new StoredSeller.CurrencyTotal("EUR", 2, 180));
    assertThat(seller.firstSeen()).isEqualTo(RECEIVED);
    assertThat(seller.lastSeen()).isEqualTo(later);
    assertThat(new String(seller.identity(), StandardCharsets.UTF_8)).isEqualTo("identity of s-1");
  }

  @Test
  void anAmendmentThatChangesTheSellerMovesTheTransactionAndBothSellersChange() {
    commitAndFollow(
        batch(
            "b-1",
            RECEIVED,
            List.of(
                row(RECIPIENT, "t-1", 1, 0, "s-1", 100), row(RECIPIENT, "t-2", 1, 1, "s-2", 70))));
    List<StoredSeller> before = store.sellerRecords(FeedQuery.after(RECIPIENT, 0, 10));
    long lastBefore = before.get(before.size() - 1).seq();

    commitAndFollow(batch("b-2", RECEIVED, List.of(row(RECIPIENT, "t-1", 2, 0, "s-2", 90))));

    List<StoredSeller> changed = store.sellerRecords(FeedQuery.after(RECIPIENT, lastBefore, 10));
    assertThat(changed).extracting(StoredSeller::sellerId).containsExactlyInAnyOrder("s-1", "s-2");
    StoredSeller first = changed.stream().filter(s -> s.sellerId().equals("s-1")).findFirst().get();
    StoredSeller second =
        changed.stream().filter(s -> s.sellerId().equals("s-2")).findFirst().get();
    assertThat(first.transactions()).isZero();
    assertThat(first.values()).isEmpty();
    assertThat(second.transactions()).isEqualTo(2);
    assertThat(second.values()).containsExactly(new StoredSeller.CurrencyTotal("EUR", 2, 160));
    assertThat(store.sellerRecords(FeedQuery.after(RECIPIENT, 0, 10)))
        .as("a seller appears once, at its latest position")
        .hasSize(2);
  }

  @Test
  void aBatchThatFailsToCommitLeavesNoFeedRows() {
    commitAndFollow(batch("b-1", RECEIVED, List.of(row(RECIPIENT, "t-1", 1, 0, "s-1", 100))));
    NewBatch sameBody = batch("b-1", RECEIVED, List.of(row(RECIPIENT, "t-9", 1, 0, "s-9", 1)));

    assertThatThrownBy(() -> commitAndFollow(sameBody)).isInstanceOf(StoreConflictException.class);

    assertThat(feed(RECIPIENT)).extracting(StoredPrice::transactionId).containsExactly("t-1");
    assertThat(store.sellerRecords(FeedQuery.after(RECIPIENT, 0, 10)))
        .extracting(StoredSeller::sellerId)
        .containsExactly("s-1");
  }

  @Test
  void priceRowsWithoutTheirRecipientsLogEntryAreRefused() {
    NewBatch orphan =
        new NewBatch(
            "b-1",
            "alpha",
            digest("orphan"),
            "jti",
            RECEIVED,
            "writer",
            1,
            1,
            0,
            "receipt",
            "{}",
            List.of(),
            List.of(),
            List.of(),
            List.of(row(RECIPIENT, "t-1", 1, 0, "s-1", 1)));

    assertThatThrownBy(() -> commitAndFollow(orphan)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.batch("alpha", "b-1")).isEmpty();
  }

  @Test
  void deliveryStateAndDeadLettersAreStoredTogether() {
    assertThat(store.deliveryState(RECIPIENT, FeedKind.PRICE))
        .isEqualTo(DeliveryState.initial(RECIPIENT, FeedKind.PRICE));
    DeliveryState inFlight = new DeliveryState(RECIPIENT, FeedKind.PRICE, 0, 5L, 2, "HTTP 503");
    store.saveDeliveryState(inFlight);
    assertThat(store.deliveryState(RECIPIENT, FeedKind.PRICE)).isEqualTo(inFlight);

    DeliveryState done = new DeliveryState(RECIPIENT, FeedKind.PRICE, 5, null, 0, null);
    Instant failed = Instant.parse("2026-03-01T11:00:00Z");
    store.deadLetter(
        done,
        List.of(
            letter(4, DeadLetter.Status.DEAD, "refused", failed),
            letter(5, DeadLetter.Status.DEAD, "refused", failed)));

    assertThat(store.deliveryState(RECIPIENT, FeedKind.PRICE)).isEqualTo(done);
    assertThat(store.deadLetters(RECIPIENT, null, DeadLetter.Status.DEAD, 0, 10))
        .extracting(DeadLetter::seq)
        .containsExactly(4L, 5L);
    assertThat(store.deadLetters(RECIPIENT, FeedKind.SELLER, null, 0, 10)).isEmpty();
    assertThat(store.deadLetters(RECIPIENT, null, null, 4, 10))
        .extracting(DeadLetter::seq)
        .containsExactly(5L);
    assertThat(store.deadLetterCounts()).containsEntry(RECIPIENT + "/price/dead", 2L);
  }

  @Test
  void reDrivingMovesOnlyDeadLettersAndAFailedReDriveCountsItsAttempts() {
    Instant failed = Instant.parse("2026-03-01T11:00:00Z");
    store.deadLetter(
        DeliveryState.initial(RECIPIENT, FeedKind.PRICE),
        List.of(letter(1, DeadLetter.Status.DEAD, "refused", failed)));

    assertThat(
            store.moveDeadLetters(
                RECIPIENT,
                FeedKind.PRICE,
                List.of(1L, 2L),
                DeadLetter.Status.DEAD,
                DeadLetter.Status.REDRIVE))
        .isEqualTo(1);
    assertThat(
            store.moveDeadLetters(
                RECIPIENT,
                FeedKind.PRICE,
                List.of(1L),
                DeadLetter.Status.DEAD,
                DeadLetter.Status.REDRIVE))
        .as("already re-driven")
        .isZero();

    store.deadLetter(
        DeliveryState.initial(RECIPIENT, FeedKind.PRICE),
        List.of(letter(1, DeadLetter.Status.DEAD, "refused", failed.plusSeconds(5))));
    DeadLetter again = store.deadLetters(RECIPIENT, null, null, 0, 10).get(0);
    assertThat(again.status()).isEqualTo(DeadLetter.Status.DEAD);
    assertThat(again.attempts()).isEqualTo(2);
    assertThat(again.failedAt()).isEqualTo(failed.plusSeconds(5));
  }

  @Test
  void reDrivesEveryDeadLetterOfAStreamInOneStatement() {
    Instant failed = Instant.parse("2026-03-01T11:00:00Z");
    List<DeadLetter> letters = new ArrayList<>();
    for (long seq = 1; seq <= 3; seq++) {
      letters.add(letter(seq, DeadLetter.Status.DEAD, "refused", failed));
    }
    letters.add(letter(4, DeadLetter.Status.REDELIVERED, "refused", failed));
    store.deadLetter(DeliveryState.initial(RECIPIENT, FeedKind.PRICE), letters);

    assertThat(
            store.moveAllDeadLetters(
                RECIPIENT, FeedKind.PRICE, DeadLetter.Status.DEAD, DeadLetter.Status.REDRIVE))
        .isEqualTo(3);
    assertThat(store.deadLetters(RECIPIENT, FeedKind.PRICE, DeadLetter.Status.REDRIVE, 0, 10))
        .extracting(DeadLetter::seq)
        .containsExactly(1L, 2L, 3L);
  }

  @Test
  void aSellerThatLosesATransactionIsSeenAgainAndLastSeenNeverGoesBack() {
    Instant later = RECEIVED.plusSeconds(600);
    commitAndFollow(
        batch(
            "b-1",
            later,
            List.of(
                row(RECIPIENT, "t-1", 1, 0, "s-1", 100), row(RECIPIENT, "t-2", 1, 1, "s-2", 5))));
    // Committed after, but received earlier (the clock is read before the write lock).
    commitAndFollow(batch("b-2", RECEIVED, List.of(row(RECIPIENT, "t-2", 2, 0, "s-1", 7))));
    assertThat(
            store
                .sellerRecords(
                    new FeedQuery(RECIPIENT, 0, null, 10, null, null, null, null, null, "s-1"))
                .get(0)
                .lastSeen())
        .isEqualTo(later);
    Instant latest = later.plusSeconds(60);
    commitAndFollow(batch("b-3", latest, List.of(row(RECIPIENT, "t-1", 2, 0, "s-2", 100))));

    List<StoredSeller> sellers = store.sellerRecords(FeedQuery.after(RECIPIENT, 0, 10));
    StoredSeller first = sellers.stream().filter(x -> x.sellerId().equals("s-1")).findFirst().get();
    StoredSeller second =
        sellers.stream().filter(x -> x.sellerId().equals("s-2")).findFirst().get();
    assertThat(first.lastSeen()).as("moved away from: a change, seen then").isEqualTo(latest);
    assertThat(second.lastSeen()).isEqualTo(latest);
    assertThat(second.firstSeen()).isEqualTo(later);
  }

  @Test
  void keepsRecordSchemasByFingerprintOnce() {
    store.registerSchema("fp-1", "{\"type\":\"string\"}");
    store.registerSchema("fp-1", "{\"type\":\"int\"}");

    assertThat(store.schema("fp-1")).contains("{\"type\":\"string\"}");
    assertThat(store.schema("fp-2")).isEmpty();
  }

  private static DeadLetter letter(long seq, DeadLetter.Status status, String reason, Instant at) {
    return new DeadLetter(RECIPIENT, FeedKind.PRICE, seq, status, reason, "HTTP 422", at, 1);
  }
}
