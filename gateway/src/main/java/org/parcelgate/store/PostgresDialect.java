package org.parcelgate.store;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.postgresql.util.PSQLException;

/**
 * PostgreSQL through its JDBC driver, shared by several gateway instances.
 *
 * <ul>
 *   <li>Types: {@code TEXT} for the migrations' {@code CLOB}, {@code BYTEA} for {@code BLOB}.
 *   <li>Order: a transaction that takes feed or log positions first takes one transaction-level
 *       advisory lock ({@value #POSITIONS_LOCK}), held until its commit. Positions are "largest
 *       plus one" inside the transaction, so without the lock a later-committing transaction of
 *       another instance could expose a smaller position after a reader had passed it. It is the
 *       cluster's one point of serialization for appends; see {@code docs/storage.md}.
 *   <li>Migrations: under a session-level advisory lock ({@value #MIGRATIONS_LOCK}), so instances
 *       starting together migrate once.
 * </ul>
 */
final class PostgresDialect implements Dialect {
  /** The advisory lock that orders the transactions taking feed and log positions. */
  static final long POSITIONS_LOCK = 0x7061_7263_656c_0001L;

  /** The advisory lock held while migrating. */
  static final long MIGRATIONS_LOCK = 0x7061_7263_656c_0002L;

  private static final Pattern CLOB = Pattern.compile("\\bCLOB\\b");
  private static final Pattern BLOB = Pattern.compile("\\bBLOB\\b");

  @Override
  public String translate(String sql) {
    return BLOB.matcher(CLOB.matcher(sql).replaceAll("TEXT")).replaceAll("BYTEA");
  }

  @Override
  public String beginWrite() {
    return "BEGIN";
  }

  @Override
  public void orderWrites(Connection connection) throws SQLException {
    try (Statement sql = connection.createStatement()) {
      sql.execute("SELECT pg_advisory_xact_lock(" + POSITIONS_LOCK + ")");
    }
  }

  /**
   * Without the connection's lock timeout: an instance starting while another migrates waits for
   * the whole migration, which may take longer than the store's deadline, as may the migration's
   * own locks. The timeout comes back ({@code RESET}: the value the connection was opened with)
   * before the connection does other work.
   */
  @Override
  public <T> T migrating(Connection connection, Work<T> migration) throws SQLException {
    try (Statement sql = connection.createStatement()) {
      sql.execute("SET lock_timeout = 0");
      sql.execute("SELECT pg_advisory_lock(" + MIGRATIONS_LOCK + ")");
    }
    try {
      return migration.run(connection);
    } finally {
      try (Statement sql = connection.createStatement()) {
        sql.execute("SELECT pg_advisory_unlock(" + MIGRATIONS_LOCK + ")");
        sql.execute("RESET lock_timeout");
      }
    }
  }

  /** SQLState {@code 23505}, unique_violation. */
  @Override
  public boolean isUniqueViolation(SQLException e) {
    return sqlStates(e).anyMatch("23505"::equals);
  }

  /**
   * The SQLState and the server's primary message ({@code 23505 duplicate key value violates unique
   * constraint "batch_body_unique"}). The primary message names constraints, columns and types; the
   * values are in the detail and, for a failed batch, in the driver's own message, which quotes the
   * whole statement with its parameters: both are left out.
   */
  @Override
  public String describe(SQLException e) {
    for (SQLException next = e; next != null; next = next.getNextException()) {
      if (next instanceof PSQLException server && server.getServerErrorMessage() != null) {
        return server.getSQLState() + " " + server.getServerErrorMessage().getMessage();
      }
    }
    // No message from the server: the driver's own (a connection refused, a timeout), which
    // names no statement.
    return (e.getSQLState() == null ? "" : e.getSQLState() + " ")
        + (e instanceof BatchUpdateException ? "a batch statement failed" : e.getMessage());
  }

  /**
   * As {@link Dialect#translate}, but the cause kept is a copy with {@link #describe} as its
   * message and the same SQLState: the driver's exception would carry the statement's values into
   * any log of the stack.
   */
  @Override
  public StoreException translate(SQLException e) {
    if (isUniqueViolation(e)) {
      return Dialect.super.translate(e);
    }
    String description = describe(e);
    return new StoreException(
        "the database refused or failed: " + description,
        new SQLException(description, sqlStates(e).findFirst().orElse(null)));
  }

  /**
   * The SQLStates that say the database cannot work now, whatever the statement: class {@code 08}
   * (connection exception: refused, lost, timed out), {@code 57P0x} (the server shut down or is
   * starting), {@code 53100} (disk full), {@code 53000}, {@code 53200} and {@code 53300} (out of
   * resources, memory, connections), {@code 25006} (read-only transaction: a standby), class {@code
   * 58} (I/O error on the server), {@code XX001}/{@code XX002} (corrupt data or index) and {@code
   * 55P03} (a lock held elsewhere past the lock timeout, which {@link PostgresStore} sets as
   * SQLite's busy timeout is set: the store's SQL never asks for a lock with {@code NOWAIT}).
   */
  @Override
  public Optional<StoreFault> fault(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql) {
        Optional<StoreFault> fault =
            sqlStates(sql).map(PostgresDialect::fault).flatMap(Optional::stream).findFirst();
        if (fault.isPresent()) {
          return fault;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<StoreFault> fault(String state) {
    if (state == null || state.length() != 5) {
      return Optional.empty();
    }
    StoreFault.Kind kind;
    if (state.startsWith("08") || state.startsWith("57P")) {
      kind = StoreFault.Kind.UNREACHABLE;
    } else if (state.equals("53100")) {
      kind = StoreFault.Kind.DISK_FULL;
    } else if (state.startsWith("53")) {
      kind = StoreFault.Kind.OUT_OF_RESOURCES;
    } else if (state.equals("25006")) {
      kind = StoreFault.Kind.READ_ONLY;
    } else if (state.startsWith("58")) {
      kind = StoreFault.Kind.IO_ERROR;
    } else if (state.equals("55P03")) {
      kind = StoreFault.Kind.LOCKED;
    } else if (state.equals("XX001") || state.equals("XX002")) {
      kind = StoreFault.Kind.CORRUPT;
    } else {
      return Optional.empty();
    }
    return Optional.of(new StoreFault(kind, "SQLSTATE_" + state));
  }

  /** The SQLStates of a driver exception and of the exceptions chained to it, in order. */
  private static Stream<String> sqlStates(SQLException e) {
    Stream.Builder<String> states = Stream.builder();
    for (SQLException next = e; next != null; next = next.getNextException()) {
      if (next.getSQLState() != null) {
        states.add(next.getSQLState());
      }
    }
    return states.build();
  }
}
