package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.store.Batches.RECEIVED;
import static org.parcelgate.store.Batches.RECIPIENT;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.parcelgate.testing.MutableClock;

/**
 * Storage limitation in the store, on each engine: which copies are due, what a purge deletes and
 * keeps, and that feeds, dead letters and the log stay consistent after it.
 */
@Timeout(60)
@ParameterizedClass
@EnumSource(StoreEngine.class)
class RetentionStoreTest {
  @Parameter StoreEngine engine;

  private static final Instant PURGED_AT = RECEIVED.plus(Duration.ofDays(100));

  @TempDir Path data;
  private GatewayStore store;

  @BeforeEach
  void open() {
    store = engine.open(data, new MutableClock(PURGED_AT));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** A batch of {@code records} records for {@link Batches#RECIPIENT}, received at {@code at}. */
  private static NewBatch batch(String batchId, Instant at, int records, String seller) {
    List<IndexEntry> entries = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      String transactionId = batchId + "-t" + i;
      entries.add(new IndexEntry(transactionId, 1, i, Batches.digest(transactionId), "NL"));
    }
    return Batches.batch(
        batchId, "alpha", Batches.digest("body " + batchId), at, entries, e -> seller);
  }

  private void commit(NewBatch batch) {
    store.commit(batch);
    store.catchUpFollower();
  }

  private List<RetentionCopy> due(Instant before, boolean pushed) {
    return store.dueCopies(RECIPIENT, before, false, pushed, 10);
  }

  private static LogAppend entry(RetentionCopy copy, int undelivered) {
    String text =
        "{\"kind\":\"purge\",\"batchId\":\""
            + copy.batchId()
            + "\",\"records\":"
            + copy.records()
            + ",\"undelivered\":"
            + undelivered
            + "}";
    return new LogAppend(
        "purge",
        PURGED_AT,
        copy.marketplaceId(),
        copy.recipient(),
        copy.batchId(),
        text,
        Batches.digest(text).getBytes(StandardCharsets.UTF_8),
        List.of());
  }

  private Optional<RetentionPurge> purge(RetentionCopy copy) {
    return store.purge(List.of(copy), PURGED_AT, RetentionStoreTest::entry).stream().findFirst();
  }

  private List<Long> positions() {
    return store.priceRecords(FeedQuery.after(RECIPIENT, 0, 1000)).stream()
        .map(StoredPrice::seq)
        .toList();
  }

  @Test
  void findsTheCopiesReceivedBeforeTheCutOffOldestFirst() {
    commit(batch("b1", RECEIVED, 3, "s1"));
    commit(batch("b2", RECEIVED.plusSeconds(3600), 2, "s1"));
    commit(batch("b3", RECEIVED.plusSeconds(7200), 4, "s1"));

    List<RetentionCopy> due = due(RECEIVED.plusSeconds(5400), false);

    assertThat(due)
        .extracting(RetentionCopy::batchId, RetentionCopy::firstSeq, RetentionCopy::lastSeq)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("b1", 1L, 3L),
            org.assertj.core.groups.Tuple.tuple("b2", 4L, 5L));
    assertThat(due.get(0).records()).isEqualTo(3);
    assertThat(due.get(0).receivedAt()).isEqualTo(RECEIVED);
  }

  @Test
  void findsACopyLargerThanTheRowsOneReadTakes() {
    commit(batch("big", RECEIVED, 1_500, "s1"));

    List<RetentionCopy> due = store.dueCopies(RECIPIENT, RECEIVED.plusSeconds(60), false, false, 1);

    assertThat(due).extracting(RetentionCopy::records).containsExactly(1_500);
  }

