package org.parcelgate.delivery;

import java.time.Instant;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.parcelgate.store.IndexEntry;

/**
 * Hears of the minimized records of each batch once the store has committed it, as the ingest made
 * them: so that a reader in the same process (the risk assessor) need not read the copy back from
 * the store and decode it. A hint only: whoever hears must still be correct without it (another
 * instance's batches, a restart).
 */
@FunctionalInterface
public interface CommittedCopies {
  CommittedCopies NONE = copy -> {};

  /**
   * A batch's minimized copy for one recipient, as committed.
   *
   * @param positions per record of the copy, in order, its position among the batch's accepted
   *     records
   * @param records the minimized records, in the order of the copy (a price row's copy position)
   * @param entries the index entries of the batch's accepted records, by accepted position: each
   *     record's transaction and version
   */
  record Copy(
      String batchId,
      String marketplaceId,
      Instant receivedAt,
      String recipient,
      List<Integer> positions,
      List<GenericRecord> records,
      List<IndexEntry> entries) {}

  /**
   * A batch's minimized copy for one recipient was committed. Called on the ingest thread, after
   * the commit: never blocking, never failing, and the records must not be changed.
   */
  void committed(Copy copy);
}
