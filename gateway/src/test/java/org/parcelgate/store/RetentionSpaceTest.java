package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.store.Batches.RECEIVED;
import static org.parcelgate.store.Batches.RECIPIENT;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.testing.MutableClock;

/**
 * The embedded store reclaims what the retention purges: the pages of purged copies and rows go to
 * SQLite's free list, and the records stored after the purge fill them before the file grows.
 */
@Timeout(120)
class RetentionSpaceTest {
  private static final int BATCHES = 20;
  private static final int RECORDS = 200;

  @TempDir Path data;

  private static NewBatch batch(String batchId, Instant at) {
    List<IndexEntry> entries = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      String transactionId = batchId + "-transaction-" + i;
      entries.add(new IndexEntry(transactionId, 1, i, Batches.digest(transactionId), "NL"));
    }
    return Batches.batch(
        batchId,
        "alpha",
        Batches.digest("body " + batchId),
        at,
        entries,
        e -> "seller-" + (e.recordIndex() % 50));
  }

  private static long pragma(Path data, String name) throws SQLException {
    try (Connection connection = StoreEngine.EMBEDDED.connectReader(data, 1000);
        Statement sql = connection.createStatement();
        ResultSet row = sql.executeQuery("PRAGMA " + name)) {
      row.next();
      return row.getLong(1);
    }
  }

  private static void commitRound(GatewayStore store, String prefix, Instant at) {
    for (int b = 0; b < BATCHES; b++) {
      store.commit(batch(prefix + b, at));
    }
    store.catchUpFollower();
  }

  @Test
  void recordsStoredAfterAPurgeReuseThePagesItFreed() throws Exception {
    Instant now = RECEIVED.plus(Duration.ofDays(200));
    try (GatewayStore store = StoreEngine.EMBEDDED.open(data, new MutableClock(now))) {
      long empty = pragma(data, "page_count");
      commitRound(store, "first-", RECEIVED);
      long afterFirst = pragma(data, "page_count");

      int purged = 0;
      for (RetentionCopy copy :
          store.dueCopies(RECIPIENT, RECEIVED.plusSeconds(1), false, false, BATCHES)) {
        purged +=
            store
                .purge(
                    List.of(copy),
                    now,
                    (c, undelivered) -> {
                      String text = "{\"kind\":\"purge\",\"batchId\":\"" + c.batchId() + "\"}";
                      return new LogAppend(
                          "purge",
                          now,
                          c.marketplaceId(),
                          c.recipient(),
                          c.batchId(),
                          text,
                          Batches.digest(text).getBytes(StandardCharsets.UTF_8),
                          List.of());
                    })
                .stream()
                .mapToInt(RetentionPurge::count)
                .sum();
      }
      assertThat(purged).isEqualTo(BATCHES * RECORDS);
      assertThat(pragma(data, "freelist_count")).as("pages freed by the purge").isPositive();

      commitRound(store, "second-", RECEIVED.plus(Duration.ofDays(100)));
      long afterSecond = pragma(data, "page_count");

      // What stays of the first round (batch rows, index rows, log entries) is a small part of it.
      assertThat(afterSecond - afterFirst)
          .as("growth of the second round, after the purge, against the first's")
          .isLessThan((afterFirst - empty) / 2);
    }
  }
}
