package org.parcelgate.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What differs between database engines behind {@link JdbcGatewayStore}: the names of two column
 * types, how a writing transaction begins, how writes that take the next positions of a feed or of
 * the log keep their order, and how the engine reports a violated unique key or a fault. Everything
 * else, the migrations included, is standard SQL over JDBC, the same for every engine.
 */
interface Dialect {
  /**
   * A statement of the shipped migrations as this engine takes it. The migrations are written in
   * standard SQL with {@code CLOB} and {@code BLOB} for values of unbounded length; an engine that
   * spells those types otherwise renames them here, and changes nothing else.
   */
  String translate(String sql);

  /** The statement that begins the writer's transaction. */
  String beginWrite();

  /**
   * Called right after {@link #beginWrite()} when the transaction will take the next positions of a
   * feed or of the minimization log ({@link Work#inOrder}). Where several writers share the
   * database, it waits until no other transaction that takes positions is open, and holds that
   * until the commit: positions are then committed in the order they are taken, so a reader paging
   * a feed never passes a position that a slower transaction fills in later. An engine with one
   * writer at a time does nothing here.
   */
  void orderWrites(Connection connection) throws SQLException;

  /**
   * Runs the migrations with no other gateway migrating the same database at the same time (the
   * instances of a cluster start together).
   */
  default <T> T migrating(Connection connection, Work<T> migration) throws SQLException {
    return migration.run(connection);
  }

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