  @Test
  void purgesACopyWithItsRowsAndLookUpsAndKeepsTheBatchAndTheLog() {
    commit(batch("b1", RECEIVED, 3, "s1"));
    commit(batch("b2", RECEIVED.plusSeconds(3600), 2, "s1"));
    long logBefore = store.logSize(LogName.MINIMIZATION);

    RetentionPurge purge = purge(due(RECEIVED.plusSeconds(60), false).get(0)).orElseThrow();

    assertThat(purge.count()).isEqualTo(3);
    assertThat(purge.undelivered()).isZero();
    assertThat(purge.logIndex()).isEqualTo(logBefore);
    assertThat(store.logSize(LogName.MINIMIZATION)).isEqualTo(logBefore + 1);
    assertThat(store.logRange(LogName.MINIMIZATION, logBefore, logBefore + 1).get(0).entry())
        .contains("\"kind\":\"purge\",\"batchId\":\"b1\"");
    assertThat(store.minimizedRecords("b1", RECIPIENT)).isEmpty();
    assertThat(store.minimizedRecords("b2", RECIPIENT)).isPresent();
    assertThat(positions()).containsExactly(4L, 5L);
    assertThat(
            store.priceRecords(
                new FeedQuery(
                    RECIPIENT,
                    0,
                    null,
                    10,
                    null,
                    null,
                    null,
                    null,
                    Batches.tracking("b1-t0"),
                    null)))
        .isEmpty();
    assertThat(store.batch("alpha", "b1")).isPresent();
    assertThat(store.retentionPurges("b1"))
        .containsExactly(new RetentionPurge(RECIPIENT, PURGED_AT, logBefore, 3, 0));
    assertThat(store.retentionPurges("b2")).isEmpty();
    // The purge entry is found by its batch, as the batch's minimization entries are.
    assertThat(store.logEntries(LogName.MINIMIZATION, LogQuery.all(100).withBatch("b1")))
        .extracting(LogRow::index)
        .containsExactly(logBefore);
  }

  @Test
  void purgesSeveralCopiesInOneWriteAndLeavesOneAlreadyGone() {
    commit(batch("b1", RECEIVED, 3, "s1"));
    commit(batch("b2", RECEIVED.plusSeconds(1), 2, "s1"));
    List<RetentionCopy> due = due(RECEIVED.plusSeconds(60), false);
    purge(due.get(0)).orElseThrow();

    List<RetentionPurge> purged = store.purge(due, PURGED_AT, RetentionStoreTest::entry);

    assertThat(purged).extracting(RetentionPurge::count).containsExactly(2);
    assertThat(positions()).isEmpty();
    assertThat(store.retentionPurges("b1")).hasSize(1);
  }

  @Test
  void aSecondPurgeOfTheSameCopyChangesNothing() {
    commit(batch("b1", RECEIVED, 3, "s1"));
    RetentionCopy copy = due(RECEIVED.plusSeconds(60), false).get(0);
    purge(copy).orElseThrow();
    long size = store.logSize(LogName.MINIMIZATION);

    assertThat(purge(copy)).isEmpty();
    assertThat(store.logSize(LogName.MINIMIZATION)).isEqualTo(size);
  }

  @Test
  void feedPositionsAreNeverReusedOnceEveryRowIsPurged() {
    commit(batch("b1", RECEIVED, 3, "s1"));
    purge(due(RECEIVED.plusSeconds(60), false).get(0)).orElseThrow();
    assertThat(positions()).isEmpty();
    assertThat(store.lastSeq(RECIPIENT, FeedKind.PRICE)).isEqualTo(3);

    commit(batch("b2", RECEIVED.plusSeconds(3600), 2, "s2"));

    assertThat(positions()).containsExactly(4L, 5L);
  }

  @Test
  void aPushedCopyWaitsUntilItsStreamDeliveredIt() {
    commit(batch("b1", RECEIVED, 3, "s1"));
    store.saveDeliveryState(new DeliveryState(RECIPIENT, FeedKind.PRICE, 2, null, 0, null));

    assertThat(due(RECEIVED.plusSeconds(60), true)).isEmpty();
    assertThat(due(RECEIVED.plusSeconds(60), false)).hasSize(1);

    store.saveDeliveryState(new DeliveryState(RECIPIENT, FeedKind.PRICE, 3, null, 0, null));
    assertThat(due(RECEIVED.plusSeconds(60), true)).hasSize(1);
  }

