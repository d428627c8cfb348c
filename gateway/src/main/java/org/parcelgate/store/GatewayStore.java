package org.parcelgate.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's durable state: token ids for replay protection, and the batches marketplaces
 * pushed, with their receipts, accepted records and a narrow index of those records.
 *
 * <p>Plain Java and blocking JDBC underneath: call it from worker threads, never from an event
 * loop. Implementations are thread-safe. Nothing here carries engine-specific types, so an adapter
 * for a database server (PostgreSQL) can stand behind the same interface; see {@code
 * docs/storage.md}.
 *
 * <p>Failures of the database itself surface as the unchecked {@link StoreException}; a violated
 * unique key as its subclass {@link StoreConflictException}. A failure of the disk or the file
 * system (full, read-only, I/O error, a lock held too long, no answer within the deadline) as its
 * subclass {@link StoreUnavailableException}: the store is then unavailable ({@link #health()}) and
 * refuses writes at once until a {@link #probe()} succeeds. No call waits longer than the store's
 * deadline.
 */
public interface GatewayStore extends DeliveryStore, RiskStore, AutoCloseable {
  /**
   * A time as the store keeps it and reads it back: to the microsecond (SQLite's integers of
   * microseconds, PostgreSQL's timestamps). What a caller holds of a stored row equals the row as
   * read back only at this precision.
   */
  static Instant asStored(Instant time) {
    return JdbcGatewayStore.instant(JdbcGatewayStore.micros(time));
  }

  /**
   * Durable replay protection: records the first use of {@code (issuer, jti)}.
   *
   * <p>Atomic under concurrency (a unique key decides, so of many concurrent callers with the same
   * pair exactly one gets {@code true}) and durable across restarts once it returned.
   *
   * @param retainUntil until when the pair must be remembered (after it, the token would be refused
   *     as expired anyway)
   * @return {@code true} for a first use; {@code false} if the pair is already recorded and its
   *     {@code retainUntil} is not yet past. A recorded pair whose {@code retainUntil} is past
   *     counts as unused: it is recorded again with the new {@code retainUntil} and {@code true}
   *     returned.
   */
  boolean firstUse(String issuer, String jti, Instant retainUntil);

  /**
   * Deletes the token ids whose {@code retainUntil} is before {@code now}.
   *
   * @return how many were deleted
   */
  int purgeExpiredTokenIds(Instant now);

  /**
   * Checks that the store can write now: one tiny write transaction (it rewrites a reserved row of
   * the replay table), within the store's deadline. It is the one write tried while the store is
   * unavailable, and when it succeeds the store is available again. A probe does not start while
   * the previous one still runs.
   *
   * @throws StoreUnavailableException if the store cannot write
   */
  void probe();

  /** Whether the store can work now; if not, why and since when. */
  StoreHealth health();

  /** The batch this marketplace sent with this body digest, if any (the idempotency look-up). */
  Optional<BatchRecord> batchByBodyDigest(String marketplaceId, String bodySha256);

  /** The batch with this id, only if this marketplace sent it. */
  Optional<BatchRecord> batch(String marketplaceId, String batchId);

  /**
   * A recipient's minimized copy of a batch's accepted records, as {@link NewBatch#minimized()}
   * held it. Empty for an unknown batch or recipient, and for a batch that accepted no record.
   */
  Optional<MinimizedBatch> minimizedRecords(String batchId, String recipient);

  /**
   * For each given id already stored for this marketplace: its latest (highest) version and that
   * version's record digest. Ids never stored are absent from the map.
   */
  Map<String, TransactionVersion> latestVersions(
      String marketplaceId, Collection<String> transactionIds);

  /**
   * Stores the whole batch in one database transaction: the batch row with receipt and result, each
   * recipient's minimized records, one index row per accepted record, the batch's entries of the
   * minimization log, and its price records at the next positions of their recipients' feeds.
   * Durable once it returns. The seller records they change and their look-up by tracking number
   * follow after the commit ({@link DeliveryStore#followerLag()}).
   *
   * @throws StoreConflictException when a unique key is violated: the same {@code (marketplace,
   *     bodySha256)} or the same {@code (marketplace, transactionId, version)} stored by a
   *     concurrent batch or repeated within this one, or the same batch id. Nothing of the batch is
   *     stored then.
   * @throws IllegalArgumentException when a text value exceeds its column (see {@link Limits});
   *     nothing is stored then
   */
  void commit(NewBatch batch);

  /**
   * Appends one entry to a log in its own transaction, at the next index. Only entries of the
   * minimization log have field counts.
   *
   * @return the entry's index
   */
  long appendLog(LogName log, LogAppend entry);

  /**
   * How many entries a log holds: the size of its Merkle tree. Read from the largest index, not
   * counted.
   */
  long logSize(LogName log);

  /**
   * The RFC 9162 tree head of a log's first {@code size} entries, from O(log size) stored nodes.
   *
   * @throws StoreException if {@code size} exceeds the log
   */
  byte[] logRoot(LogName log, long size);

  /**
   * The RFC 9162 audit path of entry {@code index} in the tree of a log's first {@code size}
   * entries, from O(log size) stored nodes.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < size}
   * @throws StoreException if {@code size} exceeds the log
   */
  List<byte[]> logInclusionProof(LogName log, long index, long size);

  /**
   * The RFC 9162 consistency proof between the trees of a log's first {@code first} and first
   * {@code second} entries, from O(log second) stored nodes.
   *
   * @throws IllegalArgumentException unless {@code 0 <= first <= second}
   * @throws StoreException if {@code second} exceeds the log
   */
  List<byte[]> logConsistencyProof(LogName log, long first, long second);

  /**
   * The stored tree nodes above the leaves that a log's entries {@code [from, to)} complete (each
   * node's last leaf is in the range), by level, then index: for checking the nodes against the
   * entries.
   */
  List<LogNode> logNodesCompletedBy(LogName log, long from, long to);

  /**
   * The hashes of a log's tree at {@code level} (0: the leaves; {@code l}: the perfect subtrees of
   * {@code 2^l} leaves) with indexes in {@code [from, to)}, in index order; only those stored, so
   * fewer when the tree does not reach {@code to}.
   */
  List<byte[]> logHashes(LogName log, int level, long from, long to);

  /** A log's entries with indexes in {@code [from, to)}, in index order. */
  List<LogRow> logRange(LogName log, long from, long to);

  /** A log's entries matching a filter, newest first unless the query asks otherwise. */
  List<LogRow> logEntries(LogName log, LogQuery query);

  /**
   * Values touched per time bucket, field path and action, over the minimization entries matching
   * the filter (its index range, limit and order are ignored), oldest bucket first.
   */
  List<ActionCount> actionCounts(LogQuery filter, java.time.Duration bucket);

  /**
   * Stores a signed checkpoint of a log. Storing one whose size is not larger than the largest
   * stored changes nothing, so the sequence grows in tree size and in time whatever instance signs.
   */
  void saveCheckpoint(LogName log, StoredCheckpoint checkpoint);

  /** The checkpoint of a log's largest tree, if any was signed. */
  Optional<StoredCheckpoint> latestCheckpoint(LogName log);

  /** Every stored checkpoint of a log, smallest tree first. */
  List<StoredCheckpoint> checkpoints(LogName log);

  /** The stored checkpoint of a log's tree of {@code treeSize}, if one was signed. */
  Optional<StoredCheckpoint> checkpoint(LogName log, long treeSize);

  /**
   * Stores a witness's cosignature of a log's checkpoint of {@code treeSize}; a repeat replaces it.
   */
  void saveCosignature(LogName log, long treeSize, String witness, String cosignature);

  /** The cosignatures of a log's checkpoint of {@code treeSize}, by witness name. */
  java.util.Map<String, String> cosignatures(LogName log, long treeSize);

  /** The largest size of a log a witness cosigned, if any. */
  java.util.OptionalLong lastCosigned(LogName log, String witness);

  /** The largest size of a log that any witness cosigned, if any. */
  java.util.OptionalLong lastCosigned(LogName log);

  /**
   * A recipient's oldest copies of batches that its retention has made due, oldest first: received
   * before {@code receivedBefore}, and every record applied by the follower and, when asked, kept
   * by the assessor's state ({@code assessed}) and delivered or dead-lettered by the recipient's
   * push stream ({@code pushed}).
   */
  List<RetentionCopy> dueCopies(
      String recipient, Instant receivedBefore, boolean assessed, boolean pushed, int limit);

  /**
   * Purges due copies in one transaction: of each, its minimized records, price rows, look-ups and
   * findings go, its dead letters move to {@code purged}, and its {@code entry} is appended to the
   * minimization log. The batch (its receipt and answer) and every log entry stay. A copy already
   * gone, or with a dead letter being re-driven, is left as it is.
   *
   * @return the purges done, in the order of the copies
   */
  List<RetentionPurge> purge(List<RetentionCopy> copies, Instant now, RetentionCopy.Entry entry);

  /**
   * Deletes up to {@code limit} of a recipient's seller records last seen before {@code
   * lastSeenBefore} (and, when {@code pushed}, delivered), with one minimization-log entry for
   * them, in one transaction.
   *
   * @return empty when no seller was due
   */
  Optional<RetentionPurge> purgeSellers(
      String recipient,
      Instant lastSeenBefore,
      boolean pushed,
      int limit,
      Instant now,
      RetentionCopy.SellerEntry entry);

  /** The purges by retention of a batch's copies, by recipient; empty while none was purged. */
  List<RetentionPurge> retentionPurges(String batchId);

  /** Releases the database: connections, files, locks. Idempotent. */
  @Override
  void close();
}
