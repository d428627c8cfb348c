package org.parcelgate.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.parcelgate.risk.RiskRecord;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.IndexEntry;
import org.parcelgate.store.RiskInput;

/**
 * The records of committed batches as the ingest handed them over to the risk assessor, read for
 * the detectors on the ingest's thread, held until a step has read each batch to its end: first in,
 * first out, at most {@code maxRecords} records, the oldest batch going first (the assessor reads
 * each batch once, soon after its commit, so recency of use says nothing a cache could learn from).
 * Kept longer, they would outlive young collections, which then copy them: most of the length of
 * their pauses. A batch not held is read from the store by the step instead.
 *
 * <p>Batches are held per recipient (each has its own minimized copy). A step can read a batch to
 * its end before the ingest hands it over (the commit is visible to the store's readers before the
 * hand-over); the latest {@value #READ_AHEAD} such batches are remembered, and not held when their
 * hand-over comes. Thread-safe: the ingest threads hold, the assessor's thread reads and releases.
 */
final class HandOvers {
  /** How many batches read to their end before their hand-over are remembered. */
  static final int READ_AHEAD = 64;

  private record Key(String batchId, String recipient) {}

  private final int maxRecords;

  /** Oldest first. Guarded by itself, as are the two fields below. */
  private final Map<Key, List<RiskRecord>> held = new LinkedHashMap<>();

  /** Records in {@link #held}. */
  private int records;

  /** The latest batches read to their end before they were handed over, oldest first. */
  private final Set<Key> readAhead = new LinkedHashSet<>();

  HandOvers(int maxRecords) {
    if (maxRecords < 0) {
      throw new IllegalArgumentException("maxRecords must not be negative");
    }
    this.maxRecords = maxRecords;
  }

  /**
   * Holds the copy's records as the detectors read them, made here on the ingest's thread: the
   * records were just minimized there, so their fields are still in that core's caches, where the
   * assessor's thread would read them cold; and only these few fields are held, not the whole
   * minimized records. Nothing is held if a record cannot be read: the ingest's commit stands, and
   * the step reads the stored copy, failing there if it must.
   */
  void hold(CommittedCopies.Copy copy) {
    List<RiskRecord> read = read(copy);
    if (read != null) {
      hold(copy.batchId(), copy.recipient(), read);
    }
  }

  /** Holds a batch's records for a recipient, unless a step already read the batch to its end. */
  void hold(String batchId, String recipient, List<RiskRecord> batch) {
    Key key = new Key(batchId, recipient);
    synchronized (held) {
      if (readAhead.remove(key)) {
        return;
      }
      List<RiskRecord> before = held.put(key, batch);
      records += batch.size() - (before == null ? 0 : before.size());
      Iterator<List<RiskRecord>> oldest = held.values().iterator();
      while (records > maxRecords && oldest.hasNext()) {
        records -= oldest.next().size();
        oldest.remove();
      }
    }
  }

  /** The batch's records held for the recipient, in the order of its copy; null if not held. */
  List<RiskRecord> get(String batchId, String recipient) {
    synchronized (held) {
      return held.get(new Key(batchId, recipient));
    }
  }

  /**
   * Lets go of the batches a committed step of the recipient read to their end: all of its input's
   * but the last when rows are left after it (a batch commits whole, so only the last one can go on
   * past the step's bound).
   */
  void release(String recipient, RiskInput input) {
    List<RiskInput.Row> rows = input.rows();
    String open = input.more() ? rows.get(rows.size() - 1).batchId() : null;
    Set<String> read = new LinkedHashSet<>();
    for (RiskInput.Row row : rows) {
      read.add(row.batchId());
    }
    read.remove(open);
    synchronized (held) {
      for (String batchId : read) {
        Key key = new Key(batchId, recipient);
        List<RiskRecord> batch = held.remove(key);
        if (batch != null) {
          records -= batch.size();
        } else if (readAhead.add(key) && readAhead.size() > READ_AHEAD) {
          Iterator<Key> oldest = readAhead.iterator();
          oldest.next();
          oldest.remove();
        }
      }
    }
  }

  /** How many records are held, over all batches and recipients. */
  int records() {
    synchronized (held) {
      return records;
    }
  }

  /** The copy's records under the batch's identity, or null if one cannot be read. */
  private static List<RiskRecord> read(CommittedCopies.Copy copy) {
    List<RiskRecord> read = new ArrayList<>(copy.records().size());
    // The receipt time as the price rows keep it, so that a step judges each record under its
    // row's identity without a copy of it (RiskRecord.as).
    Instant receivedAt = GatewayStore.asStored(copy.receivedAt());
    try {
      for (int i = 0; i < copy.records().size(); i++) {
        IndexEntry entry = copy.entries().get(copy.positions().get(i));
        read.add(
            RiskRecord.of(
                copy.marketplaceId(),
                entry.transactionId(),
                entry.version(),
                receivedAt,
                copy.records().get(i)));
      }
    } catch (RuntimeException e) {
      return null;
    }
    return read;
  }
}
