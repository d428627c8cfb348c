package org.parcelgate.cli.load;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.parcelgate.client.Batches;
import org.parcelgate.schema.sample.SampleTransactions;

/**
 * The records of a load run: batch {@code k} holds the sample orders (the generator of {@code
 * parcelgate sample}) numbered {@code first + k * batchSize} onwards, so every record and every
 * body of a run is distinct and no batch is a repeat. The seed chooses the first order number and
 * each batch's order time (up to two hours before the run started, so validation accepts them); the
 * same seed and start give the same bodies. Sellers, buyers, items and the six destinations (NL and
 * DE routed to customs) vary from record to record as the sample generator makes them. Thread-safe:
 * preparers build batches of different {@code k} at once.
 */
public final class Workload {
  /** Order numbers a run may use from its first; beyond, the tracking number's serial ends. */
  static final int ORDER_NUMBERS = 50_000_000;

  private final long seed;
  private final int batchSize;
  private final int first;
  private final Instant startedAt;

  /**
   * @param seed chooses the order numbers and order times
   * @param batchSize records in one batch, at least 1
   * @param startedAt when the run starts: orders are dated one to two hours before it
   */
  public Workload(long seed, int batchSize, Instant startedAt) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("a batch holds at least one record");
    }
    this.seed = seed;
    this.batchSize = batchSize;
    this.first =
        1
            + (int)
                Math.floorMod(
                    new SplittableRandom(seed).nextLong(),
                    (long) SampleTransactions.MAX_ORDER_NUMBER - ORDER_NUMBERS);
    this.startedAt = startedAt.truncatedTo(ChronoUnit.SECONDS);
  }

  public int batchSize() {
    return batchSize;
  }

  /** How many batches the run can make before its order numbers run out. */
  public long capacity() {
    return ORDER_NUMBERS / batchSize;
  }

  /** The first order number of batch {@code k}. */
  int firstOrder(long k) {
    if (k < 0 || k >= capacity()) {
      throw new IllegalStateException(
          "the run has used all of its " + ORDER_NUMBERS + " order numbers");
    }
    return first + (int) (k * batchSize);
  }

  /** Batch {@code k} as the Avro container a marketplace sends. */
  public byte[] batch(long k) {
    Instant ordered =
        startedAt.minusSeconds(
            3600 + new SplittableRandom(seed ^ (k * 0x9E3779B97F4A7C15L)).nextInt(3600));
    return Batches.write(SampleTransactions.batch(firstOrder(k), batchSize, ordered));
  }
}
