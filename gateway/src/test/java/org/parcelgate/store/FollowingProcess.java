package org.parcelgate.store;

import static org.parcelgate.store.Batches.digest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link KilledDuringFollowTest}: from two threads, commits batches (new
 * transactions, and amendments of the thread's previous batch that move them to another seller)
 * while the store's follower applies them, and from a third asks the follower to catch up, until it
 * is killed. Prints {@code committed <batch id>} once a commit returned and {@code followed} once a
 * catch-up returned.
 */
public final class FollowingProcess {
  static final int THREADS = 2;
  static final int NEW = 20;
  static final int AMENDED = 5;
  static final int SELLERS = 7;

  private FollowingProcess() {}

  public static void main(String[] args) {
    GatewayStore store =
        EmbeddedStore.open(
            Path.of(args[0]),
            Clock.systemUTC(),
            new EmbeddedStore.Settings(Duration.ofSeconds(30), Duration.ofSeconds(1)));
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      start(
          () -> {
            for (int n = 1; ; n++) {
              NewBatch batch = batch(thread, n);
              store.commit(batch);
              say("committed " + batch.batchId());
            }
          });
    }
    start(
        () -> {
          while (true) {
            store.catchUpFollower();
            say("followed");
          }
        });
  }

  static String batchId(int thread, int n) {
    return "f" + thread + "-" + n;
  }

  /** Thread {@code thread}'s batch {@code n}, the same in the child and the test. */
  static NewBatch batch(int thread, int n) {
    String id = batchId(thread, n);
    List<PriceRow> rows = new ArrayList<>();
    for (int i = 0; i < NEW; i++) {
      rows.add(row("t-" + id + "-" + i, 1, rows.size(), seller(n + i), 100 + i));
    }
    if (n > 1) {
      String previous = batchId(thread, n - 1);
      for (int i = 0; i < AMENDED; i++) {
        rows.add(row("t-" + previous + "-" + i, 2, rows.size(), seller(n + i + 3), 500 + i));
      }
    }
    List<IndexEntry> entries = new ArrayList<>();
    for (PriceRow row : rows) {
      entries.add(
          new IndexEntry(
              row.transactionId(),
              row.version(),
              row.acceptedPosition(),
              digest(id + row.transactionId()),
              "NL"));
    }
    return new NewBatch(
        id,
        "alpha",
        digest("body " + id),
        "jti-" + id,
        Batches.RECEIVED,
        "fingerprint-v2",
        rows.size(),
        rows.size(),
        0,
        "receipt-of-" + id,
        "{}",
        entries,
        List.of(),
        List.of(Batches.logEntry(id, "alpha")),
        rows);
  }

  static String seller(int k) {
    return "s-" + Math.floorMod(k, SELLERS);
  }

  private static PriceRow row(
      String transactionId, int version, int position, String seller, long value) {
    return new PriceRow(
        Batches.RECIPIENT,
        transactionId,
        version,
        position,
        position,
        "NL",
        "TRK-" + transactionId,
        seller,
        "EUR",
        value,
        "seller-schema",
        ("identity of " + seller).getBytes(StandardCharsets.UTF_8));
  }

  private static void start(Runnable loop) {
    new Thread(loop).start();
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
