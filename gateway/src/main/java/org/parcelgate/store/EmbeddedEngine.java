package org.parcelgate.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** The embedded engines measured for the store (temporary: the loser goes). */
enum EmbeddedEngine implements Dialect {
  H2 {
    @Override
    Connection connect(Path directory) throws SQLException {
      String url =
          "jdbc:h2:file:"
              + directory.resolve("parcelgate").toAbsolutePath()
              + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";
      return DriverManager.getConnection(url, "", "");
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
          return true;
        }
      }
      return false;
    }
  },
  SQLITE {
    @Override
    Connection connect(Path directory) throws SQLException {
      Properties properties = new Properties();
      properties.setProperty("journal_mode", "WAL");
      properties.setProperty("synchronous", System.getProperty("parcelgate.sqlite.sync", "FULL"));
      properties.setProperty("busy_timeout", "10000");
      properties.setProperty("transaction_mode", "IMMEDIATE");
      return DriverManager.getConnection(
          "jdbc:sqlite:" + directory.resolve("parcelgate.sqlite").toAbsolutePath(), properties);
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        String message = t.getMessage();
        if (message != null
            && (message.startsWith("[SQLITE_CONSTRAINT_PRIMARYKEY]")
                || message.startsWith("[SQLITE_CONSTRAINT_UNIQUE]"))) {
          return true;
        }
      }
      return false;
    }
  };

  abstract Connection connect(Path directory) throws SQLException;

  @Override
  public String migrationFolder() {
    return "migration/" + name().toLowerCase(java.util.Locale.ROOT);
  }
}
