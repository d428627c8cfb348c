package org.parcelgate.http;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway-wide budget of request-body bytes held in memory at once. A request reserves what its
 * body may take before a byte of it is read, and gives it back exactly once when it ends; a request
 * that does not fit is refused instead of being read.
 *
 * <p>Plain Java and thread-safe: the reservations of every event loop draw from one counter.
 */
final class BodyBudget {
  private final long capacity;
  private final AtomicLong inUse = new AtomicLong();

  BodyBudget(long capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a body budget holds at least one byte: " + capacity);
    }
    this.capacity = capacity;
  }

  /** Reserves {@code bytes}, or nothing if they do not fit in what is left. */
  Optional<Reservation> tryReserve(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("cannot reserve a negative size: " + bytes);
    }
    while (true) {
      long used = inUse.get();
      if (bytes > capacity - used) {
        return Optional.empty();
      }
      if (inUse.compareAndSet(used, used + bytes)) {
        return Optional.of(new Reservation(bytes));
      }
    }
  }

  /** Bytes reserved now, over all requests. */
  long inUse() {
    return inUse.get();
  }

  long capacity() {
    return capacity;
  }

  /** What one request holds. Giving it back twice, or shrinking it after that, changes nothing. */
  final class Reservation {
    private final AtomicLong held;
    private final AtomicBoolean released = new AtomicBoolean();

    private Reservation(long bytes) {
      this.held = new AtomicLong(bytes);
    }

    /**
     * Gives back what is held beyond {@code bytes}: a chunked body reserved the whole limit and
     * turned out smaller.
     */
    void shrinkTo(long bytes) {
      while (!released.get()) {
        long current = held.get();
        if (bytes >= current) {
          return;
        }
        if (held.compareAndSet(current, bytes)) {
          inUse.addAndGet(bytes - current);
          return;
        }
      }
    }

    /** Gives everything back; only the first call does. */
    void release() {
      if (released.compareAndSet(false, true)) {
        inUse.addAndGet(-held.getAndSet(0));
      }
    }

    long bytes() {
      return held.get();
    }
  }
}
