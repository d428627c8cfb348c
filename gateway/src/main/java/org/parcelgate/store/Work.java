package org.parcelgate.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on a connection the store lends: a read on a reader's, a write inside a commit group. */
@FunctionalInterface
interface Work<T> {
  T run(Connection connection) throws SQLException;
}
