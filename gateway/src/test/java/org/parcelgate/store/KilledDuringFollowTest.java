package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the follower promises when the process is killed (SIGKILL) between commits and their follow,
 * or in the middle of a step: after the restart every committed price row is applied to the seller
 * feed and the tracking look-up exactly once.
 */
@Timeout(180)
class KilledDuringFollowTest {
  /** Batches and catch-ups to see acknowledged before the kill. */
  private static final int COMMITTED = 120;

  private static final int FOLLOWED = 10;

  @TempDir Path data;

  @Test
  void afterAKillEveryCommittedPriceRowIsAppliedOnceNoneTwiceNoneSkipped() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                FollowingProcess.class.getName(),
                data.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    int committed = 0;
    int followed = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      // Killed while both commits and follower steps go on: rows committed and not applied are
      // left behind, and a step is most likely half-way.
      while ((committed < COMMITTED || followed < FOLLOWED) && (line = out.readLine()) != null) {
        if (line.startsWith("committed ")) {
          committed++;
        } else if (line.equals("followed")) {
          followed++;
        } else {
          throw new AssertionError("unexpected line from the child: " + line);
        }
      }
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(committed).isGreaterThanOrEqualTo(COMMITTED);
    assertThat(followed).isGreaterThanOrEqualTo(FOLLOWED);

    try (GatewayStore store = EmbeddedStore.open(data)) {
      store.catchUpFollower();
      assertThat(store.followerLag()).isZero();

      // The batches the feed holds, in feed order: what the sellers must add up to.
      List<StoredPrice> feed = store.priceRecords(FeedQuery.after(Batches.RECIPIENT, 0, 100_000));
      Map<String, Boolean> batchIds = new LinkedHashMap<>();
      for (int i = 0; i < feed.size(); i++) {
        assertThat(feed.get(i).seq()).isEqualTo(i + 1L);
        batchIds.put(feed.get(i).batchId(), true);
      }
      Map<String, PriceRow> latest = new HashMap<>();
      for (String batchId : batchIds.keySet()) {
        int dash = batchId.indexOf('-');
        int thread = Integer.parseInt(batchId.substring(1, dash));
        int n = Integer.parseInt(batchId.substring(dash + 1));
        for (PriceRow row : FollowingProcess.batch(thread, n).priceRecords()) {
          latest.put(row.transactionId(), row);
        }
      }
      Map<String, Long> expected = new TreeMap<>();
      Map<String, Long> expectedValues = new TreeMap<>();
      for (PriceRow row : latest.values()) {
        expected.merge(row.sellerId(), 1L, Long::sum);
        expectedValues.merge(row.sellerId(), row.goodsValueMinor(), Long::sum);
      }

      List<StoredSeller> sellers = store.sellerRecords(FeedQuery.after(Batches.RECIPIENT, 0, 1000));
      Map<String, Long> counted = new TreeMap<>();
      Map<String, Long> values = new TreeMap<>();
      List<Long> seqs = new ArrayList<>();
      for (StoredSeller seller : sellers) {
        seqs.add(seller.seq());
        if (seller.transactions() > 0) {
          counted.put(seller.sellerId(), seller.transactions());
          values.put(seller.sellerId(), seller.values().get(0).valueMinor());
        }
      }
      assertThat(counted).as("transactions per seller").isEqualTo(expected);
      assertThat(values).as("values per seller").isEqualTo(expectedValues);
      assertThat(seqs).isSorted().doesNotHaveDuplicates();
      assertThat(seqs.get(seqs.size() - 1))
          .isEqualTo(store.lastSeq(Batches.RECIPIENT, FeedKind.SELLER));

      // Every price row with a tracking number is found by it, once.
      for (StoredPrice price :
          List.of(feed.get(0), feed.get(feed.size() / 2), feed.get(feed.size() - 1))) {
        FeedQuery byTracking =
            new FeedQuery(
                Batches.RECIPIENT,
                0,
                null,
                10,
                null,
                null,
                null,
                null,
                "TRK-" + price.transactionId(),
                null);
        assertThat(store.priceRecords(byTracking))
            .extracting(StoredPrice::transactionId)
            .contains(price.transactionId())
            .allMatch(price.transactionId()::equals);
      }
    }
  }
}
