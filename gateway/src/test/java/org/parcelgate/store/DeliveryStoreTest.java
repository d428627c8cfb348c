package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.parcelgate.store.Batches.RECEIVED;
import static org.parcelgate.store.Batches.digest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.parcelgate.store.DeadLetter.Status;
import org.parcelgate.store.StoredSeller.CurrencyTotal;
import org.parcelgate.testing.MutableClock;

/**
 * The delivery part of the store, on each engine ({@link DeliveryStore}): price and seller feeds
 * written by the batch commit, push stream state, dead letters and record schemas.
 */
@Timeout(60)
@ParameterizedClass
@EnumSource(StoreEngine.class)
class DeliveryStoreTest {
  @Parameter StoreEngine engine;

  private static final String NL = Batches.RECIPIENT;
  private static final String BE = "customs-be";
  private static final Instant LATER = RECEIVED.plusSeconds(60);
  private static final Instant LATEST = RECEIVED.plusSeconds(120);
  private static final Instant FAILED_AT = Instant.parse("2026-03-01T11:00:00Z");

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

  // --- building batches ----------------------------------------------------------------------

  /** One transaction version as one recipient receives it. */
  private record Rec(
      String recipient,
      String transactionId,
      int version,
      String destination,
      String seller,
      String currency,
      Long value) {}

  private static Rec rec(String recipient, String transactionId, String seller, long value) {
    return new Rec(recipient, transactionId, 1, "NL", seller, "EUR", value);
  }

  private static Rec amend(
      String recipient, String transactionId, int version, String seller, long value) {
    return new Rec(recipient, transactionId, version, "NL", seller, "EUR", value);
  }

  private static NewBatch batch(String batchId, Instant receivedAt, Rec... recs) {
    return batch(batchId, "alpha", digest("body of " + batchId), receivedAt, recs);
  }

  /**
   * A batch as the ingest makes it: one index entry per transaction version, per recipient its
   * price rows (in copy order) and one minimization log entry, in order of first appearance.
   */
  private static NewBatch batch(
      String batchId, String marketplaceId, String bodySha256, Instant receivedAt, Rec... recs) {
    List<IndexEntry> entries = new ArrayList<>();
    Map<String, Integer> copies = new LinkedHashMap<>();
    List<PriceRow> rows = new ArrayList<>();
    for (Rec rec : recs) {
      int accepted = -1;
      for (int i = 0; i < entries.size(); i++) {
        IndexEntry entry = entries.get(i);
        if (entry.transactionId().equals(rec.transactionId()) && entry.version() == rec.version()) {
          accepted = i;
        }
      }
      if (accepted < 0) {
        accepted = entries.size();
        entries.add(
            new IndexEntry(
                rec.transactionId(),
                rec.version(),
                accepted,
                digest(batchId + "/" + rec.transactionId() + "/" + rec.version()),
                rec.destination()));
      }
      int copy = copies.merge(rec.recipient(), 1, Integer::sum) - 1;
      rows.add(
          new PriceRow(
              rec.recipient(),
              rec.transactionId(),
              rec.version(),
              accepted,
              copy,
              rec.destination(),
              tracking(rec.transactionId()),
              rec.seller(),
              rec.currency(),
              rec.value(),
              rec.seller() == null ? null : "seller-schema",
              rec.seller() == null ? null : identity(rec.seller(), batchId)));
    }
    List<LogAppend> log = new ArrayList<>();
    for (String recipient : copies.keySet()) {
      log.add(logEntry(batchId, marketplaceId, recipient, receivedAt));
    }
    return new NewBatch(
        batchId,
        marketplaceId,
        bodySha256,
        "jti-" + batchId,
        receivedAt,
        "writer-fingerprint",
        entries.size(),
        entries.size(),
        0,
        "receipt-of-" + batchId,
        "{}",
        entries,
        List.of(),
        log,
        rows);
  }

  private static LogAppend logEntry(
      String batchId, String marketplaceId, String recipient, Instant time) {
    String text =
        "{\"kind\":\"minimization\",\"batchId\":\""
            + batchId
            + "\",\"recipient\":\""
            + recipient
            + "\"}";
    return new LogAppend(
        "minimization",
        time,
        marketplaceId,
        recipient,
        text,
        digest(text).getBytes(StandardCharsets.UTF_8),
        List.of());
  }

  private static String tracking(String transactionId) {
    return "TRK-" + transactionId;
  }

