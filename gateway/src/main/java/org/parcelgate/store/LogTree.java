package org.parcelgate.store;

import java.util.ArrayList;
import java.util.List;
import org.parcelgate.protocol.MerkleTree;

/**
 * The RFC 9162 Merkle tree of the minimization log computed from its stored perfect subtrees rather
 * than from all its leaves. Node {@code (level, index)} is the head of the perfect subtree over
 * leaves {@code [index * 2^level, (index + 1) * 2^level)}; level 0 is a leaf hash.
 *
 * <p>Every range the RFC's recursion visits starts at a multiple of its own size rounded up to a
 * power of two, so a range of size n is the right fold of at most {@code bitCount(n)} perfect
 * subtrees, each one stored node. A tree head needs {@code bitCount(size)} nodes; an audit path or
 * a consistency proof needs at most one range that is not a perfect subtree (on the tree's right
 * edge) besides one perfect sibling per level, so every answer reads O(log n) nodes at any size.
 * The results are those of {@link MerkleTree}'s reference functions over the full leaf list (the
 * tests compare them at many sizes), so the proofs' wire format does not change.
 *
 * <p>Plain Java: the nodes come from a {@link Nodes} the caller backs by the database.
 */
public final class LogTree {
  private LogTree() {}

  /** Where the nodes come from. */
  @FunctionalInterface
  interface Nodes<E extends Exception> {
    /** The hash of node {@code (level, index)}; level 0 is the leaf hash of entry {@code index}. */
    byte[] hash(int level, long index) throws E;
  }

  /** The tree head of the first {@code size} leaves; of none, {@code SHA-256()} of nothing. */
  static <E extends Exception> byte[] root(Nodes<E> nodes, long size) throws E {
    if (size == 0) {
      return MerkleTree.root(List.of());
    }
    return range(nodes, 0, size);
  }

  /** RFC 9162 PATH(index, D[size]): the audit path of leaf {@code index}. */
  static <E extends Exception> List<byte[]> inclusionProof(Nodes<E> nodes, long index, long size)
      throws E {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf index outside the tree");
    }
    List<byte[]> path = new ArrayList<>();
    path(nodes, index, 0, size, path);
    return path;
  }

  /** RFC 9162 PROOF(first, D[second]): the tree of {@code first} leaves is a prefix of this one. */
  static <E extends Exception> List<byte[]> consistencyProof(
      Nodes<E> nodes, long first, long second) throws E {
    if (first < 0 || first > second) {
      throw new IllegalArgumentException("first tree size outside the tree");
    }
    List<byte[]> proof = new ArrayList<>();
    if (first > 0 && first < second) {
      subproof(nodes, first, 0, second, true, proof);
    }
    return proof;
  }

  /**
   * The heads of the perfect subtrees a tree of {@code size} leaves splits into, largest (leftmost)
   * first: the binary digits of {@code size}. They are all an append needs of the existing tree.
   */
  static <E extends Exception> List<LogNode> peaks(Nodes<E> nodes, long size) throws E {
    List<LogNode> peaks = new ArrayList<>(Long.bitCount(size));
    long start = 0;
    for (int level = 63 - Long.numberOfLeadingZeros(size); level >= 0; level--) {
      if ((size & (1L << level)) != 0) {
        long index = start >> level;
        peaks.add(new LogNode(level, index, nodes.hash(level, index)));
        start += 1L << level;
      }
    }
    return peaks;
  }

  /**
   * A tree growing one leaf at a time from known peaks, telling each node above the leaves that an
   * append completes. An append of k leaves to a tree of n completes at most k nodes (one per leaf,
   * amortized), each computed from two known ones.
   */
  public static final class Growth {
    private final List<LogNode> peaks;
    private long size;

    /** A tree of {@code size} leaves with these {@link #peaks}. */
    Growth(long size, List<LogNode> peaks) {
      this.size = size;
      this.peaks = new ArrayList<>(peaks);
    }

    /** An empty tree. */
    public Growth() {
      this(0, List.of());
    }

    public long size() {
      return size;
    }

    /** Appends a leaf; returns the nodes (level 1 and up) it completed, lowest first. */
    public List<LogNode> append(byte[] leafHash) {
      List<LogNode> completed = new ArrayList<>(2);
      LogNode node = new LogNode(0, size, leafHash);
      while (!peaks.isEmpty() && peaks.get(peaks.size() - 1).level() == node.level()) {
        LogNode left = peaks.remove(peaks.size() - 1);
        node =
            new LogNode(
                node.level() + 1, left.index() >> 1, MerkleTree.nodeHash(left.hash(), node.hash()));
        completed.add(node);
      }
      peaks.add(node);
      size++;
      return completed;
    }

    /** The head of the tree so far. */
    public byte[] root() {
      if (peaks.isEmpty()) {
        return MerkleTree.root(List.of());
      }
      byte[] root = peaks.get(peaks.size() - 1).hash();
      for (int i = peaks.size() - 2; i >= 0; i--) {
        root = MerkleTree.nodeHash(peaks.get(i).hash(), root);
      }
      return root;
    }
  }

  /** MTH(D[from:to]) from at most {@code bitCount(to - from)} stored nodes. */
  private static <E extends Exception> byte[] range(Nodes<E> nodes, long from, long to) throws E {
    long n = to - from;
    if (Long.bitCount(n) == 1) {
      int level = Long.numberOfTrailingZeros(n);
      if ((from & (n - 1)) != 0) {
        throw new IllegalStateException("range [" + from + ", " + to + ") is not a subtree");
      }
      return nodes.hash(level, from >> level);
    }
    long k = split(n);
    return MerkleTree.nodeHash(range(nodes, from, from + k), range(nodes, from + k, to));
  }

  /** RFC 9162 PATH(m, D[from:to]). */
  private static <E extends Exception> void path(
      Nodes<E> nodes, long m, long from, long to, List<byte[]> out) throws E {
    if (to - from == 1) {
      return;
    }
    long k = split(to - from);
    if (m < k) {
      path(nodes, m, from, from + k, out);
      out.add(range(nodes, from + k, to));
    } else {
      path(nodes, m - k, from + k, to, out);
      out.add(range(nodes, from, from + k));
    }
  }

  /** RFC 9162 SUBPROOF(m, D[from:to], complete). */
  private static <E extends Exception> void subproof(
      Nodes<E> nodes, long m, long from, long to, boolean complete, List<byte[]> out) throws E {
    long n = to - from;
    if (m == n) {
      if (!complete) {
        out.add(range(nodes, from, to));
      }
      return;
    }
    long k = split(n);
    if (m <= k) {
      subproof(nodes, m, from, from + k, complete, out);
      out.add(range(nodes, from + k, to));
    } else {
      subproof(nodes, m - k, from + k, to, false, out);
      out.add(range(nodes, from, from + k));
    }
  }

  /** The largest power of two smaller than {@code n} (n at least 2). */
  private static long split(long n) {
    return Long.highestOneBit(n - 1);
  }
}
