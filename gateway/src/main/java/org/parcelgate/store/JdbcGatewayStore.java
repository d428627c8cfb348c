package org.parcelgate.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.parcelgate.risk.MemoryRiskState;
import org.parcelgate.risk.StateKey;

/**
 * {@link GatewayStore} over JDBC in standard SQL: the engine-specific parts are the {@link
 * Dialect}, the connection factories behind the {@link ConnectionPool}s, and the migration files.
 *
 * <p>Writes run on the {@link StoreGuard}'s writer thread inside a commit they may share with other
 * writes ({@link GroupCommit}): each is atomic on its own (a savepoint) and must not begin, commit
 * or roll back a transaction itself. Reads run on reader connections, whose transactions are
 * deferred read transactions that never take the write lock.
 *
 * <p>Instants are stored as microseconds since the epoch in {@code BIGINT} columns: the same in
 * every engine, exact, and comparable in SQL.
 */
final class JdbcGatewayStore implements GatewayStore {
  /** Ids per {@code IN (...)} list when looking up latest versions. */
  static final int IN_LIST_SIZE = 500;

  /** The probe's row. */
  private static final String INSERT_TOKEN_ID =
      "INSERT INTO token_id (issuer, jti, retain_until_micros) VALUES (?, ?, ?)";

  /**
   * One statement decides a first use: it inserts the pair, or renews a recorded pair whose time is
   * past, and changes no row for a pair still remembered. A failed insert would abort PostgreSQL's
   * transaction, so the conflict is not left to throw.
   */
  private static final String FIRST_USE_OF_TOKEN_ID =
      "INSERT INTO token_id (issuer, jti, retain_until_micros) VALUES (?, ?, ?)"
          + " ON CONFLICT (issuer, jti) DO UPDATE SET retain_until_micros ="
          + " excluded.retain_until_micros WHERE token_id.retain_until_micros < ?";

  private static final String PURGE_TOKEN_IDS =
      "DELETE FROM token_id WHERE retain_until_micros < ?";

  private static final String BATCH_COLUMNS =
      "SELECT batch_id, marketplace_id, body_sha256, received_at_micros, record_count,"
          + " accepted_count, rejected_count, receipt_jws, result_json FROM batch";
  private static final String BATCH_BY_DIGEST =
      BATCH_COLUMNS + " WHERE marketplace_id = ? AND body_sha256 = ?";
  private static final String BATCH_BY_ID =
      BATCH_COLUMNS + " WHERE batch_id = ? AND marketplace_id = ?";

