package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a commit promises when the process is killed (SIGKILL) right after, or in the middle of, it.
 */
@Timeout(120)
class KilledProcessTest {
  @TempDir Path data;

  @Test
  void committedBatchesSurviveAKilledProcessAndNoBatchIsHalfStored() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CommittingProcess.class.getName(),
                data.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    int acknowledged = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acknowledged < 25 && (line = out.readLine()) != null) {
        assertThat(line).isEqualTo("committed b-" + (acknowledged + 1));
        acknowledged++;
      }
      // Killed while it goes on committing: the next batch is most likely half-way.
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(acknowledged).isEqualTo(25);

    try (GatewayStore store = EmbeddedStore.open(data)) {
      for (int n = 1; n <= acknowledged; n++) {
        assertWhole(store, n);
      }
      // Whatever came after the last acknowledgement is whole or absent.
      for (int n = acknowledged + 1; store.batch("alpha", "b-" + n).isPresent(); n++) {
        assertWhole(store, n);
      }
      int next = acknowledged + 1;
      while (store.batch("alpha", "b-" + next).isPresent()) {
        next++;
      }
      assertThat(store.latestVersions("alpha", CommittingProcess.ids(next))).isEmpty();
      assertThat(store.minimizedRecords("b-" + next, Batches.RECIPIENT)).isEmpty();
    }
  }

  private static void assertWhole(GatewayStore store, int n) {
    assertThat(store.batch("alpha", "b-" + n)).as("batch b-%d", n).isPresent();
    assertThat(store.minimizedRecords("b-" + n, Batches.RECIPIENT))
        .as("records of b-%d", n)
        .isPresent();
    assertThat(store.latestVersions("alpha", CommittingProcess.ids(n)))
        .as("index rows of b-%d", n)
        .hasSize(CommittingProcess.RECORDS);
  }
}
