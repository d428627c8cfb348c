package org.parcelgate.store;

import java.sql.SQLException;

/**
 * What differs between database engines behind {@link JdbcGatewayStore}: where the engine's
 * migrations live and how it reports a violated unique key. Everything else is standard SQL over
 * JDBC.
 */
interface Dialect {
  /** The classpath folder of this engine's migrations, holding an {@code index} file. */
  String migrationFolder();

  /** Whether this exception, as thrown by the engine's driver, reports a violated unique key. */
  boolean isUniqueViolation(SQLException e);
}
