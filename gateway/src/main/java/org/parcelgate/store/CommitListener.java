package org.parcelgate.store;

/**
 * Hears of each commit of the store's writer, for metrics: how many writes one durable commit (one
 * fsync) made durable together, and how long a group that took positions held their order. A
 * distribution of these sizes shows how much group commit saves.
 */
@FunctionalInterface
public interface CommitListener {
  /** Hears nothing. */
  CommitListener NONE = writes -> {};

  /**
   * A group of {@code writes} writes (at least one) was committed. Writes of the group that failed
   * on their own (a conflict) and were rolled back are counted too: their callers were answered by
   * this commit. Runs on the writer thread before any caller of the group is answered: keep it
   * cheap and never block.
   */
  void committed(int writes);

  /**
   * A group that took feed or log positions held their order for {@code nanos}: from taking the
   * order ({@link Dialect#orderWrites}) to its commit. On PostgreSQL that is how long the cluster's
   * one lock for appends was held; summed over a window and divided by it, how busy that point of
   * serialization is. Same rules as {@link #committed}.
   */
  default void heldOrder(long nanos) {}
}
