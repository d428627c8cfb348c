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
 * <p>A lease is taken or renewed in one statement with no engine-specific syntax, as a token id's
 * first use is: an insert that, when the stream has a row already, updates it only for its holder
 * or once the lease has expired, and otherwise changes nothing. On PostgreSQL the conflicting row
 * is locked and the condition checked again after any uncommitted change to it, so of two instances
 * racing for an expired lease exactly one counts a row; SQLite has a single writer anyway.
 */
final class LeaseTables {
  private static final String TAKE =
      "INSERT INTO delivery_lease (recipient, stream, holder, expires_at_micros)"
          + " VALUES (?, ?, ?, ?) ON CONFLICT (recipient, stream) DO UPDATE SET holder ="
          + " excluded.holder, expires_at_micros = excluded.expires_at_micros"
          + " WHERE delivery_lease.holder = excluded.holder"
          + " OR delivery_lease.expires_at_micros <= ?";
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
    try (PreparedStatement take = connection.prepareStatement(TAKE)) {
      take.setString(1, recipient);
      take.setString(2, kind.wireName());
      take.setString(3, holder);
      take.setLong(4, micros(now.plus(ttl)));
      take.setLong(5, micros(now));
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
