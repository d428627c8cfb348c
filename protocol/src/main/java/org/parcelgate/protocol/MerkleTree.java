package org.parcelgate.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Merkle tree of RFC 9162 (Certificate Transparency v2, section 2.1) over SHA-256: leaf and
 * node hashes with domain separation, tree heads, inclusion and consistency proofs, and their
 * verification. It is the basis of the tamper-evident minimization log: deleting, editing or
 * reordering an entry changes every later tree head, and a consistency proof shows that a newer
 * head only appends to an older one.
 *
 * <p>Pure functions over lists of leaf hashes; proofs are built in O(n) hashing for clarity.
 * Verification follows the RFC's algorithms step by step, so a verifier written elsewhere from the
 * RFC agrees with this one.
 */
public final class MerkleTree {
  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private MerkleTree() {}

  /** {@code SHA-256(0x00 || data)}. */
  public static byte[] leafHash(byte[] data) {
    MessageDigest sha = sha256();
    sha.update(LEAF_PREFIX);
    return sha.digest(data);
  }

  /** {@code SHA-256(0x01 || left || right)}. */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest sha = sha256();
    sha.update(NODE_PREFIX);
    sha.update(left);
    return sha.digest(right);
  }

  /**
   * Tree heads of a growing list of leaves, in O(log n) memory and one pass: the tree of n leaves
   * is the right fold of its perfect subtrees, largest first (the binary digits of n), which is
   * exactly how RFC 9162 splits it. Verifying many checkpoints over one log costs one pass, not one
   * per checkpoint.
   */
  public static final class Accumulator {
    private final List<byte[]> peaks = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private long size;

    /** Appends one leaf hash. */
    public void append(byte[] leafHash) {
      byte[] node = leafHash;
      long height = 1;
      while (!sizes.isEmpty() && sizes.get(sizes.size() - 1) == height) {
        node = nodeHash(peaks.remove(peaks.size() - 1), node);
        sizes.remove(sizes.size() - 1);
        height *= 2;
      }
      peaks.add(node);
      sizes.add(height);
      size++;
    }

    public long size() {
      return size;
    }

    /** The head of the tree of the leaves appended so far. */
    public byte[] root() {
      if (peaks.isEmpty()) {
        return sha256().digest();
      }
      byte[] root = peaks.get(peaks.size() - 1);
      for (int i = peaks.size() - 2; i >= 0; i--) {
        root = nodeHash(peaks.get(i), root);
      }
      return root;
    }
  }

  /** The tree head (MTH) of the given leaf hashes; of no leaves, {@code SHA-256()} of nothing. */
  public static byte[] root(List<byte[]> leaves) {
    return leaves.isEmpty() ? sha256().digest() : subtreeRoot(leaves, 0, leaves.size());
  }

  /** The inclusion proof (audit path) of leaf {@code index} in the tree of all {@code leaves}. */
  public static List<byte[]> inclusionProof(List<byte[]> leaves, int index) {
    if (index < 0 || index >= leaves.size()) {
      throw new IllegalArgumentException("leaf index outside the tree");
    }
    List<byte[]> path = new ArrayList<>();
    path(leaves, index, 0, leaves.size(), path);
    return path;
  }

  /**
   * The proof that the tree of the first {@code first} leaves is a prefix of the tree of all {@code
   * leaves}.
   */
  public static List<byte[]> consistencyProof(List<byte[]> leaves, int first) {
    if (first < 0 || first > leaves.size()) {
      throw new IllegalArgumentException("first tree size outside the tree");
    }
    List<byte[]> proof = new ArrayList<>();
    if (first > 0 && first < leaves.size()) {
      subproof(leaves, first, 0, leaves.size(), true, proof);
    }
    return proof;
  }

  /**
   * RFC 9162 section 2.1.3.2: verifies that {@code leafHash} is leaf {@code index} of the tree with
   * this head.
   */
  public static boolean verifyInclusion(
      byte[] leafHash, long index, long size, List<byte[]> proof, byte[] root) {
    if (index < 0 || index >= size) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * RFC 9162 section 2.1.4.2: verifies that the tree of size {@code first} with head {@code
   * firstRoot} is a prefix of the tree of size {@code second} with head {@code secondRoot}.
   */
  public static boolean verifyConsistency(
      long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> proof) {
    if (first < 0 || second < first) {
      return false;
    }
    if (first == second) {
      return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
    }
    if (first == 0) {
      return proof.isEmpty();
    }
    if (proof.isEmpty()) {
      return false;
    }
    List<byte[]> path = new ArrayList<>(proof);
    if (Long.bitCount(first) == 1) {
      path.add(0, firstRoot);
    }
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
  }

  private static byte[] subtreeRoot(List<byte[]> leaves, int from, int to) {
    if (to - from == 1) {
      return leaves.get(from);
    }
    int k = split(to - from);
    return nodeHash(subtreeRoot(leaves, from, from + k), subtreeRoot(leaves, from + k, to));
  }

  /** RFC 9162 PATH(m, D[n]) over {@code leaves[from, to)}. */
  private static void path(List<byte[]> leaves, int m, int from, int to, List<byte[]> out) {
    if (to - from == 1) {
      return;
    }
    int k = split(to - from);
    if (m < k) {
      path(leaves, m, from, from + k, out);
      out.add(subtreeRoot(leaves, from + k, to));
    } else {
      path(leaves, m - k, from + k, to, out);
      out.add(subtreeRoot(leaves, from, from + k));
    }
  }

  /** RFC 9162 SUBPROOF(m, D[n], b) over {@code leaves[from, to)}. */
  private static void subproof(
      List<byte[]> leaves, int m, int from, int to, boolean complete, List<byte[]> out) {
    int n = to - from;
    if (m == n) {
      if (!complete) {
        out.add(subtreeRoot(leaves, from, to));
      }
      return;
    }
    int k = split(n);
    if (m <= k) {
      subproof(leaves, m, from, from + k, complete, out);
      out.add(subtreeRoot(leaves, from + k, to));
    } else {
      subproof(leaves, m - k, from + k, to, false, out);
      out.add(subtreeRoot(leaves, from, from + k));
    }
  }

  /** The largest power of two smaller than {@code n} (n at least 2). */
  private static int split(int n) {
    return Integer.highestOneBit(n - 1);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
