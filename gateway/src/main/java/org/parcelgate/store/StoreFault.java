package org.parcelgate.store;

import java.util.Locale;

/**
 * Why the store cannot work now: a failure of the disk, the file system or the database file, as
 * opposed to a bug or a conflict. Such a fault makes the store unavailable ({@link StoreHealth})
 * until a probe writes again.
 *
 * @param kind the class of fault, one of a fixed list (for readiness, logs and metrics)
 * @param code the engine's code, for SQLite its extended result code ({@code SQLITE_IOERR_FSYNC}),
 *     for PostgreSQL {@code SQLSTATE_} and the SQLState ({@code SQLSTATE_08006}); {@code deadline}
 *     when an operation did not finish in time, {@code queue_full} when too many waited
 */
public record StoreFault(Kind kind, String code) {

  /** The classes of fault; each has a fixed explanation that is safe to show anywhere. */
  public enum Kind {
    DISK_FULL("the disk holding the data directory is full"),
    READ_ONLY("the database cannot be written: a read-only file system, file or permission"),
    IO_ERROR("the operating system reported an I/O error on the database files"),
    CANNOT_OPEN("the database file cannot be opened"),
    LOCKED("another connection or process held the database's write lock past store.timeout"),
    CORRUPT("the database file is damaged or is not a database"),
    UNREACHABLE("the database server cannot be reached, lost the connection or is shutting down"),
    OUT_OF_RESOURCES("the database server is out of memory, connections or another resource"),
    TIMEOUT("a store operation did not finish within store.timeout: the disk is stalled or slow"),
    QUEUE_FULL("more store operations are waiting than the store queues");

    private final String explanation;

    Kind(String explanation) {
      this.explanation = explanation;
    }

    /** The lower-case name used on the wire ({@code disk_full}). */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** A fixed sentence for operators; never contains data. */
    public String explanation() {
      return explanation;
    }
  }

  /** An operation that did not finish within the store's deadline. */
  static StoreFault timeout() {
    return new StoreFault(Kind.TIMEOUT, "deadline");
  }

  /** More operations waiting than the store queues. */
  static StoreFault queueFull() {
    return new StoreFault(Kind.QUEUE_FULL, "queue_full");
  }

  /** {@code SQLITE_FULL (the disk holding the data directory is full)}. */
  public String describe() {
    return code + " (" + kind.explanation() + ")";
  }
}
