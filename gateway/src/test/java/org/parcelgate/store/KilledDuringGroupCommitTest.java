package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What group commit promises when the process is killed (SIGKILL) in the middle of commits shared
 * by several writers: every write that was acknowledged is durable and whole, and nothing is half
 * stored.
 */
@Timeout(180)
class KilledDuringGroupCommitTest {
  /** Acknowledgements to see before the kill, of batches and of token ids each. */
  private static final int ACKNOWLEDGED = 150;

  @TempDir Path data;

  @Test
  void everyAcknowledgedWriteOfSharedCommitsSurvivesAKilledProcessAndNoBatchIsHalfStored()
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                GroupCommittingProcess.class.getName(),
                data.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> batches = new ArrayList<>();
    List<String> jtis = new ArrayList<>();
    int sharedCommits = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      // Until enough of both were acknowledged and commits were shared, then killed while the
      // threads go on writing: the commit in flight is most likely half-way.
      while ((batches.size() < ACKNOWLEDGED || jtis.size() < ACKNOWLEDGED || sharedCommits < 10)
          && (line = out.readLine()) != null) {
        if (line.startsWith("committed ")) {
          batches.add(line.substring("committed ".length()));
        } else if (line.startsWith("used ")) {
          jtis.add(line.substring("used ".length()));
        } else if (line.startsWith("group ")) {
          sharedCommits++;
        } else {
          throw new AssertionError("unexpected line from the child: " + line);
        }
      }
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(batches).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED);
    assertThat(jtis).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED);
    assertThat(sharedCommits).isGreaterThanOrEqualTo(10);

    try (GatewayStore store = EmbeddedStore.open(data)) {
      List<StoredPrice> feed = store.priceRecords(FeedQuery.after(Batches.RECIPIENT, 0, 100_000));
      Map<String, Integer> feedRows = new HashMap<>();
      for (int i = 0; i < feed.size(); i++) {
        // Gap-free and ordered: position i + 1 at index i.
        assertThat(feed.get(i).seq()).isEqualTo(i + 1L);
        feedRows.merge(feed.get(i).batchId(), 1, Integer::sum);
      }
      List<LogRow> log =
          store.logRange(LogName.MINIMIZATION, 0, store.logSize(LogName.MINIMIZATION));

      for (String batchId : batches) {
        assertWhole(store, batchId, feedRows, log);
      }
      // Every batch with any trace is whole; after each thread's last acknowledged batch, the one
      // in flight is whole or absent.
      for (String batchId : feedRows.keySet()) {
        assertWhole(store, batchId, feedRows, log);
      }
      for (int thread = 0; thread < GroupCommittingProcess.BATCH_THREADS; thread++) {
        int n = lastAcknowledged(batches, thread) + 1;
        for (; store.batch("alpha", GroupCommittingProcess.batchId(thread, n)).isPresent(); n++) {
          assertWhole(store, GroupCommittingProcess.batchId(thread, n), feedRows, log);
        }
        String absent = GroupCommittingProcess.batchId(thread, n);
        assertThat(store.latestVersions("alpha", GroupCommittingProcess.ids(absent)))
            .as("index rows of %s, which is not stored", absent)
            .isEmpty();
        assertThat(store.minimizedRecords(absent, Batches.RECIPIENT)).isEmpty();
        assertThat(feedRows).doesNotContainKey(absent);
      }

      // Every acknowledged first use is still a use: the same token is refused after the restart.
      Set<String> refused = new HashSet<>();
      for (String jti : jtis) {
        if (!store.firstUse("alpha", jti, GroupCommittingProcess.RETAIN_UNTIL)) {
          refused.add(jti);
        }
      }
      assertThat(refused).containsExactlyInAnyOrderElementsOf(jtis);
    }
  }

  private static void assertWhole(
      GatewayStore store, String batchId, Map<String, Integer> feedRows, List<LogRow> log) {
    assertThat(store.batch("alpha", batchId)).as("batch %s", batchId).isPresent();
    assertThat(store.minimizedRecords(batchId, Batches.RECIPIENT))
        .as("minimized copy of %s", batchId)
        .isPresent();
    assertThat(store.latestVersions("alpha", GroupCommittingProcess.ids(batchId)))
        .as("index rows of %s", batchId)
        .hasSize(GroupCommittingProcess.RECORDS);
    assertThat(feedRows.get(batchId))
        .as("feed rows of %s", batchId)
        .isEqualTo(GroupCommittingProcess.RECORDS);
    assertThat(log)
        .as("log entry of %s", batchId)
        .filteredOn(row -> row.entry().contains("\"batchId\":\"" + batchId + "\""))
        .hasSize(1);
  }

  private static int lastAcknowledged(List<String> batches, int thread) {
    int last = 0;
    for (String batchId : batches) {
      if (batchId.startsWith("g" + thread + "-")) {
        last = Math.max(last, Integer.parseInt(batchId.substring(batchId.indexOf('-') + 1)));
      }
    }
    return last;
  }
}
