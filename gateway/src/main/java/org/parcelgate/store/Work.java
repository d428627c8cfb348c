package org.parcelgate.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on a connection the store lends: a read on a reader's, a write inside a commit group. */
@FunctionalInterface
interface Work<T> {
  T run(Connection connection) throws SQLException;

  /**
   * Whether this write takes the next positions of a feed or of the minimization log, so that its
   * transaction must commit in the order positions are taken ({@link Dialect#orderWrites}).
   */
  default boolean takesPositions() {
    return false;
  }

  /** This write, marked as taking the next positions of a feed or of the log. */
  static <T> Work<T> inOrder(Work<T> work) {
    return new Work<>() {
      @Override
      public T run(Connection connection) throws SQLException {
        return work.run(connection);
      }

      @Override
      public boolean takesPositions() {
        return true;
      }
    };
  }
}
