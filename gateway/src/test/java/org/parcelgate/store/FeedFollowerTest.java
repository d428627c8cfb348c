package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.store.Batches.RECEIVED;
import static org.parcelgate.store.Batches.digest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.parcelgate.testing.MutableClock;

/**
 * The follower: the seller feed and the tracking-number look-up built after the commit from the
 * committed price rows, with a durable cursor. The stores here run no follower thread of their own
 * (the test decides when a step runs), except where said. On each engine.
 */
@Timeout(120)
@ParameterizedClass
@EnumSource(StoreEngine.class)
class FeedFollowerTest {
  @Parameter StoreEngine engine;

  private static final String NL = "customs-nl";
  private static final String BE = "customs-be";
  private static final List<String> RECIPIENTS = List.of(NL, BE);
  private static final int BATCHES = 30;

  @TempDir Path data;
  @TempDir Path other;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final List<GatewayStore> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(GatewayStore::close);
  }

  /** A store whose follower runs only when the test asks (catchUpFollower, followStep). */
  private JdbcGatewayStore storeWithoutFollowerThread(Path directory) {
    JdbcGatewayStore store = engine.assemble(directory, clock);
    opened.add(store);
    return store;
  }

  // --- a script of batches with amendments -------------------------------------------------

  /** One price row of the script: a transaction version for one recipient. */
  private record Version(
      String recipient,
      String marketplaceId,
      String transactionId,
      int version,
      String sellerId,
      String currency,
      long value) {}

  /**
   * Batches alternating between two marketplaces, each with new transactions for both recipients
   * and amendments of earlier ones that change the price, the currency, the seller or drop it.
   */
  private static List<List<Version>> script() {
    Random random = new Random(7);
    Map<String, Version> latest = new LinkedHashMap<>();
    List<List<Version>> batches = new ArrayList<>();
    int next = 0;
    for (int b = 0; b < BATCHES; b++) {
      String marketplace = b % 2 == 0 ? "alpha" : "beta";
      List<Version> batch = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String id = marketplace + "-t-" + next++;
        batch.add(
            new Version(
                RECIPIENTS.get(random.nextInt(2)),
                marketplace,
                id,
                1,
                random.nextInt(10) == 0 ? null : "s-" + random.nextInt(6),
                "EUR",
                100 + random.nextInt(900)));
      }
      List<Version> earlier =
          latest.values().stream().filter(v -> v.marketplaceId().equals(marketplace)).toList();
      for (int i = 0; i < 3 && !earlier.isEmpty(); i++) {
        Version before = earlier.get(random.nextInt(earlier.size()));
        if (batch.stream().anyMatch(v -> v.transactionId().equals(before.transactionId()))) {
          continue;
        }
        batch.add(
            new Version(
                before.recipient(),
                marketplace,
                before.transactionId(),
                before.version() + 1,
                random.nextInt(8) == 0 ? null : "s-" + random.nextInt(6),
                random.nextInt(4) == 0 ? "USD" : "EUR",
                50 + random.nextInt(900)));
      }
      batch.forEach(v -> latest.put(v.transactionId(), v));
      batches.add(batch);
    }
    return batches;
  }

  private static NewBatch batch(int number, List<Version> versions) {
    String batchId = "b-" + number;
    Instant received = RECEIVED.plusSeconds(number);
    List<IndexEntry> entries = new ArrayList<>();
    List<PriceRow> rows = new ArrayList<>();
    List<LogAppend> logs = new ArrayList<>();
    for (Version v : versions) {
      int position = entries.size();
      String tracking = "TRK-" + v.transactionId();
      entries.add(
          new IndexEntry(
              v.transactionId(), v.version(), position, digest(batchId + v.transactionId()), "NL"));
      byte[] identity =
          v.sellerId() == null
              ? null
              : ("identity of " + v.sellerId() + " in " + batchId).getBytes(StandardCharsets.UTF_8);
      rows.add(
          new PriceRow(
              v.recipient(),
              v.transactionId(),
              v.version(),
              position,
              position,
              "NL",
              tracking,
              v.sellerId(),
              v.currency(),
              v.value(),
              identity == null ? null : "seller-schema",
              identity));
      if (logs.stream().noneMatch(l -> l.recipient().equals(v.recipient()))) {
        String text = "{\"batchId\":\"" + batchId + "\",\"recipient\":\"" + v.recipient() + "\"}";
        logs.add(
            new LogAppend(
                "minimization",
                received,
                versions.get(0).marketplaceId(),
                v.recipient(),
                text,
                digest(text).getBytes(StandardCharsets.UTF_8),
                List.of()));
      }
    }
    return new NewBatch(
        batchId,
        versions.get(0).marketplaceId(),
        digest("body of " + batchId),
        "jti-" + batchId,
        received,
        "writer",
        entries.size(),
        entries.size(),
        0,
        "receipt",
        "{}",
        entries,
        List.of(),
        logs,
        rows);
  }

  private static List<StoredSeller> sellers(GatewayStore store, String recipient) {
    return store.sellerRecords(FeedQuery.after(recipient, 0, 1000));
  }

  /** A seller record without its position, as text, by recipient, marketplace and seller. */
  private static Map<String, String> state(GatewayStore store) {
    Map<String, String> state = new TreeMap<>();
    for (String recipient : RECIPIENTS) {
      for (StoredSeller s : sellers(store, recipient)) {
        state.put(key(recipient, s), withoutPosition(s));
      }
    }
    return state;
  }

  private static String key(String recipient, StoredSeller s) {
    return recipient + "/" + s.marketplaceId() + "/" + s.sellerId();
  }

  private static String withoutPosition(StoredSeller s) {
    return s.firstSeen()
        + " "
        + s.lastSeen()
        + " "
        + s.transactions()
        + " "
        + s.values()
        + " "
        + s.identityFingerprint()
        + " "
        + new String(s.identity(), StandardCharsets.UTF_8);
  }

  /**
   * What the seller feed must say, worked out independently: per seller, the transactions whose
   * latest version names it, and the sum of those versions' values per currency.
   */
  private static Map<String, String> expectedTotals(List<List<Version>> batches) {
    Map<String, Version> latest = new LinkedHashMap<>();
    batches.forEach(batch -> batch.forEach(v -> latest.put(v.transactionId(), v)));
    Map<String, Long> transactions = new TreeMap<>();
    Map<String, Map<String, long[]>> values = new HashMap<>();
    for (Version v : latest.values()) {
      if (v.sellerId() == null) {
        continue;
      }
      String key = v.recipient() + "/" + v.marketplaceId() + "/" + v.sellerId();
      transactions.merge(key, 1L, Long::sum);
      long[] total =
          values
              .computeIfAbsent(key, k -> new TreeMap<>())
              .computeIfAbsent(v.currency(), c -> new long[2]);
      total[0]++;
      total[1] += v.value();
    }
    Map<String, String> expected = new TreeMap<>();
    transactions.forEach((key, count) -> expected.put(key, count + " " + totals(values.get(key))));
    return expected;
  }

  private static String totals(Map<String, long[]> byCurrency) {
    List<String> totals = new ArrayList<>();
    byCurrency.forEach((currency, t) -> totals.add(currency + ":" + t[0] + ":" + t[1]));
    return String.join(",", totals);
  }

  private static Map<String, String> totals(GatewayStore store) {
    Map<String, String> totals = new TreeMap<>();
    for (String recipient : RECIPIENTS) {
      for (StoredSeller s : sellers(store, recipient)) {
        if (s.transactions() == 0) {
          continue;
        }
        List<String> values = new ArrayList<>();
        s.values()
            .forEach(v -> values.add(v.currency() + ":" + v.transactions() + ":" + v.valueMinor()));
        totals.put(key(recipient, s), s.transactions() + " " + String.join(",", values));
      }
    }
    return totals;
  }

  // --- tests --------------------------------------------------------------------------------

  @Test
  void oneStepOverManyCommitsGivesTheSellersThatFollowingEachCommitGives() {
    List<List<Version>> batches = script();
    JdbcGatewayStore eachCommit = storeWithoutFollowerThread(data);
    JdbcGatewayStore allAtOnce = storeWithoutFollowerThread(other);
    for (int b = 0; b < batches.size(); b++) {
      eachCommit.commit(batch(b, batches.get(b)));
      eachCommit.catchUpFollower();
      allAtOnce.commit(batch(b, batches.get(b)));
    }
    allAtOnce.catchUpFollower();

    assertThat(state(allAtOnce)).isEqualTo(state(eachCommit)).isNotEmpty();
    assertThat(totals(allAtOnce)).isEqualTo(expectedTotals(batches));
    assertThat(totals(eachCommit)).isEqualTo(expectedTotals(batches));
  }

  @Test
  void amendmentsMoveTransactionsAndValuesBetweenSellersAndCurrencies() {
    // The script has amendments of each kind; the totals match only if each moved its value.
    List<List<Version>> batches = script();
    List<Version> amendments =
        batches.stream().flatMap(List::stream).filter(v -> v.version() > 1).toList();
    assertThat(amendments).extracting(Version::currency).contains("USD", "EUR");
    assertThat(amendments).extracting(Version::sellerId).containsNull();
    JdbcGatewayStore store = storeWithoutFollowerThread(data);
    for (int b = 0; b < batches.size(); b++) {
      store.commit(batch(b, batches.get(b)));
    }
    store.catchUpFollower();

    assertThat(totals(store)).isEqualTo(expectedTotals(batches));
  }

  @Test
  void sellerPositionsAreTakenGapFreeAndInOrderByTheFollower() {
    List<List<Version>> batches = script();
    JdbcGatewayStore store = storeWithoutFollowerThread(data);
    for (int b = 0; b < batches.size(); b++) {
      store.commit(batch(b, batches.get(b)));
    }
    store.catchUpFollower();

    // One step over every commit: each seller changed once, at positions 1, 2, 3...
    for (String recipient : RECIPIENTS) {
      List<Long> seqs = sellers(store, recipient).stream().map(StoredSeller::seq).toList();
      assertThat(seqs).isNotEmpty();
      for (int i = 0; i < seqs.size(); i++) {
        assertThat(seqs.get(i)).isEqualTo(i + 1L);
      }
      assertThat(store.lastSeq(recipient, FeedKind.SELLER)).isEqualTo(seqs.size());
    }
  }

  @Test
  void aReaderOfTheSellerFeedDuringSmallStepsEndsWithEverySellerInItsLatestState() {
    List<List<Version>> batches = script();
    JdbcGatewayStore store = storeWithoutFollowerThread(data);
    for (int b = 0; b < batches.size(); b++) {
      store.commit(batch(b, batches.get(b)));
    }
    Map<String, Long> cursors = new HashMap<>();
    Map<String, String> seen = new TreeMap<>();
    long lag = store.followerLag();
    int steps = 0;
    FollowerTables.Step step;
    do {
      step = store.followStep(7);
      steps++;
      assertThat(step.applied()).isLessThanOrEqualTo(7);
      assertThat(store.followerLag()).isEqualTo(lag - step.applied());
      lag -= step.applied();
      for (String recipient : RECIPIENTS) {
        long cursor = cursors.getOrDefault(recipient, 0L);
        List<StoredSeller> page = store.sellerRecords(FeedQuery.after(recipient, cursor, 1000));
        for (StoredSeller s : page) {
          assertThat(s.seq()).isGreaterThan(cursor);
          cursor = s.seq();
          seen.put(key(recipient, s), withoutPosition(s));
        }
        cursors.put(recipient, cursor);
        assertThat(cursor).isEqualTo(store.lastSeq(recipient, FeedKind.SELLER));
      }
    } while (step.more());

    assertThat(steps).isGreaterThan(10);
    assertThat(store.followerLag()).isZero();
    assertThat(seen).isEqualTo(state(store));
    assertThat(totals(store)).isEqualTo(expectedTotals(batches));
  }

  @Test
  void committedRowsAreTheLagUntilTheFollowerAppliesThem() {
    List<List<Version>> batches = script();
    JdbcGatewayStore store = storeWithoutFollowerThread(data);
    store.commit(batch(0, batches.get(0)));
    store.commit(batch(1, batches.get(1)));
    Version first = batches.get(0).get(0);
    FeedQuery byTracking =
        new FeedQuery(
            first.recipient(),
            0,
            null,
            10,
            null,
            null,
            null,
            null,
            "TRK-" + first.transactionId(),
            null);

    assertThat(store.followerLag()).isEqualTo(batches.get(0).size() + batches.get(1).size());
    // The price feed is whole at once; the seller feed and the look-up wait for the follower.
    assertThat(store.priceRecords(FeedQuery.after(first.recipient(), 0, 100))).isNotEmpty();
    assertThat(sellers(store, NL)).isEmpty();
    assertThat(sellers(store, BE)).isEmpty();
    assertThat(store.priceRecords(byTracking)).isEmpty();

    store.catchUpFollower();

    assertThat(store.followerLag()).isZero();
    assertThat(store.priceRecords(byTracking))
        .extracting(StoredPrice::transactionId)
        .containsExactly(first.transactionId());
    assertThat(totals(store)).isEqualTo(expectedTotals(batches.subList(0, 2)));
  }

  @Test
  void theStoresOwnFollowerAppliesCommitsWithoutBeingAsked() {
    List<List<Version>> batches = script();
    GatewayStore store = engine.open(data, clock);
    opened.add(store);
    for (int b = 0; b < batches.size(); b++) {
      store.commit(batch(b, batches.get(b)));
    }

    // Bounded wait for the follower thread (its interval), not a sleep.
    org.parcelgate.testing.Await.until(() -> store.followerLag() == 0, "the follower caught up");
    assertThat(totals(store)).isEqualTo(expectedTotals(batches));
  }

  @Test
  void closingTheStoreStopsItsFollowerAndTheNextOpenCatchesUp() {
    List<List<Version>> batches = script();
    JdbcGatewayStore withoutFollower = storeWithoutFollowerThread(data);
    for (int b = 0; b < batches.size(); b++) {
      withoutFollower.commit(batch(b, batches.get(b)));
    }
    assertThat(withoutFollower.followerLag()).isPositive();
    withoutFollower.close();
    opened.remove(withoutFollower);

    long followersBefore = followerThreads();
    GatewayStore reopened = engine.open(data, clock);
    opened.add(reopened);
    assertThat(followerThreads()).isEqualTo(followersBefore + 1);
    org.parcelgate.testing.Await.until(
        () -> reopened.followerLag() == 0, "the follower caught up at open");
    assertThat(totals(reopened)).isEqualTo(expectedTotals(batches));
    reopened.close();
    assertThat(followerThreads()).as("follower threads running").isEqualTo(followersBefore);
  }

  private static long followerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("parcelgate-store-follower") && t.isAlive())
        .count();
  }

  @Test
  void aDatabaseWhoseSellersWereBuiltInCommitKeepsThemAndFollowsOnFromItsLastPosition()
      throws Exception {
    // Stored by the in-commit code at V4: two price rows of NL and the seller rows they made.
    java.nio.file.Files.createDirectories(data);
    try (java.sql.Connection connection = engine.connect(data);
        java.sql.Statement sql = connection.createStatement()) {
      Migrations.migrate(connection, engine.dialect(), Migrations.shipped().subList(0, 4), clock);
      java.sql.PreparedStatement seller =
          connection.prepareStatement(
              "INSERT INTO seller_record (recipient, marketplace_id, seller_id, feed_seq,"
                  + " first_seen_micros, last_seen_micros, transaction_count,"
                  + " identity_fingerprint, identity) VALUES ('customs-nl', 'alpha', ?, ?, 0, 0,"
                  + " 1, 'seller-schema', ?)");
      for (int n = 1; n <= 2; n++) {
        sql.execute(
            "INSERT INTO price_record (recipient, feed_seq, marketplace_id, transaction_id,"
                + " version, batch_id, accepted_position, copy_position, received_at_micros,"
                + " log_index, destination_country, tracking_number, seller_id, currency,"
                + " goods_value_minor) VALUES ('customs-nl', "
                + n
                + ", 'alpha', 'alpha-t-"
                + n
                + "', 1, 'old', 0, 0, 0, 0, 'NL', 'TRK-alpha-t-"
                + n
                + "', 's-"
                + n
                + "', 'EUR', "
                + (100 * n)
                + ")");
        seller.setString(1, "s-" + n);
        seller.setLong(2, n);
        seller.setBytes(3, new byte[] {0});
        seller.executeUpdate();
        sql.execute(
            "INSERT INTO seller_value (recipient, marketplace_id, seller_id, currency,"
                + " transaction_count, value_minor) VALUES ('customs-nl', 'alpha', 's-"
                + n
                + "', 'EUR', 1, "
                + (100 * n)
                + ")");
      }
      seller.close();
    }
    JdbcGatewayStore store = storeWithoutFollowerThread(data);
    FeedQuery byTracking =
        new FeedQuery(NL, 0, null, 10, null, null, null, null, "TRK-alpha-t-1", null);

    assertThat(store.followerLag()).isZero();
    assertThat(store.priceRecords(byTracking))
        .extracting(StoredPrice::transactionId)
        .containsExactly("alpha-t-1");
    assertThat(sellers(store, NL)).extracting(StoredSeller::seq).containsExactly(1L, 2L);

    // An amendment of a row stored before V5 moves its transaction from s-1 to s-2.
    store.commit(batch(0, List.of(new Version(NL, "alpha", "alpha-t-1", 2, "s-2", "EUR", 150))));
    assertThat(store.followerLag()).isEqualTo(1);
    store.catchUpFollower();

    assertThat(store.followerLag()).isZero();
    List<StoredSeller> sellers = sellers(store, NL);
    assertThat(sellers).extracting(StoredSeller::sellerId).containsExactly("s-1", "s-2");
    assertThat(sellers).extracting(StoredSeller::seq).containsExactly(3L, 4L);
    assertThat(sellers).extracting(StoredSeller::transactions).containsExactly(0L, 2L);
    assertThat(sellers.get(0).values()).isEmpty();
    assertThat(sellers.get(1).values())
        .containsExactly(new StoredSeller.CurrencyTotal("EUR", 2, 350));
    assertThat(store.priceRecords(byTracking))
        .extracting(StoredPrice::version)
        .containsExactly(1, 2);
  }
}
