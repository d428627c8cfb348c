package org.parcelgate.store;

import static org.parcelgate.store.JdbcGatewayStore.micros;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * The SQL of the push stream leases ({@code delivery_lease}), on a connection the caller holds:
 * {@link JdbcGatewayStore} runs it on its writer.
 *
 * <p>A lease is taken or renewed in two statements that need no lock of their own and no
 * engine-specific syntax: an insert that does nothing when the stream has a row already, then an
 * update that succeeds only for the holder or once the lease has expired. On PostgreSQL the update
 * of a row another instance's uncommitted transaction changed waits for that transaction and then
 * checks its condition again, so of two instances racing for an expired lease exactly one update
 * counts a row; SQLite has a single writer anyway.
 */
final class LeaseTables {
  private static final String INSERT =
      "INSERT INTO delivery_lease (recipient, stream, holder, expires_at_micros)"
          + " VALUES (?, ?, ?, ?) ON CONFLICT (recipient, stream) DO NOTHING";
  private static final String TAKE =
      "UPDATE delivery_lease SET holder = ?, expires_at_micros = ?"
          + " WHERE recipient = ? AND stream = ? AND (holder = ? OR expires_at_micros <= ?)";
  private static final String RELEASE =
      "DELETE FROM delivery_lease WHERE recipient = ? AND stream = ? AND holder = ?";

  private LeaseTables() {}

  /** Takes or renews a lease until {@code now + ttl}; whether {@code holder} holds it now. */
  static boolean lease(
      Connection connection,
      String recipient,
      FeedKind kind,
      String holder,
      Instant now,
      Duration ttl)
      throws SQLException {
    long until = micros(now.plus(ttl));
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, recipient);
      insert.setString(2, kind.wireName());
      insert.setString(3, holder);
      insert.setLong(4, until);
      if (insert.executeUpdate() == 1) {
        return true;
      }
    }
    try (PreparedStatement take = connection.prepareStatement(TAKE)) {
      take.setString(1, holder);
      take.setLong(2, until);
      take.setString(3, recipient);
      take.setString(4, kind.wireName());
      take.setString(5, holder);
      take.setLong(6, micros(now));
      return take.executeUpdate() == 1;
    }
  }

  /** Gives up a lease of {@code holder}; a lease another instance holds is left alone. */
  static void release(Connection connection, String recipient, FeedKind kind, String holder)
      throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(RELEASE)) {
      delete.setString(1, recipient);
      delete.setString(2, kind.wireName());
      delete.setString(3, holder);
      delete.executeUpdate();
    }
  }
}