  @Test
  void deadLettersOfAPurgedCopyArePurgedAndCounted() {
    commit(batch("b1", RECEIVED, 3, "s1"));
    store.deadLetter(
        new DeliveryState(RECIPIENT, FeedKind.PRICE, 3, null, 0, null),
        List.of(dead(2, DeadLetter.Status.DEAD), dead(3, DeadLetter.Status.DEAD)));

    RetentionPurge purge = purge(due(RECEIVED.plusSeconds(60), true).get(0)).orElseThrow();

    assertThat(purge.undelivered()).isEqualTo(2);
    assertThat(store.deadLetters(RECIPIENT, FeedKind.PRICE, null, 0, 10))
        .extracting(DeadLetter::status)
        .containsOnly(DeadLetter.Status.PURGED);
  }

  @Test
  void aCopyBeingRedrivenWaitsAndTheCopiesAfterItGo() {
    commit(batch("b1", RECEIVED, 3, "s1"));
    commit(batch("b2", RECEIVED.plusSeconds(1), 2, "s1"));
    RetentionCopy first = due(RECEIVED.plusSeconds(60), false).get(0);
    store.deadLetter(
        new DeliveryState(RECIPIENT, FeedKind.PRICE, 5, null, 0, null),
        List.of(dead(2, DeadLetter.Status.REDRIVE)));

    assertThat(due(RECEIVED.plusSeconds(60), true))
        .extracting(RetentionCopy::batchId)
        .containsExactly("b2");
    assertThat(purge(first)).as("checked again in the purge's own transaction").isEmpty();
    assertThat(store.minimizedRecords("b1", RECIPIENT)).isPresent();
  }

  private static DeadLetter dead(long seq, DeadLetter.Status status) {
    return new DeadLetter(
        RECIPIENT, FeedKind.PRICE, seq, status, "refused", "HTTP 422", RECEIVED, 1);
  }

  @Test
  void purgesSellersNotSeenSinceTheCutOffAndNeverReusesTheirPositions() {
    commit(batch("b1", RECEIVED, 2, "old-seller"));
    commit(batch("b2", RECEIVED.plusSeconds(7200), 2, "active-seller"));
    long lastSellerSeq = store.lastSeq(RECIPIENT, FeedKind.SELLER);
    long logBefore = store.logSize(LogName.MINIMIZATION);

    RetentionPurge purge =
        store
            .purgeSellers(
                RECIPIENT,
                RECEIVED.plusSeconds(3600),
                false,
                100,
                PURGED_AT,
                (recipient, sellers, undelivered) ->
                    new LogAppend(
                        "purge",
                        PURGED_AT,
                        null,
                        recipient,
                        "{\"sellers\":" + sellers + "}",
                        Batches.digest("sellers").getBytes(StandardCharsets.UTF_8),
                        List.of()))
            .orElseThrow();

    assertThat(purge.count()).isEqualTo(1);
    assertThat(purge.logIndex()).isEqualTo(logBefore);
    assertThat(store.sellerRecords(FeedQuery.after(RECIPIENT, 0, 100)))
        .extracting(StoredSeller::sellerId)
        .containsExactly("active-seller");
    assertThat(
            store.purgeSellers(
                RECIPIENT,
                RECEIVED.plusSeconds(3600),
                false,
                100,
                PURGED_AT,
                (r, s, u) -> {
                  throw new AssertionError("nothing is due");
                }))
        .isEmpty();
    assertThat(store.lastSeq(RECIPIENT, FeedKind.SELLER)).isEqualTo(lastSellerSeq);
  }
}
