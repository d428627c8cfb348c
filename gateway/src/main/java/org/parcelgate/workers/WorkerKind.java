package org.parcelgate.workers;

import java.util.Locale;

/**
 * The kinds of blocking or CPU-heavy work the gateway does, each on a pool of its own, so that one
 * kind cannot hold the threads another needs: a long privacy-log verification never delays a token
 * check, and a burst of large batches never delays feed reads.
 */
public enum WorkerKind {
  /** Request-token verification (signatures, body digests, the replay-id write). */
  AUTH,
  /** Whole batches: decoding, validation, minimization, the receipt and the commit. */
  INGEST,
  /** Customs feed pages: the read and the page's signature. */
  FEEDS,
  /** The minimization log: entries, checkpoints, proofs, the review page's data. */
  PRIVACY,
  /** Push delivery to recipients' endpoints: preparing and settling deliveries. */
  DELIVERY,
  /** Operator work: start-up loading, reloads, metrics scrapes, store maintenance. */
  MAINTENANCE;

  /** The name in configuration ({@code workers.<name>.threads}) and in metric tags. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
