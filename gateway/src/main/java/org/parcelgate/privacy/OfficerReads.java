package org.parcelgate.privacy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.parcelgate.store.LogName;

/**
 * Privacy officers' reads of the logs, recorded in the access log before they are answered: who
 * read which log, what and with which filter. The minimization log never grows by being read.
 *
 * <p>A read that repeats one the same officer made of the same log, resource and filter within
 * {@link #REPEAT} is not recorded again (a page reloaded, a chart redrawn, the next page of the
 * same listing): the entry already says that the officer read it then. Each instance keeps the
 * reads it recorded lately in memory, at most {@link #REMEMBERED}; after a restart, or on another
 * instance, a read is recorded again. Thread-safe.
 */
public final class OfficerReads {
  /** How long a read recorded covers the same officer's same read again. */
  public static final Duration REPEAT = Duration.ofMinutes(10);

  /** How many recent reads an instance remembers. */
  static final int REMEMBERED = 10_000;

  private final SignedLog access;
  private final Clock clock;

  /** The reads recorded lately, least recent first, and when; also the lock of {@link #record}. */
  private final Map<Read, Instant> recorded =
      new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Read, Instant> eldest) {
          return size() > REMEMBERED;
        }
      };

  /** What one read was, as an access entry records it. */
  public record Read(
      String officer,
      LogName log,
      String resource,
      String query,
      Optional<String> marketplaceId,
      Optional<String> recipient) {}

  /**
   * @param access the access log
   */
  public OfficerReads(SignedLog access, Clock clock) {
    if (access.name() != LogName.ACCESS) {
      throw new IllegalArgumentException("reads are recorded in the access log");
    }
    this.access = access;
    this.clock = clock;
  }

  /**
   * Records a read in the access log, durable once this returns, unless the same read was recorded
   * within {@link #REPEAT}.
   *
   * @return whether an entry was appended
   */
  public boolean record(Read read) {
    // One at a time: the same read made twice at once is recorded once, and neither is answered
    // before its entry is durable. Appends go through the store's one writer anyway.
    synchronized (recorded) {
      Instant now = clock.instant();
      Instant last = recorded.get(read);
      if (last != null && !now.isBefore(last) && now.isBefore(last.plus(REPEAT))) {
        return false;
      }
      access.append(
          LogEntries.read(
              now,
              read.officer(),
              read.log().wireName(),
              read.resource(),
              read.query(),
              read.marketplaceId().orElse(null),
              read.recipient().orElse(null)));
      // Re-inserted, so that the order stays that of the last recording.
      recorded.remove(read);
      recorded.put(read, now);
      return true;
    }
  }
}
