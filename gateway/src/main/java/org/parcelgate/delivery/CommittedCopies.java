package org.parcelgate.delivery;

import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * Hears of the minimized records of each batch once the store has committed it, as the ingest made
 * them: so that a reader in the same process (the risk assessor) need not read the copy back from
 * the store and decode it. A hint only: whoever hears must still be correct without it (another
 * instance's batches, a restart).
 */
@FunctionalInterface
public interface CommittedCopies {
  CommittedCopies NONE = (batchId, recipient, records) -> {};

  /**
   * A batch's minimized copy for one recipient was committed. Called on the ingest thread: cheap,
   * never blocking, and the records must not be changed.
   */
  void committed(String batchId, String recipient, List<GenericRecord> records);
}
