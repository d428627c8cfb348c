package org.parcelgate.store;

import static org.parcelgate.store.Batches.batch;
import static org.parcelgate.store.Batches.digest;
import static org.parcelgate.store.Batches.entry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link KilledDuringGroupCommitTest}: from several threads at once, commits
 * batches and records first uses of token ids until it is killed. Prints {@code committed <batch
 * id>} or {@code used <jti>} as soon as the store's call returned, and {@code group <n>} for each
 * commit that made more than one write durable.
 */
public final class GroupCommittingProcess {
  static final int BATCH_THREADS = 4;
  static final int TOKEN_THREADS = 4;
  static final int RECORDS = 20;

  /** Far enough ahead that no recorded token id expires while the test runs. */
  static final Instant RETAIN_UNTIL = Instant.parse("2100-01-01T00:00:00Z");

  private GroupCommittingProcess() {}

  public static void main(String[] args) {
    GatewayStore store =
        EmbeddedStore.open(
            Path.of(args[0]),
            Clock.systemUTC(),
            new EmbeddedStore.Settings(Duration.ofSeconds(30), Duration.ofSeconds(1)),
            writes -> {
              if (writes > 1) {
                say("group " + writes);
              }
            });
    for (int t = 0; t < BATCH_THREADS; t++) {
      int thread = t;
      start(
          () -> {
            for (int n = 1; ; n++) {
              String id = batchId(thread, n);
              store.commit(batch(id, "alpha", digest("body " + id), entries(id)));
              say("committed " + id);
            }
          });
    }
    for (int t = 0; t < TOKEN_THREADS; t++) {
      int thread = t;
      start(
          () -> {
            for (int n = 1; ; n++) {
              String jti = "jti-" + thread + "-" + n;
              if (!store.firstUse("alpha", jti, RETAIN_UNTIL)) {
                say("refused " + jti);
                return;
              }
              say("used " + jti);
            }
          });
    }
  }

  static String batchId(int thread, int n) {
    return "g" + thread + "-" + n;
  }

  static List<IndexEntry> entries(String batchId) {
    List<IndexEntry> entries = new ArrayList<>(RECORDS);
    for (int i = 0; i < RECORDS; i++) {
      entries.add(entry("t-" + batchId + "-" + i, 1));
    }
    return entries;
  }

  static List<String> ids(String batchId) {
    return entries(batchId).stream().map(IndexEntry::transactionId).toList();
  }

  private static void start(Runnable loop) {
    Thread thread = new Thread(loop);
    thread.start();
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
