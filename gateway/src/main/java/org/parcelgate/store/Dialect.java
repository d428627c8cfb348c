package org.parcelgate.store;

import java.sql.SQLException;
import java.util.Optional;

/**
 * What differs between database engines behind {@link JdbcGatewayStore}: where the engine's
 * migrations live, how it reports a violated unique key, and whether it takes one writer at a time.
 * Everything else is standard SQL over JDBC.
 */
interface Dialect {
  /** The classpath folder (relative to this package) of this engine's migrations. */
  String migrationFolder();

  /** Whether this exception, as thrown by the engine's driver, reports a violated unique key. */
  boolean isUniqueViolation(SQLException e);

  /**
   * The engine's own account of a failure, for messages and logs: its error code and text (for
   * SQLite the result code, {@code [SQLITE_FULL] ... (database or disk is full)}), never the values
   * of a statement.
   */
  String describe(SQLException e);

  /**
   * The {@link StoreFault} behind a failure (searched through its causes), if the engine reports
   * that the disk, the file system or the database file failed, rather than the statement or the
   * data: full, read-only, I/O error, cannot open, locked past the busy timeout, corrupt.
   */
  Optional<StoreFault> fault(Throwable failure);

  /**
   * Whether the engine admits one writing transaction at a time. The store then queues its writers
   * on a fair lock in the JVM instead of letting them poll the engine's busy handler.
   */
  boolean singleWriter();

  /**
   * A driver failure as the store's callers see it: a violated unique key as {@link
   * StoreConflictException}, which names no values and carries no cause (the driver's message would
   * name the conflicting values); anything else as {@link StoreException} with the engine's
   * account.
   */
  default StoreException translate(SQLException e) {
    if (isUniqueViolation(e)) {
      return new StoreConflictException(
          "a batch with this body digest, batch id or transaction version is already stored");
    }
    return new StoreException("the database refused or failed: " + describe(e), e);
  }
}