  private static byte[] identity(String seller, String batchId) {
    return ("identity of " + seller + " in " + batchId).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Commits and lets the follower apply the batch, as the in-commit code did: seller records and
   * tracking-number look-ups are read right after.
   */
  private void commitAndFollow(NewBatch batch) {
    store.commit(batch);
    store.catchUpFollower();
  }

  // --- reading feeds -------------------------------------------------------------------------

  private List<StoredPrice> prices(String recipient) {
    return store.priceRecords(FeedQuery.after(recipient, 0, 1000));
  }

  private List<String> transactions(FeedQuery query) {
    return store.priceRecords(query).stream().map(StoredPrice::transactionId).toList();
  }

  private List<StoredSeller> sellers(String recipient) {
    return store.sellerRecords(FeedQuery.after(recipient, 0, 1000));
  }

  private StoredSeller seller(String recipient, String sellerId) {
    List<StoredSeller> found =
        sellers(recipient).stream().filter(s -> s.sellerId().equals(sellerId)).toList();
    assertThat(found).as("one seller record of %s", sellerId).hasSize(1);
    return found.get(0);
  }

  private static FeedQuery byMarketplace(String marketplaceId) {
    return new FeedQuery(NL, 0, null, 100, marketplaceId, null, null, null, null, null);
  }

  private static FeedQuery byDestination(String destination) {
    return new FeedQuery(NL, 0, null, 100, null, destination, null, null, null, null);
  }

  private static FeedQuery byReceived(Instant from, Instant to) {
    return new FeedQuery(NL, 0, null, 100, null, null, from, to, null, null);
  }

  private static FeedQuery byTracking(String trackingNumber) {
    return new FeedQuery(NL, 0, null, 100, null, null, null, null, trackingNumber, null);
  }

  private static FeedQuery bySeller(String recipient, String marketplaceId, String sellerId) {
    return new FeedQuery(recipient, 0, null, 100, marketplaceId, null, null, null, null, sellerId);
  }

  // --- feed positions ------------------------------------------------------------------------

  @Test
  void feedPositionsStartAtOneAndAreDensePerRecipientAcrossBatches() {
    commitAndFollow(
        batch(
            "b-1",
            RECEIVED,
            rec(NL, "t-1", "s-1", 100),
            rec(BE, "t-1", "s-1", 100),
            rec(NL, "t-2", "s-1", 200),
            rec(BE, "t-3", "s-2", 300)));
    commitAndFollow(batch("b-2", LATER, rec(NL, "t-4", "s-1", 400)));
    commitAndFollow(batch("b-3", LATEST, rec(BE, "t-5", "s-2", 500), rec(NL, "t-6", "s-1", 600)));

    assertThat(prices(NL)).extracting(StoredPrice::seq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(prices(NL))
        .extracting(StoredPrice::transactionId)
        .containsExactly("t-1", "t-2", "t-4", "t-6");
    assertThat(prices(BE)).extracting(StoredPrice::seq).containsExactly(1L, 2L, 3L);
    assertThat(prices(BE))
        .extracting(StoredPrice::transactionId)
        .containsExactly("t-1", "t-3", "t-5");
    assertThat(store.lastSeq(NL, FeedKind.PRICE)).isEqualTo(4);
    assertThat(store.lastSeq(BE, FeedKind.PRICE)).isEqualTo(3);
  }

  @Test
  void anEmptyFeedHasLastPositionZeroAndNoRecords() {
    commitAndFollow(batch("b-1", RECEIVED, rec(NL, "t-1", "s-1", 100)));

    assertThat(store.lastSeq(BE, FeedKind.PRICE)).isZero();
    assertThat(store.lastSeq(BE, FeedKind.SELLER)).isZero();
    assertThat(prices(BE)).isEmpty();
    assertThat(sellers(BE)).isEmpty();
  }

  @Test
  void positionsStayDenseAfterABatchThatFailedToCommit() {
    commitAndFollow(batch("b-1", RECEIVED, rec(NL, "t-1", "s-1", 100)));
    // t-1 version 1 is stored already: the index insert, after the feed rows, fails.
    NewBatch conflicting = batch("b-2", LATER, rec(NL, "t-2", "s-1", 5), rec(NL, "t-1", "s-1", 9));
    assertThatThrownBy(() -> commitAndFollow(conflicting))
        .isInstanceOf(StoreConflictException.class);

    commitAndFollow(batch("b-3", LATEST, rec(NL, "t-3", "s-1", 300)));

    assertThat(prices(NL)).extracting(StoredPrice::seq).containsExactly(1L, 2L);
    assertThat(prices(NL)).extracting(StoredPrice::transactionId).containsExactly("t-1", "t-3");
  }

  // --- the stored price row ------------------------------------------------------------------

  @Test
  void aStoredPriceRowCarriesItsBatchReceivedTimePositionVersionAndLogIndex() {
    long earlier = store.appendLog(LogName.MINIMIZATION, logEntry("b-0", "alpha", NL, RECEIVED));
    commitAndFollow(
        batch(
            "b-1",
            "alpha",
            digest("body of b-1"),
            RECEIVED,
            rec(NL, "t-1", "s-1", 100),
            rec(BE, "t-2", "s-2", 200),
            rec(NL, "t-2", "s-2", 200)));

    StoredPrice first = prices(NL).get(0);
    assertThat(first)
        .isEqualTo(
            new StoredPrice(1, "alpha", "t-1", 1, "b-1", 0, RECEIVED, earlier + 1, /* copy */ 0));
    StoredPrice second = prices(NL).get(1);
    assertThat(second.acceptedPosition()).isEqualTo(1);
    assertThat(second.copyPosition()).isEqualTo(1);
    StoredPrice belgian = prices(BE).get(0);
    assertThat(belgian.acceptedPosition()).isEqualTo(1);
    assertThat(belgian.copyPosition()).as("first in its recipient's copy").isZero();
    assertThat(belgian.logIndex()).isEqualTo(earlier + 2);
    assertThat(
            store
                .logRange(LogName.MINIMIZATION, first.logIndex(), first.logIndex() + 1)
                .get(0)
                .entry())
        .contains("\"batchId\":\"b-1\"", "\"recipient\":\"" + NL + "\"");
    assertThat(
            store
                .logRange(LogName.MINIMIZATION, belgian.logIndex(), belgian.logIndex() + 1)
                .get(0)
                .entry())
        .contains("\"batchId\":\"b-1\"", "\"recipient\":\"" + BE + "\"");
  }

  @Test
  void anAmendmentIsANewPriceRowWithItsOwnVersionBatchAndTime() {
    commitAndFollow(batch("b-1", RECEIVED, rec(NL, "t-1", "s-1", 100)));
    commitAndFollow(batch("b-2", LATER, amend(NL, "t-1", 2, "s-1", 130)));

    assertThat(prices(NL))
        .extracting(
            StoredPrice::seq, StoredPrice::version, StoredPrice::batchId, StoredPrice::receivedAt)
        .containsExactly(tuple(1L, 1, "b-1", RECEIVED), tuple(2L, 2, "b-2", LATER));
    assertThat(prices(NL).get(1).logIndex()).isGreaterThan(prices(NL).get(0).logIndex());
  }

  @Test
  void priceRowsWithoutTheirRecipientsLogEntryAreRefusedAndNothingIsStored() {
    NewBatch complete = batch("b-1", RECEIVED, rec(NL, "t-1", "s-1", 1), rec(BE, "t-1", "s-1", 1));
    List<LogAppend> onlyDutch =
        complete.log().stream().filter(entry -> entry.recipient().equals(NL)).toList();
    NewBatch missingBelgianEntry =
        new NewBatch(
            complete.batchId(),
            complete.marketplaceId(),
            complete.bodySha256(),
            complete.requestJti(),
            complete.receivedAt(),
            complete.writerSchemaFingerprint(),
            complete.recordCount(),
            complete.acceptedCount(),
            complete.rejectedCount(),
            complete.receiptJws(),
            complete.resultJson(),
            complete.entries(),
            complete.minimized(),
            onlyDutch,
            complete.priceRecords());

    assertThatThrownBy(() -> commitAndFollow(missingBelgianEntry))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(store.batch("alpha", "b-1")).isEmpty();
    assertThat(prices(NL)).isEmpty();
    assertThat(sellers(NL)).isEmpty();
    assertThat(store.logSize(LogName.MINIMIZATION)).isZero();
    commitAndFollow(complete);
    assertThat(prices(BE)).hasSize(1);
  }

  // --- paging and filters --------------------------------------------------------------------

  private void storeFiveRecords() {
    commitAndFollow(
        batch(
            "b-1",
            RECEIVED,
            rec(NL, "t-1", "s-1", 1),
            rec(NL, "t-2", "s-1", 2),
            rec(NL, "t-3", "s-1", 3)));
    commitAndFollow(batch("b-2", LATER, rec(NL, "t-4", "s-1", 4), rec(NL, "t-5", "s-1", 5)));
  }

  @Test
  void pagesReturnTheRecordsAfterTheCursorInPositionOrder() {
    storeFiveRecords();

    assertThat(store.priceRecords(FeedQuery.after(NL, 0, 2)))
        .extracting(StoredPrice::seq)
        .containsExactly(1L, 2L);
    assertThat(store.priceRecords(FeedQuery.after(NL, 2, 2)))
        .extracting(StoredPrice::seq)
        .containsExactly(3L, 4L);
    assertThat(store.priceRecords(FeedQuery.after(NL, 4, 2)))
        .extracting(StoredPrice::seq)
        .containsExactly(5L);
    assertThat(store.priceRecords(FeedQuery.after(NL, 5, 2))).isEmpty();
  }

  @Test
  void upToBoundsAPageInclusively() {
    storeFiveRecords();

    assertThat(store.priceRecords(FeedQuery.after(NL, 1, 10).upTo(3)))
        .extracting(StoredPrice::seq)
        .containsExactly(2L, 3L);
    assertThat(store.priceRecords(FeedQuery.after(NL, 0, 1).upTo(3)))
        .as("the limit still applies")
        .extracting(StoredPrice::seq)
        .containsExactly(1L);
    assertThat(store.priceRecords(FeedQuery.after(NL, 3, 10).upTo(3))).isEmpty();
    assertThat(store.priceRecords(FeedQuery.after(NL, 3, 10).upTo(99)))
        .extracting(StoredPrice::seq)
        .containsExactly(4L, 5L);
  }

  @Test
  void refusesAQueryWithANegativeCursorOrANonPositiveLimit() {
    assertThatThrownBy(() -> FeedQuery.after(NL, -1, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeedQuery.after(NL, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeedQuery.after(null, 0, 10)).isInstanceOf(NullPointerException.class);
  }

  /**
   * Recipient NL: t-1 (alpha, NL, s-1), t-2 (alpha, BE, s-2) received first; t-3 (beta, BE, s-1)
   * and t-4 (beta, no destination shown, s-1) later; t-5 (alpha, NL, s-2) latest. Recipient BE
   * receives t-2 too.
   */
  private void storeMixedFeed() {
    commitAndFollow(
        batch(
            "b-1",
            "alpha",
            digest("b-1"),
            RECEIVED,
            new Rec(NL, "t-1", 1, "NL", "s-1", "EUR", 100L),
            new Rec(NL, "t-2", 1, "BE", "s-2", "EUR", 200L),
            new Rec(BE, "t-2", 1, "BE", "s-2", "EUR", 200L)));
    commitAndFollow(
        batch(
            "b-2",
            "beta",
            digest("b-2"),
            LATER,
            new Rec(NL, "t-3", 1, "BE", "s-1", "EUR", 300L),
            new Rec(NL, "t-4", 1, null, "s-1", "EUR", 400L)));
    commitAndFollow(
        batch(
            "b-3",
            "alpha",
            digest("b-3"),
            LATEST,
            new Rec(NL, "t-5", 1, "NL", "s-2", "EUR", 500L)));
  }

  @Test
  void marketplaceFilterNarrowsThePriceFeed() {
    storeMixedFeed();

    assertThat(transactions(byMarketplace("alpha"))).containsExactly("t-1", "t-2", "t-5");
    assertThat(transactions(byMarketplace("beta"))).containsExactly("t-3", "t-4");
    assertThat(transactions(byMarketplace("gamma"))).isEmpty();
  }

  @Test
  void destinationFilterNarrowsThePriceFeedAndNeverFindsAHiddenDestination() {
    storeMixedFeed();

    assertThat(transactions(byDestination("BE"))).containsExactly("t-2", "t-3");
    assertThat(transactions(byDestination("NL"))).containsExactly("t-1", "t-5");
    assertThat(transactions(byDestination("DE"))).isEmpty();
  }

  @Test
  void receivedTimeFilterIncludesFromAndExcludesTo() {
    storeMixedFeed();

    assertThat(transactions(byReceived(LATER, null))).containsExactly("t-3", "t-4", "t-5");
    assertThat(transactions(byReceived(null, LATER))).containsExactly("t-1", "t-2");
    assertThat(transactions(byReceived(LATER, LATEST))).containsExactly("t-3", "t-4");
    assertThat(transactions(byReceived(LATER.plusNanos(1000), LATEST))).isEmpty();
    assertThat(transactions(byReceived(LATER, LATER))).isEmpty();
  }

  @Test
  void trackingNumberLooksUpOneShipment() {
    storeMixedFeed();

    assertThat(transactions(byTracking(tracking("t-4")))).containsExactly("t-4");
    assertThat(transactions(byTracking("TRK-unknown"))).isEmpty();
  }

  @Test
  void sellerFilterNarrowsThePriceFeedAndCombinesWithTheOthers() {
    storeMixedFeed();

    assertThat(transactions(bySeller(NL, null, "s-1"))).containsExactly("t-1", "t-3", "t-4");
    assertThat(transactions(bySeller(NL, "alpha", "s-1"))).containsExactly("t-1");
    assertThat(transactions(bySeller(NL, null, "s-9"))).isEmpty();
    assertThat(transactions(bySeller(BE, null, "s-1")))
        .as("another recipient's records are never found")
        .isEmpty();
    assertThat(transactions(new FeedQuery(NL, 1, null, 100, null, null, null, null, null, "s-1")))
        .as("after the cursor")
        .containsExactly("t-3", "t-4");
  }

  @Test
  void sellerFeedRefusesADestinationFilter() {
    storeMixedFeed();

    assertThatThrownBy(
            () ->
                store.sellerRecords(
                    new FeedQuery(NL, 0, null, 10, null, "NL", null, null, null, null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sellerFeedRefusesATrackingNumberFilter() {
    storeMixedFeed();

    assertThatThrownBy(
            () ->
                store.sellerRecords(
                    new FeedQuery(NL, 0, null, 10, null, null, null, null, tracking("t-1"), null)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sellerFeedFiltersByMarketplaceSellerAndLastSeenTime() {
    storeMixedFeed();

    assertThat(store.sellerRecords(bySeller(NL, "beta", "s-1")))
        .extracting(StoredSeller::marketplaceId, StoredSeller::sellerId)
        .containsExactly(tuple("beta", "s-1"));
    assertThat(store.sellerRecords(bySeller(NL, null, "s-1")))
        .extracting(StoredSeller::marketplaceId)
        .containsExactlyInAnyOrder("alpha", "beta");
    assertThat(
            store.sellerRecords(
                new FeedQuery(NL, 0, null, 10, null, null, LATER, null, null, null)))
        .extracting(StoredSeller::marketplaceId, StoredSeller::sellerId)
        .containsExactly(tuple("beta", "s-1"), tuple("alpha", "s-2"));
    assertThat(
            store.sellerRecords(
                new FeedQuery(NL, 0, null, 10, null, null, null, LATER, null, null)))
        .extracting(StoredSeller::marketplaceId, StoredSeller::sellerId)
        .containsExactly(tuple("alpha", "s-1"));
  }

  // --- seller records ------------------------------------------------------------------------

  @Test
  void keepsOneSellerRecordPerRecipientMarketplaceAndSeller() {
    commitAndFollow(
        batch(
            "b-1",
            RECEIVED,
            rec(NL, "t-1", "s-1", 100),
            rec(NL, "t-2", "s-1", 50),
            rec(BE, "t-1", "s-1", 100)));
    commitAndFollow(batch("b-2", "beta", digest("b-2"), LATER, rec(NL, "t-1", "s-1", 7)));

    assertThat(sellers(NL))
        .extracting(StoredSeller::marketplaceId, StoredSeller::sellerId, StoredSeller::transactions)
        .containsExactly(tuple("alpha", "s-1", 2L), tuple("beta", "s-1", 1L));
    assertThat(sellers(BE))
        .extracting(StoredSeller::marketplaceId, StoredSeller::sellerId, StoredSeller::transactions)
        .containsExactly(tuple("alpha", "s-1", 1L));
  }

  @Test
  void sellerPositionsOfTwoRecipientsAreIndependent() {
    commitAndFollow(
        batch(
            "b-1",
            RECEIVED,
            rec(NL, "t-1", "s-1", 1),
            rec(NL, "t-2", "s-2", 1),
            rec(BE, "t-3", "s-3", 1)));

    assertThat(sellers(NL)).extracting(StoredSeller::seq).containsExactly(1L, 2L);
    assertThat(sellers(BE)).extracting(StoredSeller::seq).containsExactly(1L);
    assertThat(store.lastSeq(NL, FeedKind.SELLER)).isEqualTo(2);
    assertThat(store.lastSeq(BE, FeedKind.SELLER)).isEqualTo(1);
  }

  @Test
  void sellerRecordKeepsFirstAndLastSeenAndTheLatestIdentity() {
    commitAndFollow(batch("b-1", RECEIVED, rec(NL, "t-1", "s-1", 100)));
    commitAndFollow(batch("b-2", LATER, rec(NL, "t-2", "s-1", 50)));

    StoredSeller seller = seller(NL, "s-1");
    assertThat(seller.firstSeen()).isEqualTo(RECEIVED);
    assertThat(seller.lastSeen()).isEqualTo(LATER);
    assertThat(seller.identityFingerprint()).isEqualTo("seller-schema");
    assertThat(seller.identity()).isEqualTo(identity("s-1", "b-2"));
  }

  @Test
  void countsEachTransactionOnceAndSumsValuesPerCurrency() {
    commitAndFollow(
        batch(
            "b-1",
            RECEIVED,
            rec(NL, "t-1", "s-1", 100),
            rec(NL, "t-2", "s-1", 50),
            new Rec(NL, "t-3", 1, "NL", "s-1", "USD", 7L)));
    commitAndFollow(batch("b-2", LATER, new Rec(NL, "t-4", 1, "NL", "s-1", "CHF", 3L)));

    StoredSeller seller = seller(NL, "s-1");
    assertThat(seller.transactions()).isEqualTo(4);
    assertThat(seller.values())
        .containsExactly(
            new CurrencyTotal("CHF", 1, 3),
            new CurrencyTotal("EUR", 2, 150),
            new CurrencyTotal("USD", 1, 7));
  }

  @Test
  void anAmendmentReplacesTheValueInsteadOfAddingATransaction() {
    commitAndFollow(batch("b-1", RECEIVED, rec(NL, "t-1", "s-1", 100), rec(NL, "t-2", "s-1", 50)));
    commitAndFollow(batch("b-2", LATER, amend(NL, "t-1", 2, "s-1", 130)));
    commitAndFollow(batch("b-3", LATEST, amend(NL, "t-1", 3, "s-1", 120)));

    StoredSeller seller = seller(NL, "s-1");
    assertThat(seller.transactions()).isEqualTo(2);
    assertThat(seller.values()).containsExactly(new CurrencyTotal("EUR", 2, 170));
    assertThat(seller.lastSeen()).isEqualTo(LATEST);
  }

  @Test
  void anAmendmentThatChangesTheCurrencyMovesTheValueToTheNewCurrency() {
    commitAndFollow(batch("b-1", RECEIVED, rec(NL, "t-1", "s-1", 100)));
    commitAndFollow(batch("b-2", LATER, new Rec(NL, "t-1", 2, "NL", "s-1", "USD", 40L)));

    StoredSeller seller = seller(NL, "s-1");
    assertThat(seller.transactions()).isEqualTo(1);
    assertThat(seller.values()).containsExactly(new CurrencyTotal("USD", 1, 40));
  }

  @Test
  void anAmendmentThatMovesTheTransactionToAnotherSellerDecrementsTheOldSeller() {
    commitAndFollow(
        batch(
            "b-1",
            RECEIVED,
            rec(NL, "t-1", "s-1", 100),
            rec(NL, "t-2", "s-1", 50),
            rec(NL, "t-3", "s-2", 70)));
    long lastBefore = store.lastSeq(NL, FeedKind.SELLER);

    commitAndFollow(batch("b-2", LATER, amend(NL, "t-1", 2, "s-2", 90)));

    StoredSeller old = seller(NL, "s-1");
    assertThat(old.transactions()).isEqualTo(1);
    assertThat(old.values()).containsExactly(new CurrencyTotal("EUR", 1, 50));
    assertThat(old.seq()).as("a change: a newer position").isGreaterThan(lastBefore);
    assertThat(old.lastSeen()).isEqualTo(LATER);
    assertThat(old.firstSeen()).isEqualTo(RECEIVED);
    assertThat(old.identity()).as("not seen in b-2").isEqualTo(identity("s-1", "b-1"));
    StoredSeller now = seller(NL, "s-2");
    assertThat(now.transactions()).isEqualTo(2);
    assertThat(now.values()).containsExactly(new CurrencyTotal("EUR", 2, 160));
    assertThat(now.seq()).isGreaterThan(lastBefore);
    assertThat(store.sellerRecords(FeedQuery.after(NL, lastBefore, 10)))
        .extracting(StoredSeller::sellerId)
        .containsExactlyInAnyOrder("s-1", "s-2");
  }

  @Test
  void aSellerThatLosesItsOnlyTransactionKeepsARecordWithNothingInIt() {
    commitAndFollow(batch("b-1", RECEIVED, rec(NL, "t-1", "s-1", 100)));
    commitAndFollow(batch("b-2", LATER, amend(NL, "t-1", 2, "s-2", 100)));

    StoredSeller old = seller(NL, "s-1");
    assertThat(old.transactions()).isZero();
    assertThat(old.values()).isEmpty();
    assertThat(seller(NL, "s-2").transactions()).isEqualTo(1);
  }

  @Test
  void everyChangeGivesTheSellerANewHigherFeedPosition() {
    commitAndFollow(batch("b-1", RECEIVED, rec(NL, "t-1", "s-1", 1), rec(NL, "t-2", "s-2", 1)));
    assertThat(sellers(NL))
        .extracting(StoredSeller::sellerId, StoredSeller::seq)
        .containsExactly(tuple("s-1", 1L), tuple("s-2", 2L));

    commitAndFollow(batch("b-2", LATER, rec(NL, "t-3", "s-1", 1)));

    assertThat(sellers(NL))
        .as("each seller once, at its latest position")
        .extracting(StoredSeller::sellerId, StoredSeller::seq)
        .containsExactly(tuple("s-2", 2L), tuple("s-1", 3L));
    assertThat(store.sellerRecords(FeedQuery.after(NL, 2, 10)))
        .extracting(StoredSeller::sellerId)
        .containsExactly("s-1");
    assertThat(store.lastSeq(NL, FeedKind.SELLER)).isEqualTo(3);

    commitAndFollow(batch("b-3", LATEST, amend(NL, "t-3", 2, "s-1", 2)));

    assertThat(seller(NL, "s-1").seq()).isEqualTo(4);
    assertThat(seller(NL, "s-2").seq()).as("unchanged, stays").isEqualTo(2);
    assertThat(store.sellerRecords(FeedQuery.after(NL, 3, 10)))
        .extracting(StoredSeller::sellerId)
        .containsExactly("s-1");
  }

  @Test
  void aRecipientWhosePolicyKeepsNoSellerGetsPriceRowsButNoSellerRecords() {
    commitAndFollow(batch("b-1", RECEIVED, rec(NL, "t-1", null, 100), rec(BE, "t-1", "s-1", 100)));

    assertThat(prices(NL)).hasSize(1);
    assertThat(sellers(NL)).isEmpty();
    assertThat(store.lastSeq(NL, FeedKind.SELLER)).isZero();
    assertThat(sellers(BE)).hasSize(1);
  }

  // --- failed commits ------------------------------------------------------------------------

  @Test
  void aBatchWithADuplicateBodyDigestLeavesNoPriceOrSellerRows() {
    commitAndFollow(batch("b-1", "alpha", digest("body"), RECEIVED, rec(NL, "t-1", "s-1", 100)));
    List<StoredSeller> sellersBefore = sellers(NL);
    NewBatch sameBody =
        batch(
            "b-2",
            "alpha",
            digest("body"),
            LATER,
            rec(NL, "t-2", "s-1", 50),
            rec(NL, "t-3", "s-9", 5),
            rec(BE, "t-2", "s-1", 50));

    assertThatThrownBy(() -> commitAndFollow(sameBody)).isInstanceOf(StoreConflictException.class);

    assertThat(prices(NL)).extracting(StoredPrice::transactionId).containsExactly("t-1");
    assertThat(prices(BE)).isEmpty();
    assertThat(sellers(NL)).usingRecursiveComparison().isEqualTo(sellersBefore);
    assertThat(sellers(BE)).isEmpty();
    assertThat(store.lastSeq(NL, FeedKind.PRICE)).isEqualTo(1);
    assertThat(store.lastSeq(NL, FeedKind.SELLER)).isEqualTo(1);
  }

  @Test
  void aBatchThatFailsAfterWritingItsFeedRowsLeavesNoneOfThem() {
    commitAndFollow(batch("b-1", RECEIVED, rec(NL, "t-1", "s-1", 100), rec(NL, "t-2", "s-2", 70)));
    List<StoredSeller> sellersBefore = sellers(NL);
    // The amendment moves t-2 to s-1; then the index refuses t-1 version 1, stored already.
    NewBatch conflicting =
        batch(
            "b-2",
            LATER,
            amend(NL, "t-2", 2, "s-1", 90),
            rec(NL, "t-3", "s-3", 5),
            rec(NL, "t-1", "s-1", 100));

    assertThatThrownBy(() -> commitAndFollow(conflicting))
        .isInstanceOf(StoreConflictException.class);

    assertThat(prices(NL)).extracting(StoredPrice::transactionId).containsExactly("t-1", "t-2");
    assertThat(sellers(NL)).usingRecursiveComparison().isEqualTo(sellersBefore);
    assertThat(store.batch("alpha", "b-2")).isEmpty();
  }

  // --- push stream state ---------------------------------------------------------------------

  @Test
  void deliveryStateIsTheInitialStateUntilSaved() {
    assertThat(store.deliveryState(NL, FeedKind.PRICE))
        .isEqualTo(new DeliveryState(NL, FeedKind.PRICE, 0, null, 0, null));
    assertThat(store.deliveryState(NL, FeedKind.SELLER))
        .isEqualTo(DeliveryState.initial(NL, FeedKind.SELLER));
  }

  @Test
  void savedDeliveryStateReadsBackWithAndWithoutAnInFlightPosition() {
    DeliveryState inFlight = new DeliveryState(NL, FeedKind.PRICE, 10, 25L, 3, "HTTP 503");
    store.saveDeliveryState(inFlight);
    assertThat(store.deliveryState(NL, FeedKind.PRICE)).isEqualTo(inFlight);

    DeliveryState delivered = new DeliveryState(NL, FeedKind.PRICE, 25, null, 0, null);
    store.saveDeliveryState(delivered);
    assertThat(store.deliveryState(NL, FeedKind.PRICE)).isEqualTo(delivered);
    assertThat(store.deliveryState(NL, FeedKind.PRICE).inFlightToSeq()).isNull();

    assertThat(store.deliveryState(NL, FeedKind.SELLER))
        .as("the other stream did not move")
        .isEqualTo(DeliveryState.initial(NL, FeedKind.SELLER));
    assertThat(store.deliveryState(BE, FeedKind.PRICE))
        .isEqualTo(DeliveryState.initial(BE, FeedKind.PRICE));
  }

  @Test
  void refusesAnOverLongLastErrorAndKeepsThePreviousState() {
    DeliveryState saved = new DeliveryState(NL, FeedKind.PRICE, 4, null, 0, null);
    store.saveDeliveryState(saved);

    assertThatThrownBy(
            () ->
                store.saveDeliveryState(
                    new DeliveryState(
                        NL, FeedKind.PRICE, 5, 6L, 1, "x".repeat(Limits.MAX_TEXT_LENGTH + 1))))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(store.deliveryState(NL, FeedKind.PRICE)).isEqualTo(saved);
  }

  // --- dead letters --------------------------------------------------------------------------

  private static DeadLetter letter(String recipient, FeedKind kind, long seq, Status status) {
    return new DeadLetter(recipient, kind, seq, status, "refused", "HTTP 422", FAILED_AT, 1);
  }

  private static DeadLetter letter(long seq, Status status) {
    return letter(NL, FeedKind.PRICE, seq, status);
  }

  @Test
  void deadLetterStoresTheLettersAndTheStateTogether() {
    DeliveryState passed = new DeliveryState(NL, FeedKind.PRICE, 7, null, 0, null);
    List<DeadLetter> letters = List.of(letter(5, Status.DEAD), letter(7, Status.DEAD));

    store.deadLetter(passed, letters);

    assertThat(store.deliveryState(NL, FeedKind.PRICE)).isEqualTo(passed);
    assertThat(store.deadLetters(NL, FeedKind.PRICE, null, 0, 10)).isEqualTo(letters);
  }

  @Test
  void aDeadLetterWriteThatFailsStoresNeitherLettersNorState() {
    DeliveryState before = new DeliveryState(NL, FeedKind.PRICE, 4, 7L, 2, "HTTP 422");
    store.saveDeliveryState(before);
    DeadLetter overLongReason =
        new DeadLetter(
            NL,
            FeedKind.PRICE,
            5,
            Status.DEAD,
            "r".repeat(Limits.MAX_TEXT_LENGTH + 1),
            null,
            FAILED_AT,
            1);
    DeliveryState overLongError =
        new DeliveryState(NL, FeedKind.PRICE, 7, null, 0, "e".repeat(Limits.MAX_TEXT_LENGTH + 1));

    assertThatThrownBy(
            () ->
                store.deadLetter(
                    new DeliveryState(NL, FeedKind.PRICE, 7, null, 0, null),
                    List.of(letter(5, Status.DEAD), overLongReason)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.deadLetter(overLongError, List.of(letter(5, Status.DEAD))))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(store.deliveryState(NL, FeedKind.PRICE)).isEqualTo(before);
    assertThat(store.deadLetters(NL, null, null, 0, 10)).isEmpty();
  }

  @Test
  void storingALetterAgainTakesTheNewStatusReasonAndTimeAndAddsTheAttempts() {
    store.deadLetter(
        DeliveryState.initial(NL, FeedKind.PRICE),
        List.of(
            new DeadLetter(NL, FeedKind.PRICE, 3, Status.REDRIVE, "refused", "a", FAILED_AT, 2)));

    Instant again = FAILED_AT.plusSeconds(30);
    store.deadLetter(
        DeliveryState.initial(NL, FeedKind.PRICE),
        List.of(new DeadLetter(NL, FeedKind.PRICE, 3, Status.DEAD, "expired", null, again, 1)));

    assertThat(store.deadLetters(NL, null, null, 0, 10))
        .containsExactly(
            new DeadLetter(NL, FeedKind.PRICE, 3, Status.DEAD, "expired", null, again, 3));
  }

  private void storeLettersOfBothStreams() {
    store.deadLetter(
        DeliveryState.initial(NL, FeedKind.PRICE),
        List.of(
            letter(1, Status.DEAD),
            letter(2, Status.REDRIVE),
            letter(3, Status.DEAD),
            letter(4, Status.REDELIVERED),
            letter(5, Status.DEAD)));
    store.deadLetter(
        DeliveryState.initial(NL, FeedKind.SELLER),
        List.of(
            letter(NL, FeedKind.SELLER, 2, Status.DEAD),
            letter(NL, FeedKind.SELLER, 9, Status.DEAD)));
    store.deadLetter(
        DeliveryState.initial(BE, FeedKind.PRICE),
        List.of(letter(BE, FeedKind.PRICE, 1, Status.DEAD)));
  }

  private static List<String> keys(List<DeadLetter> letters) {
    return letters.stream()
        .map(l -> l.recipient() + "/" + l.kind().wireName() + "/" + l.seq())
        .toList();
  }

  @Test
  void deadLettersFilterByStreamStatusPositionAndLimit() {
    storeLettersOfBothStreams();

    assertThat(keys(store.deadLetters(NL, null, null, 0, 100)))
        .as("price stream first, then seller, each in position order")
        .containsExactly(
            NL + "/price/1",
            NL + "/price/2",
            NL + "/price/3",
            NL + "/price/4",
            NL + "/price/5",
            NL + "/seller/2",
            NL + "/seller/9");
    assertThat(keys(store.deadLetters(NL, FeedKind.SELLER, null, 0, 100)))
        .containsExactly(NL + "/seller/2", NL + "/seller/9");
    assertThat(keys(store.deadLetters(NL, FeedKind.PRICE, Status.DEAD, 0, 100)))
        .containsExactly(NL + "/price/1", NL + "/price/3", NL + "/price/5");
    assertThat(keys(store.deadLetters(NL, FeedKind.PRICE, Status.DEAD, 1, 100)))
        .containsExactly(NL + "/price/3", NL + "/price/5");
    assertThat(keys(store.deadLetters(NL, FeedKind.PRICE, null, 1, 2)))
        .containsExactly(NL + "/price/2", NL + "/price/3");
    assertThat(keys(store.deadLetters(NL, null, Status.REDRIVE, 0, 100)))
        .containsExactly(NL + "/price/2");
    assertThat(store.deadLetters(NL, FeedKind.PRICE, null, 5, 100)).isEmpty();
    assertThat(keys(store.deadLetters(BE, null, null, 0, 100))).containsExactly(BE + "/price/1");
    assertThat(store.deadLetters("customs-none", null, null, 0, 100)).isEmpty();
  }

  @Test
  void moveDeadLettersMovesOnlyLettersInTheFromStatusAndCountsThem() {
    storeLettersOfBothStreams();

    int moved =
        store.moveDeadLetters(
            NL, FeedKind.PRICE, List.of(1L, 2L, 4L, 5L, 99L), Status.DEAD, Status.REDRIVE);

    assertThat(moved).isEqualTo(2);
    assertThat(store.deadLetters(NL, FeedKind.PRICE, null, 0, 100))
        .extracting(DeadLetter::seq, DeadLetter::status)
        .containsExactly(
            tuple(1L, Status.REDRIVE),
            tuple(2L, Status.REDRIVE),
            tuple(3L, Status.DEAD),
            tuple(4L, Status.REDELIVERED),
            tuple(5L, Status.REDRIVE));
    assertThat(store.deadLetters(NL, FeedKind.SELLER, Status.DEAD, 0, 100))
        .as("the other stream is untouched")
        .hasSize(2);
    assertThat(store.deadLetters(BE, FeedKind.PRICE, Status.DEAD, 0, 100))
        .as("the other recipient is untouched")
        .hasSize(1);
  }

  @Test
  void moveDeadLettersMovesNothingInAnotherStatusStreamOrWithoutPositions() {
    storeLettersOfBothStreams();

    assertThat(
            store.moveDeadLetters(
                NL, FeedKind.PRICE, List.of(1L, 3L), Status.REDRIVE, Status.REDELIVERED))
        .isZero();
    assertThat(
            store.moveDeadLetters(
                NL, FeedKind.SELLER, List.of(1L, 3L), Status.DEAD, Status.REDRIVE))
        .isZero();
    assertThat(store.moveDeadLetters(NL, FeedKind.PRICE, List.of(), Status.DEAD, Status.REDRIVE))
        .isZero();
    assertThat(store.deadLetters(NL, FeedKind.PRICE, Status.DEAD, 0, 100)).hasSize(3);
  }

  @Test
  void moveAllDeadLettersMovesEveryLetterOfTheStreamInTheFromStatus() {
    storeLettersOfBothStreams();

    assertThat(store.moveAllDeadLetters(NL, FeedKind.PRICE, Status.DEAD, Status.REDRIVE))
        .isEqualTo(3);

    assertThat(store.deadLetters(NL, FeedKind.PRICE, Status.DEAD, 0, 100)).isEmpty();
    assertThat(store.deadLetters(NL, FeedKind.SELLER, Status.DEAD, 0, 100)).hasSize(2);
    assertThat(store.moveAllDeadLetters(NL, FeedKind.PRICE, Status.DEAD, Status.REDRIVE)).isZero();
  }

  @Test
  void countsDeadLettersByRecipientStreamAndStatus() {
    assertThat(store.deadLetterCounts()).isEmpty();
    storeLettersOfBothStreams();

    assertThat(store.deadLetterCounts())
        .containsOnly(
            Map.entry(BE + "/price/dead", 1L),
            Map.entry(NL + "/price/dead", 3L),
            Map.entry(NL + "/price/redelivered", 1L),
            Map.entry(NL + "/price/redrive", 1L),
            Map.entry(NL + "/seller/dead", 2L));
  }

  // --- record schemas ------------------------------------------------------------------------

  @Test
  void registeringASchemaAgainKeepsTheFirst() {
    store.registerSchema("fp-1", "{\"type\":\"string\"}");
    store.registerSchema("fp-1", "{\"type\":\"string\"}");
    store.registerSchema("fp-1", "{\"type\":\"int\"}");

    assertThat(store.schema("fp-1")).contains("{\"type\":\"string\"}");
  }

  @Test
  void schemaOfAnUnregisteredFingerprintIsEmpty() {
    store.registerSchema("fp-1", "{\"type\":\"string\"}");

    assertThat(store.schema("fp-2")).isEmpty();
  }

  @Test
  void refusesAnOverLongSchemaFingerprint() {
    String fingerprint = "f".repeat(Limits.MAX_TEXT_LENGTH + 1);

    assertThatThrownBy(() -> store.registerSchema(fingerprint, "{}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.schema(fingerprint)).isEmpty();
  }
}
