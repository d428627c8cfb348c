package org.parcelgate.privacy;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.RetentionCopy;
import org.parcelgate.store.RetentionPurge;
import org.parcelgate.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage limitation (GDPR Article 5(1)(e)): a pass purges each recipient's copies of batches
 * received longer ago than its policy's retention period, once delivered, and its sellers not seen
 * since; each purge is one transaction with its minimization-log entry ({@link LogEntries#purge}),
 * so the log proves what was deleted, for whom, when and under which policy. A recipient whose
 * policy has no retention keeps its copies. {@code app/RetentionTimer} runs a pass every interval
 * on the privacy pool.
 *
 * <p>What counts as delivered: the follower and (with risk on) the assessor are past the records;
 * for a recipient pushed to, the push stream delivered them or gave them up as dead letters (which
 * the purge marks {@code purged}). A record still waiting for its push is never purged; it reaches
 * the dead letters first, by the push's record time-to-live.
 */
public final class Retention {
  /**
   * Copies found per read, and purged in one transaction: each write waits for a commit of the
   * store's writer, shared with the batches being stored, so one copy per write would purge far
   * more slowly than batches arrive.
   */
  static final int COPIES_PER_READ = 16;

  /**
   * Records purged per transaction at most (a larger copy goes alone): a write holds the store's
   * writer, which the batches being stored wait for.
   */
  static final int RECORDS_PER_WRITE = 4_000;

  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  /** Sellers purged per transaction. */
  static final int SELLERS_PER_PURGE = 500;

  /** Hears what each purge deleted: a copy's records, or sellers. */
  public interface Listener {
    void purged(String recipient, String what, int count, int undelivered);
  }

  /** What one pass purged, over every recipient. */
  public record Pass(int copies, int records, int sellers, int undelivered) {
    static final Pass NONE = new Pass(0, 0, 0, 0);

    Pass plus(Pass other) {
      return new Pass(
          copies + other.copies,
          records + other.records,
          sellers + other.sellers,
          undelivered + other.undelivered);
    }
  }

  private final GatewayStore store;
  private final List<Minimizer> recipients;
  private final Set<String> pushed;
  private final boolean assessed;
  private final Clock clock;
  private final Listener listener;

  /**
   * @param pushed the recipients with a push endpoint
   * @param assessed whether the risk assessor runs (and its state must be past a record)
   */
  public Retention(
      GatewayStore store,
      RecipientPolicies policies,
      Set<String> pushed,
      boolean assessed,
      Clock clock,
      Listener listener) {
    this.store = store;
    this.recipients =
        policies.minimizers().stream().filter(m -> m.policy().retention().isPresent()).toList();
    this.pushed = Set.copyOf(pushed);
    this.assessed = assessed;
    this.clock = clock;
    this.listener = listener;
  }

  /** The recipients whose policy limits retention, for the start-up log. */
  public List<Minimizer> recipients() {
    return recipients;
  }

  /** The copies in writes of at most {@link #RECORDS_PER_WRITE} records, each at least one copy. */
  static List<List<RetentionCopy>> writes(List<RetentionCopy> copies) {
    List<List<RetentionCopy>> writes = new ArrayList<>();
    List<RetentionCopy> write = new ArrayList<>();
    int records = 0;
    for (RetentionCopy copy : copies) {
      if (!write.isEmpty() && records + copy.records() > RECORDS_PER_WRITE) {
        writes.add(write);
        write = new ArrayList<>();
        records = 0;
      }
      write.add(copy);
      records += copy.records();
    }
    if (!write.isEmpty()) {
      writes.add(write);
    }
    return writes;
  }

  /**
   * One pass: purges everything due now, several copies per transaction, recipient by recipient.
   * Blocking: call it on a worker thread.
   */
  public Pass purgeDue() {
    Pass all = Pass.NONE;
    for (Minimizer recipient : recipients) {
      try {
        all = all.plus(purgeDue(recipient));
      } catch (StoreUnavailableException e) {
        throw e;
      } catch (RuntimeException e) {
        // One recipient's failure (a write rolled back, a deadline) does not hold the others up;
        // what it left is due again at the next pass. The class only: no value of a record.
        LOG.warn(
            "the retention purge of recipient {} failed ({}); the other recipients go on",
            recipient.recipient(),
            e.getClass().getName());
      }
    }
    return all;
  }

  /** One recipient's due copies, then its due sellers. */
  private Pass purgeDue(Minimizer recipient) {
    String id = recipient.recipient();
    MinimizationPolicy policy = recipient.policy();
    Instant cutoff = clock.instant().minus(policy.retention().orElseThrow().period());
    boolean push = pushed.contains(id);
    int copies = 0;
    int records = 0;
    int sellers = 0;
    int undelivered = 0;
    while (true) {
      List<RetentionCopy> due = store.dueCopies(id, cutoff, assessed, push, COPIES_PER_READ);
      List<RetentionPurge> purged = new ArrayList<>();
      for (List<RetentionCopy> write : writes(due)) {
        Instant now = clock.instant();
        purged.addAll(store.purge(write, now, (c, dead) -> LogEntries.purge(now, c, dead, policy)));
      }
      for (RetentionPurge purge : purged) {
        copies++;
        records += purge.count();
        undelivered += purge.undelivered();
        listener.purged(id, "records", purge.count(), purge.undelivered());
      }
      if (due.size() < COPIES_PER_READ || purged.isEmpty()) {
        break;
      }
    }
    while (true) {
      Instant now = clock.instant();
      Optional<RetentionPurge> purge =
          store.purgeSellers(
              id,
              cutoff,
              push,
              SELLERS_PER_PURGE,
              now,
              (r, count, dead) -> LogEntries.purgeSellers(now, r, cutoff, count, dead, policy));
      if (purge.isEmpty()) {
        break;
      }
      sellers += purge.get().count();
      undelivered += purge.get().undelivered();
      listener.purged(id, "sellers", purge.get().count(), purge.get().undelivered());
      if (purge.get().count() < SELLERS_PER_PURGE) {
        break;
      }
    }
    return new Pass(copies, records, sellers, undelivered);
  }
}