  private static final String INSERT_BATCH =
      "INSERT INTO batch (batch_id, marketplace_id, body_sha256, request_jti, received_at_micros,"
          + " writer_schema_fingerprint, record_count, accepted_count, rejected_count, receipt_jws,"
          + " result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_INDEX =
      "INSERT INTO transaction_index (marketplace_id, transaction_id, version, batch_id,"
          + " accepted_position, record_index, record_sha256, destination_country)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  /**
   * The issuer of the probe's row in {@code token_id}: never a partner id (those start with a
   * letter or digit), so no token can match it.
   */
  static final String PROBE_ISSUER = "#store-probe";

  private static final String PROBE_JTI = "probe";

  private final ConnectionPool readers;
  private final ConnectionPool writers;
  private final Dialect dialect;
  private final Clock clock;
  private final StoreGuard guard;
  private final FeedFollower follower;

  /** Where each recipient's split groups stand in the split log; built on first use. */
  private final SplitLog splitLog = new SplitLog();

  /** Per recipient, what the purges found after its stored state's position (the writer's). */
  private final Map<String, RiskTables.ReceiptsAfter> riskReceipts = new ConcurrentHashMap<>();

  /**
   * @param readers connections for reads, whose transactions do not take the write lock
   * @param writers connections for writes (the guard's writer borrows from the same pool) and the
   *     migrations
   * @param guard the threads, deadline and health every operation after {@link #migrate()} goes
   *     through
   */
  JdbcGatewayStore(
      ConnectionPool readers,
      ConnectionPool writers,
      Dialect dialect,
      Clock clock,
      StoreGuard guard) {
    this.readers = readers;
    this.writers = writers;
    this.dialect = dialect;
    this.clock = clock;
    this.guard = guard;
    this.follower = new FeedFollower(guard, FeedFollower.MAX_ROWS_PER_STEP);
  }

  /**
   * Starts the follower, which builds the look-ups and the seller feed after the commits and first
   * catches up with rows an earlier process committed; called once the schema is up to date.
   */
  void startFollower() {
    follower.start();
  }

  /**
   * Brings the schema up to date; called once, on the opening thread, before the store is handed
   * out. Not under the deadline: a migration of a large database may take long.
   */
  void migrate() {
    runNow(
        writers,
        connection -> Migrations.migrate(connection, dialect, Migrations.shipped(), clock));
  }

  /** The migrations recorded in this database, for tests and operators. */
  List<Migrations.Applied> appliedMigrations() {
    return run(Migrations::applied);
  }

  @Override
  public boolean firstUse(String issuer, String jti, Instant retainUntil) {
    Limits.check(issuer, "issuer");
    Limits.check(jti, "jti");
    long until = micros(retainUntil);
    return write(
        connection -> {
          try (PreparedStatement firstUse = connection.prepareStatement(FIRST_USE_OF_TOKEN_ID)) {
            firstUse.setString(1, issuer);
            firstUse.setString(2, jti);
            firstUse.setLong(3, until);
            firstUse.setLong(4, micros(clock.instant()));
            return firstUse.executeUpdate() == 1;
          }
        });
  }

  @Override
  public void probe() {
    guard.probe(this::rewriteProbeRow);
  }

  /**
   * Deletes and inserts again the probe's row with the probe's time, so every probe changes a page
   * and its commit goes to the disk (with the writes it shares the commit with, if any). The row is
   * expired at once: the purge may delete it.
   */
  private Void rewriteProbeRow(Connection connection) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM token_id WHERE issuer = ? AND jti = ?")) {
      delete.setString(1, PROBE_ISSUER);
      delete.setString(2, PROBE_JTI);
      delete.executeUpdate();
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_TOKEN_ID)) {
      insert.setString(1, PROBE_ISSUER);
      insert.setString(2, PROBE_JTI);
      insert.setLong(3, micros(clock.instant()));
      insert.executeUpdate();
    }
    return null;
  }

  @Override
  public StoreHealth health() {
    return guard.health();
  }

  @Override
  public int purgeExpiredTokenIds(Instant now) {
    long before = micros(now);
    return write(
        connection -> {
          try (PreparedStatement purge = connection.prepareStatement(PURGE_TOKEN_IDS)) {
            purge.setLong(1, before);
            return purge.executeUpdate();
          }
        });
  }

  @Override
  public Optional<BatchRecord> batchByBodyDigest(String marketplaceId, String bodySha256) {
    return oneBatch(BATCH_BY_DIGEST, marketplaceId, bodySha256);
  }

  @Override
  public Optional<BatchRecord> batch(String marketplaceId, String batchId) {
    return oneBatch(BATCH_BY_ID, batchId, marketplaceId);
  }

  private Optional<BatchRecord> oneBatch(String sql, String first, String second) {
    return run(
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, first);
            select.setString(2, second);
            try (ResultSet row = select.executeQuery()) {
              if (!row.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new BatchRecord(
                      row.getString(1),
                      row.getString(2),
                      row.getString(3),
                      instant(row.getLong(4)),
                      row.getInt(5),
                      row.getInt(6),
                      row.getInt(7),
                      row.getString(8),
                      row.getString(9)));
            }
          }
        });
  }

  @Override
  public Optional<MinimizedBatch> minimizedRecords(String batchId, String recipient) {
    return run(connection -> LogTables.minimized(connection, batchId, recipient));
  }

  @Override
  public Map<String, TransactionVersion> latestVersions(
      String marketplaceId, Collection<String> transactionIds) {
    List<String> ids = List.copyOf(transactionIds);
    if (ids.isEmpty()) {
      return Map.of();
    }
    return run(
        connection -> {
          Map<String, TransactionVersion> latest = new HashMap<>();
          for (int from = 0; from < ids.size(); from += IN_LIST_SIZE) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST_SIZE));
            String sql =
                "SELECT transaction_id, version, record_sha256 FROM transaction_index"
                    + " WHERE marketplace_id = ? AND transaction_id IN ("
                    + "?, ".repeat(chunk.size() - 1)
                    + "?)";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
              select.setString(1, marketplaceId);
              for (int i = 0; i < chunk.size(); i++) {
                select.setString(i + 2, chunk.get(i));
              }
              try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                  TransactionVersion found =
                      new TransactionVersion(rows.getString(1), rows.getInt(2), rows.getString(3));
                  latest.merge(
                      found.transactionId(), found, (a, b) -> a.version() >= b.version() ? a : b);
                }
              }
            }
          }
          return latest;
        });
  }

  @Override
  public void commit(NewBatch batch) {
    check(batch);
    write(
        Work.inOrder(
            connection -> {
              insertBatch(connection, batch);
              return null;
            }));
    follower.committed(batch.priceRecords().size());
  }

  private static void insertBatch(Connection connection, NewBatch batch) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT_BATCH)) {
      insert.setString(1, batch.batchId());
      insert.setString(2, batch.marketplaceId());
      insert.setString(3, batch.bodySha256());
      insert.setString(4, batch.requestJti());
      insert.setLong(5, micros(batch.receivedAt()));
      insert.setString(6, batch.writerSchemaFingerprint());
      insert.setInt(7, batch.recordCount());
      insert.setInt(8, batch.acceptedCount());
      insert.setInt(9, batch.rejectedCount());
      insert.setString(10, batch.receiptJws());
      insert.setString(11, batch.resultJson());
      insert.executeUpdate();
    }
    LogTables.insertMinimized(connection, batch.batchId(), batch.minimized());
    Map<String, Long> logIndexes = new HashMap<>();
    if (!batch.log().isEmpty()) {
      long first = LogTables.append(connection, LogName.MINIMIZATION, batch.log());
      for (int i = 0; i < batch.log().size(); i++) {
        LogAppend entry = batch.log().get(i);
        if (entry.recipient() != null) {
          logIndexes.put(entry.recipient(), first + i);
        }
      }
    }
    DeliveryTables.insert(
        connection,
        batch.batchId(),
        batch.marketplaceId(),
        batch.receivedAt(),
        batch.priceRecords(),
        logIndexes);
    if (batch.entries().isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_INDEX)) {
      int position = 0;
      for (IndexEntry entry : batch.entries()) {
        insert.setString(1, batch.marketplaceId());
        insert.setString(2, entry.transactionId());
        insert.setInt(3, entry.version());
        insert.setString(4, batch.batchId());
        insert.setInt(5, position++);
        insert.setInt(6, entry.recordIndex());
        insert.setString(7, entry.recordSha256());
        Sql.setNullable(insert, 8, entry.destinationCountry());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static void check(NewBatch batch) {
    Limits.check(batch.batchId(), "batchId");
    Limits.check(batch.marketplaceId(), "marketplaceId");
    Limits.check(batch.bodySha256(), "bodySha256");
    Limits.check(batch.requestJti(), "requestJti");
    Limits.check(batch.writerSchemaFingerprint(), "writerSchemaFingerprint");
    for (MinimizedBatch copy : batch.minimized()) {
      Limits.check(copy.recipient(), "recipient");
      Limits.check(copy.policyId(), "policyId");
      Limits.check(copy.policySha256(), "policySha256");
      Limits.check(copy.schemaFingerprint(), "schemaFingerprint");
    }
    batch.log().forEach(JdbcGatewayStore::check);
    for (PriceRow row : batch.priceRecords()) {
      Limits.check(row.recipient(), "recipient");
      Limits.check(row.transactionId(), "transactionId");
      Limits.check(row.destinationCountry(), "destinationCountry");
      Limits.check(row.trackingNumber(), "trackingNumber");
      Limits.check(row.sellerId(), "sellerId");
      Limits.check(row.currency(), "currency");
      Limits.check(row.sellerFingerprint(), "sellerFingerprint");
    }
    for (IndexEntry entry : batch.entries()) {
      Limits.check(entry.transactionId(), "transactionId");
      Limits.check(entry.recordSha256(), "recordSha256");
      Limits.check(entry.destinationCountry(), "destinationCountry");
    }
  }

  private static void check(LogAppend entry) {
    Limits.check(entry.kind(), "kind");
    Limits.check(entry.marketplaceId(), "marketplaceId");
    Limits.check(entry.recipient(), "recipient");
    Limits.check(entry.batchId(), "batchId");
    for (LogAppend.Count count : entry.counts()) {
      Limits.check(count.path(), "path");
      Limits.check(count.action(), "action");
    }
  }

  @Override
  public long appendLog(LogName log, LogAppend entry) {
    check(entry);
    if (log != LogName.MINIMIZATION && (!entry.counts().isEmpty() || entry.batchId() != null)) {
      throw new IllegalArgumentException(
          "only the minimization log's entries count field values and name batches");
    }
    return write(Work.inOrder(connection -> LogTables.append(connection, log, List.of(entry))));
  }

  @Override
  public long logSize(LogName log) {
    return run(connection -> LogTables.size(connection, log));
  }

  @Override
  public byte[] logRoot(LogName log, long size) {
    return run(connection -> LogTables.root(connection, log, size));
  }

  @Override
  public List<byte[]> logInclusionProof(LogName log, long index, long size) {
    return run(connection -> LogTables.inclusionProof(connection, log, index, size));
  }

  @Override
  public List<byte[]> logConsistencyProof(LogName log, long first, long second) {
    return run(connection -> LogTables.consistencyProof(connection, log, first, second));
  }

  @Override
  public List<LogNode> logNodesCompletedBy(LogName log, long from, long to) {
    return run(connection -> LogTables.nodesCompletedBy(connection, log, from, to));
  }

  @Override
  public List<byte[]> logHashes(LogName log, int level, long from, long to) {
    return run(connection -> LogTables.hashes(connection, log, level, from, to));
  }

  @Override
  public List<LogRow> logRange(LogName log, long from, long to) {
    return run(connection -> LogTables.range(connection, log, from, to));
  }

  @Override
  public List<LogRow> logEntries(LogName log, LogQuery query) {
    return run(connection -> LogTables.entries(connection, log, query));
  }

  @Override
  public List<ActionCount> actionCounts(LogQuery filter, java.time.Duration bucket) {
    return run(connection -> LogTables.actionCounts(connection, filter, bucket));
  }

  @Override
  public void saveCheckpoint(LogName log, StoredCheckpoint checkpoint) {
    // In order: two instances signing at once must not both find the size free, and a checkpoint
    // signed after a larger one was stored must not join the sequence behind it.
    write(
        Work.inOrder(
            connection -> {
              LogTables.saveCheckpoint(connection, log, checkpoint);
              return null;
            }));
  }

  @Override
  public Optional<StoredCheckpoint> latestCheckpoint(LogName log) {
    return run(connection -> LogTables.checkpoints(connection, log, true).stream().findFirst());
  }

  @Override
  public List<StoredCheckpoint> checkpoints(LogName log) {
    return run(connection -> LogTables.checkpoints(connection, log, false));
  }

  @Override
  public Optional<StoredCheckpoint> checkpoint(LogName log, long treeSize) {
    return run(connection -> LogTables.checkpoint(connection, log, treeSize));
  }

  @Override
  public void saveCosignature(LogName log, long treeSize, String witness, String cosignature) {
    Limits.check(witness, "witness");
    write(
        connection -> {
          LogTables.saveCosignature(connection, log, treeSize, witness, cosignature);
          return null;
        });
  }

  @Override
  public java.util.Map<String, String> cosignatures(LogName log, long treeSize) {
    return run(connection -> LogTables.cosignatures(connection, log, treeSize));
  }

  @Override
  public java.util.OptionalLong lastCosigned(LogName log, String witness) {
    return run(connection -> LogTables.lastCosigned(connection, log, witness));
  }

  @Override
  public java.util.OptionalLong lastCosigned(LogName log) {
    return run(connection -> LogTables.lastCosigned(connection, log, null));
  }

  @Override
  public List<StoredPrice> priceRecords(FeedQuery query) {
    // One read transaction: the risk cursor and the page from the same snapshot.
    return run(connection -> inTransaction(connection, c -> DeliveryTables.prices(c, query)));
  }

  @Override
  public RiskInput riskInput(String recipient, int maxRows, Predicate<String> held) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1");
    }
    return run(
        connection ->
            inTransaction(connection, c -> RiskTables.input(c, recipient, maxRows, held)));
  }

  @Override
  public RiskInput riskReplay(
      String recipient, long after, long upTo, int maxRows, Predicate<String> held) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1");
    }
    return run(
        connection ->
            inTransaction(
                connection, c -> RiskTables.replay(c, recipient, after, upTo, maxRows, held)));
  }

  @Override
  public Map<StateKey, MemoryRiskState.Value> riskState(
      String recipient, Collection<StateKey> keys, Instant now) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    return run(connection -> RiskTables.state(connection, splitLog, recipient, keys, now));
  }

  @Override
  public boolean commitRisk(RiskStep step) {
    Limits.check(step.recipient(), "recipient");
    // Prepared here, so the single writer that ingest shares only writes the rows.
    RiskRows rows = RiskRows.of(step);
    Optional<SplitLog.Appended> applied = write(connection -> RiskTables.apply(connection, rows));
    applied.ifPresent(splitLog::appended);
    return applied.isPresent();
  }

  @Override
  public long riskCursor(String recipient) {
    return run(connection -> DeliveryTables.single(connection, RiskTables.CURSOR, recipient));
  }

  @Override
  public Map<String, byte[]> riskStates(
      String recipient, String kind, String afterKey, int limit, Instant now) {
    return run(connection -> RiskTables.states(connection, recipient, kind, afterKey, limit, now));
  }

  @Override
  public long riskSplitGroupsIndexed() {
    return splitLog.indexed();
  }

  @Override
  public long riskLag(Collection<String> recipients) {
    List<String> all = List.copyOf(recipients);
    return run(connection -> inTransaction(connection, c -> RiskTables.lag(c, all)));
  }

  @Override
  public List<RetentionCopy> dueCopies(
      String recipient, Instant receivedBefore, boolean assessed, boolean pushed, int limit) {
    // One read transaction: the cursors and the rows from the same snapshot.
    return run(
        connection ->
            inTransaction(
                connection,
                c ->
                    RetentionTables.dueCopies(
                        c,
                        recipient,
                        receivedBefore,
                        RetentionTables.purgeablePrices(c, recipient, assessed, pushed),
                        limit)));
  }

  @Override
  public List<RetentionPurge> purge(
      List<RetentionCopy> copies, Instant now, RetentionCopy.Entry entry) {
    List<RetentionCopy> all = List.copyOf(copies);
    return write(
        Work.inOrder(
            connection -> {
              List<RetentionPurge> purged = new java.util.ArrayList<>();
              for (RetentionCopy copy : all) {
                RetentionTables.purge(connection, copy, now, entry).ifPresent(purged::add);
              }
              return purged;
            }));
  }

  @Override
  public Optional<RetentionPurge> purgeSellers(
      String recipient,
      Instant lastSeenBefore,
      boolean pushed,
      int limit,
      Instant now,
      RetentionCopy.SellerEntry entry) {
    return write(
        Work.inOrder(
            connection ->
                RetentionTables.purgeSellers(
                    connection, recipient, lastSeenBefore, pushed, limit, now, entry)));
  }

  @Override
  public List<RetentionPurge> retentionPurges(String batchId) {
    return run(connection -> RetentionTables.purges(connection, batchId));
  }

  @Override
  public int purgeExpiredRiskState(Instant now) {
    Map<String, Long> cutoffs = new ConcurrentHashMap<>();
    int purged = write(connection -> RiskTables.purge(connection, now, cutoffs, riskReceipts));
    cutoffs.forEach(splitLog::purged);
    return purged;
  }

  @Override
  public List<StoredSeller> sellerRecords(FeedQuery query) {
    // One read transaction: the seller rows and their values from the same snapshot.
    return run(connection -> inTransaction(connection, c -> DeliveryTables.sellers(c, query)));
  }

  @Override
  public long followerLag() {
    // One read transaction: each recipient's head and cursor from the same snapshot.
    return run(connection -> inTransaction(connection, FollowerTables::lag));
  }

  @Override
  public void catchUpFollower() {
    follower.catchUp();
  }

  /** One follower step of at most {@code maxRows} rows, on the writer: for tests. */
  FollowerTables.Step followStep(int maxRows) {
    return guard.write(Work.inOrder(connection -> FollowerTables.apply(connection, maxRows)));
  }

  @Override
  public long lastSeq(String recipient, FeedKind kind) {
    return run(connection -> DeliveryTables.lastSeq(connection, recipient, kind));
  }

  @Override
  public long recordsAfter(String recipient, FeedKind kind, long afterSeq) {
    return run(connection -> DeliveryTables.recordsAfter(connection, recipient, kind, afterSeq));
  }

  @Override
  public DeliveryState deliveryState(String recipient, FeedKind kind) {
    return run(connection -> DeliveryTables.state(connection, recipient, kind));
  }

  @Override
  public void saveDeliveryState(DeliveryState state) {
    write(
        connection -> {
          DeliveryTables.saveState(connection, state);
          return null;
        });
  }

  @Override
  public boolean lease(
      String recipient, FeedKind kind, String holder, Instant now, java.time.Duration ttl) {
    Limits.check(recipient, "recipient");
    Limits.check(holder, "holder");
    return write(connection -> LeaseTables.lease(connection, recipient, kind, holder, now, ttl));
  }

  @Override
  public void release(String recipient, FeedKind kind, String holder) {
    write(
        connection -> {
          LeaseTables.release(connection, recipient, kind, holder);
          return null;
        });
  }

  @Override
  public void deadLetter(DeliveryState state, List<DeadLetter> letters) {
    write(
        connection -> {
          DeliveryTables.insertDead(connection, letters);
          DeliveryTables.saveState(connection, state);
          return null;
        });
  }

  @Override
  public List<DeadLetter> deadLetters(
      String recipient, FeedKind kind, DeadLetter.Status status, long afterSeq, int limit) {
    return run(
        connection -> DeliveryTables.dead(connection, recipient, kind, status, afterSeq, limit));
  }

  @Override
  public int moveDeadLetters(
      String recipient,
      FeedKind kind,
      List<Long> seqs,
      DeadLetter.Status from,
      DeadLetter.Status to) {
    if (seqs.isEmpty()) {
      return 0;
    }
    // In order with the purge (Work.inOrder), which leaves a copy being re-driven alone: on an
    // engine with several writers, a re-drive cannot slip between its check and its deletes.
    return write(
        Work.inOrder(
            connection -> DeliveryTables.setStatus(connection, recipient, kind, seqs, from, to)));
  }

  @Override
  public int moveAllDeadLetters(
      String recipient, FeedKind kind, DeadLetter.Status from, DeadLetter.Status to) {
    return write(
        Work.inOrder(
            connection -> DeliveryTables.setAllStatus(connection, recipient, kind, from, to)));
  }

  @Override
  public void registerSchema(String fingerprint, String schemaJson) {
    write(
        connection -> {
          DeliveryTables.registerSchema(connection, fingerprint, schemaJson);
          return null;
        });
  }

  @Override
  public Optional<String> schema(String fingerprint) {
    return run(connection -> DeliveryTables.schema(connection, fingerprint));
  }

  @Override
  public Map<String, Long> deadLetterCounts() {
    return run(DeliveryTables::deadCounts);
  }

  @Override
  public void close() {
    try {
      follower.close();
      guard.close();
    } finally {
      try {
        readers.close();
      } finally {
        writers.close();
      }
    }
  }

  /**
   * Runs {@code work} as one database transaction on {@code connection}, which is in auto-commit
   * mode: all of it, or none of it. On a reader's connection it is a deferred read transaction (one
   * snapshot for several statements); on a writer's (the migrations) it begins immediate.
   */
  static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
    connection.setAutoCommit(false);
    T result;
    try {
      result = work.run(connection);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      undo(connection, e);
      throw e;
    }
    connection.setAutoCommit(true);
    return result;
  }

  /**
   * Rolls back after {@code failure} and keeps it the exception that is thrown. After a full disk
   * or an I/O error the engine has often rolled the transaction back itself, so the rollback and
   * the return to auto-commit fail as well ("no transaction is active"): those failures are
   * attached to the first as suppressed, never thrown in its place.
   */
  private static void undo(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e);
    }
    try {
      connection.setAutoCommit(true);
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** A read, on a reader thread of the guard, within the deadline. */
  <T> T run(Work<T> work) {
    return guard.read(() -> runNow(readers, work));
  }

  /**
   * A write, on the guard's writer thread, within the deadline; refused while unavailable. Returns
   * once the commit that holds it is durable.
   */
  private <T> T write(Work<T> work) {
    return guard.write(work);
  }

  /** Work on a borrowed connection, on this thread; a driver failure becomes a store exception. */
  private <T> T runNow(ConnectionPool pool, Work<T> work) {
    Connection connection = pool.borrow();
    boolean reusable = false;
    try {
      T result = work.run(connection);
      reusable = true;
      return result;
    } catch (SQLException e) {
      reusable = dialect.isUniqueViolation(e);
      throw dialect.translate(e);
    } finally {
      pool.release(connection, reusable);
    }
  }

  static long micros(Instant instant) {
    // ChronoUnit.MICROS.between(Instant.EPOCH, instant) as the JDK computes it (nanoseconds, then
    // divided; the same overflow beyond some 292 years), without its general path: a checkpoint
    // converts tens of thousands of expiries.
    return Math.addExact(
            Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano())
        / 1_000;
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
