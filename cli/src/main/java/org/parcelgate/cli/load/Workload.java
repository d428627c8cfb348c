package org.parcelgate.cli.load;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.SplittableRandom;
import org.parcelgate.client.Batches;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.LabelledParcel;
import org.parcelgate.schema.sample.RiskMix;
import org.parcelgate.schema.sample.RiskTraffic;
import org.parcelgate.schema.sample.SampleTransactions;

/**
 * The records of a load run: batch {@code k} holds the sample orders (the generator of {@code
 * parcelgate sample}) numbered {@code first + k * batchSize} onwards, so every record and every
 * body of a run is distinct and no batch is a repeat. The seed chooses the first order number and
 * each batch's order time (up to two hours before the run started, so validation accepts them); the
 * same seed and start give the same bodies. Sellers, buyers, items and the six destinations (NL and
 * DE routed to customs) vary from record to record as the sample generator makes them.
 *
 * <p>With {@link Traffic#RISK}, batch {@code k} is instead the risk evaluation's traffic ({@link
 * RiskTraffic}, the default mix with every fraud pattern at its default rate): the sellers and
 * goods of the run's seed, and buyers and orders of batch {@code k}'s own, with ids that start with
 * the seed and {@code k}, so the bodies and transaction ids of a run are distinct too. Its orders
 * are placed over 30 days ending 90 days before the run started and paid by then (late payments
 * weeks after their orders), so validation accepts them and every detector has something to judge.
 * Thread-safe: preparers build batches of different {@code k} at once.
 */
public final class Workload {
  /** Which records the batches hold. */
  public enum Traffic {
    /** The sample orders of {@code parcelgate sample}. */
    SAMPLE,
    /** The risk evaluation's traffic, with fraud patterns injected. */
    RISK
  }

  /** How long the risk traffic's orders of one batch are spread over. */
  static final Duration RISK_PERIOD = Duration.ofDays(30);

  /** Order numbers a run may use from its first; beyond, the tracking number's serial ends. */
  static final int ORDER_NUMBERS = 50_000_000;

  private final long seed;
  private final int batchSize;
  private final int first;
  private final Instant startedAt;
  private final Traffic traffic;
  private final RiskTraffic risk;

  /**
   * The sample traffic.
   *
   * @param seed chooses the order numbers and order times
   * @param batchSize records in one batch, at least 1
   * @param startedAt when the run starts: orders are dated one to two hours before it
   */
  public Workload(long seed, int batchSize, Instant startedAt) {
    this(seed, batchSize, startedAt, Traffic.SAMPLE);
  }

  /**
   * @param seed chooses the order numbers and order times, or the risk traffic
   * @param batchSize records in one batch, at least 1
   * @param startedAt when the run starts
   */
  public Workload(long seed, int batchSize, Instant startedAt, Traffic traffic) {
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
    this.traffic = traffic;
    this.risk =
        traffic == Traffic.RISK
            ? RiskTraffic.of(RiskMix.defaults().withSeed(seed).withIdPrefix(riskPrefix(seed)))
            : null;
  }

  public Traffic traffic() {
    return traffic;
  }

  public int batchSize() {
    return batchSize;
  }

  /** How many batches the run can make before its order numbers run out. */
  public long capacity() {
    return traffic == Traffic.RISK ? Long.MAX_VALUE : ORDER_NUMBERS / batchSize;
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
    return Batches.write(records(k));
  }

  /**
   * Batch {@code k} as {@code marketplaceId} sends it. The risk traffic is one world of sellers; in
   * it, each marketplace has IOSS numbers of its own (its deemed-supplier number and its sellers'
   * numbers, moved by a serial offset drawn from the marketplace id, keeping the Member State
   * digits), as marketplaces do. Without it, two marketplaces of one run would share every IOSS
   * number, and the IOSS checks would rightly flag nearly every record.
   */
  public byte[] batch(long k, String marketplaceId) {
    List<Transaction> records = records(k);
    if (traffic == Traffic.RISK) {
      int offset = Math.floorMod(marketplaceId.hashCode(), 1_000_000);
      for (Transaction transaction : records) {
        transaction.setIossNumber(ownIoss(transaction.getIossNumber(), offset));
        transaction
            .getSeller()
            .setIossNumber(ownIoss(transaction.getSeller().getIossNumber(), offset));
      }
    }
    return Batches.write(records);
  }

  /** IM, the Member State digits, the serial moved by {@code offset}, the check digit. */
  private static String ownIoss(CharSequence ioss, int offset) {
    if (ioss == null || ioss.length() != 12 || offset == 0) {
      return ioss == null ? null : ioss.toString();
    }
    String number = ioss.toString();
    int serial = Integer.parseInt(number.substring(5, 11));
    return number.substring(0, 5)
        + String.format("%06d", (serial + offset) % 1_000_000)
        + number.substring(11);
  }

  /** The records of batch {@code k}. */
  List<Transaction> records(long k) {
    if (traffic == Traffic.RISK) {
      Instant start = startedAt.minus(RiskMix.SETTLEMENT).minus(RISK_PERIOD);
      return risk
          .generate(
              risk.mix().seed() ^ (k * 0x9E3779B97F4A7C15L),
              batchSize,
              start,
              RISK_PERIOD,
              riskPrefix(risk.mix().seed()) + "-" + k)
          .stream()
          .limit(batchSize)
          .map(LabelledParcel::transaction)
          .toList();
    }
    Instant ordered =
        startedAt.minusSeconds(
            3600 + new SplittableRandom(seed ^ (k * 0x9E3779B97F4A7C15L)).nextInt(3600));
    return SampleTransactions.batch(firstOrder(k), batchSize, ordered);
  }

  /** The start of the risk traffic's ids for a seed: R and the seed in hexadecimal. */
  private static String riskPrefix(long seed) {
    return "R" + Long.toHexString(seed);
  }
}
