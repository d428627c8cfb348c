package org.parcelgate.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL of {@code parcelgate cluster}, from the binaries the tests use. */
@Timeout(180)
class ClusterDatabaseTest {
  @TempDir Path directory;

  @Test
  void keepsItsDataAcrossARestartAndCommitsDurably() throws SQLException {
    Path data = directory.resolve("postgres");
    Path log = directory.resolve("postgres.log");
    try (ClusterDatabase first = ClusterDatabase.embedded(data, 0, 1, log);
        Connection connection = DriverManager.getConnection(first.url(), first.user(), "");
        Statement sql = connection.createStatement()) {
      assertThat(first.user()).isEqualTo("parcelgate");
      assertThat(first.url()).endsWith("/parcelgate");
      sql.execute("CREATE TABLE kept (id INTEGER PRIMARY KEY)");
      sql.execute("INSERT INTO kept VALUES (42)");
      try (ResultSet setting = sql.executeQuery("SHOW synchronous_commit")) {
        setting.next();
        assertThat(setting.getString(1)).isEqualTo("on");
      }
    }

    // The second start finds the role and database and creates neither again.
    try (ClusterDatabase second = ClusterDatabase.embedded(data, 0, 1, log);
        Connection connection = DriverManager.getConnection(second.url(), second.user(), "");
        Statement sql = connection.createStatement();
        ResultSet kept = sql.executeQuery("SELECT id FROM kept")) {
      assertThat(kept.next()).isTrue();
      assertThat(kept.getInt(1)).isEqualTo(42);
    }
  }

  @Test
  void refusesAStoreUrlOfAnotherKindOrWithAPassword() {
    assertThatThrownBy(() -> ClusterDatabase.checkUrl("jdbc:sqlite:data/parcelgate.sqlite"))
        .hasMessageContaining("jdbc:postgresql://");
    assertThatThrownBy(
            () -> ClusterDatabase.checkUrl("jdbc:postgresql://db:5432/parcelgate?password=secret"))
        .hasMessageContaining("PARCELGATE_STORE_PASSWORD")
        .hasMessageNotContaining("secret");
  }
}
