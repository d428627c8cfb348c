package org.parcelgate.store;

/**
 * Where a recipient's live split groups stand in the split log ({@link SplitLog}): per group, the
 * 64-bit hash of its key, the position ({@code seq}) of its latest value and that value's expiry in
 * minutes (rounded up). An open-addressing table of three primitive arrays with linear probing: 20
 * bytes a slot, at most {@link #MAX_LOAD} full, so about 27 to 53 bytes a group, and no object per
 * group for the collector to trace.
 *
 * <p>Only an index: two keys with the same hash share a slot, and a look-up that finds another
 * group's value under its hash treats the key as absent (the log's rows carry their full key). A
 * hash of 0 marks an empty slot, so the hash 0 is stored as 1. Not thread-safe.
 */
final class SplitGroupIndex {
  static final double MAX_LOAD = 0.75;
  private static final int FIRST_CAPACITY = 1 << 10;

  /** For an expiry of null: a value kept. */
  static final int NEVER = Integer.MAX_VALUE;

  private long[] hashes = new long[FIRST_CAPACITY];
  private long[] seqs = new long[FIRST_CAPACITY];
  private int[] expiries = new int[FIRST_CAPACITY];
  private int size;

  /** The highest position of the log this index has taken in. */
  private long lastSeq;

  /** The latest minute {@link #prune} forgot groups up to: groups expiring by then are not put. */
  private int prunedTo = Integer.MIN_VALUE;

  /** The position of the latest value under {@code hash}, or -1. */
  long seq(long hash) {
    long h = stored(hash);
    int mask = hashes.length - 1;
    for (int slot = slot(h, mask); ; slot = (slot + 1) & mask) {
      long held = hashes[slot];
      if (held == h) {
        return seqs[slot];
      }
      if (held == 0) {
        return -1;
      }
    }
  }

  /**
   * Takes in a value written to the log at {@code seq}; a value at a position the index already
   * holds something later for is ignored, and so is one that expired by the minute the index was
   * last pruned to.
   */
  void put(long hash, long seq, int expiryMinute) {
    if (expiryMinute <= prunedTo) {
      lastSeq = Math.max(lastSeq, seq);
      return;
    }
    if (size + 1 > hashes.length * MAX_LOAD) {
      resize(hashes.length * 2);
    }
    long h = stored(hash);
    int mask = hashes.length - 1;
    int slot = slot(h, mask);
    while (hashes[slot] != 0 && hashes[slot] != h) {
      slot = (slot + 1) & mask;
    }
    lastSeq = Math.max(lastSeq, seq);
    if (hashes[slot] == 0) {
      hashes[slot] = h;
      size++;
    } else if (seqs[slot] > seq) {
      return;
    }
    seqs[slot] = seq;
    expiries[slot] = expiryMinute;
  }

  /** Notes that the log holds nothing this index lacks up to {@code seq}. */
  void caughtUp(long seq) {
    lastSeq = Math.max(lastSeq, seq);
  }

  long lastSeq() {
    return lastSeq;
  }

  int size() {
    return size;
  }

  /**
   * Forgets the groups whose latest value expired at or before {@code minute}, and takes in none
   * such from now on; returns how many it forgot. Rebuilds the table, at a size for what is left.
   */
  int prune(int minute) {
    prunedTo = Math.max(prunedTo, minute);
    int kept = 0;
    for (int i = 0; i < hashes.length; i++) {
      if (hashes[i] != 0 && expiries[i] > minute) {
        kept++;
      }
    }
    int forgotten = size - kept;
    if (forgotten > 0) {
      rehash(capacityFor(kept), minute);
    }
    return forgotten;
  }

  private void resize(int capacity) {
    rehash(capacity, Integer.MIN_VALUE);
  }

  /** Moves the entries that expire after {@code minute} into tables of {@code capacity} slots. */
  private void rehash(int capacity, int minute) {
    long[] oldHashes = hashes;
    long[] oldSeqs = seqs;
    int[] oldExpiries = expiries;
    hashes = new long[capacity];
    seqs = new long[capacity];
    expiries = new int[capacity];
    size = 0;
    int mask = capacity - 1;
    for (int i = 0; i < oldHashes.length; i++) {
      long h = oldHashes[i];
      if (h != 0 && oldExpiries[i] > minute) {
        int slot = slot(h, mask);
        while (hashes[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        hashes[slot] = h;
        seqs[slot] = oldSeqs[i];
        expiries[slot] = oldExpiries[i];
        size++;
      }
    }
  }

  private static int capacityFor(int entries) {
    int capacity = FIRST_CAPACITY;
    while (entries > capacity * MAX_LOAD / 2) {
      capacity *= 2;
    }
    return capacity;
  }

  private static long stored(long hash) {
    return hash == 0 ? 1 : hash;
  }

  /** The hash's high bits pick the slot (its low bits are mixed into them first). */
  private static int slot(long h, int mask) {
    long mixed = h * 0x9E37_79B9_7F4A_7C15L;
    return (int) (mixed >>> 32) & mask;
  }

  /** The expiry of a value, in minutes since the epoch rounded up; {@link #NEVER} for none. */
  static int minute(Long expiresAtMicros) {
    if (expiresAtMicros == null) {
      return NEVER;
    }
    long micros = expiresAtMicros;
    long minutes =
        Math.floorDiv(micros, 60_000_000L) + (Math.floorMod(micros, 60_000_000L) == 0 ? 0 : 1);
    return (int) Math.min(NEVER - 1L, Math.max(Integer.MIN_VALUE + 1L, minutes));
  }

  @Override
  public String toString() {
    return "SplitGroupIndex[size=" + size + ", lastSeq=" + lastSeq + "]";
  }
}
