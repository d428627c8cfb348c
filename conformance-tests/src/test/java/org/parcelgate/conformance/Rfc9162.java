package org.parcelgate.conformance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * The Merkle tree head of RFC 9162 section 2.1.1, written here from the RFC on purpose: the suite
 * checks the gateway's log with its own reading of the standard, not with the gateway's code.
 */
final class Rfc9162 {
  private Rfc9162() {}

  /** MTH over the UTF-8 bytes of each line, base64url without padding. */
  static String rootHash(List<String> lines) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mth(lines, 0, lines.size()));
  }

  /** The verification of an inclusion proof, RFC 9162 section 2.1.3.2, step by step. */
  static boolean verifyInclusion(
      String entry, long index, long size, List<byte[]> path, byte[] root) {
    if (index >= size) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    MessageDigest leaf = sha256();
    leaf.update((byte) 0x00);
    byte[] r = leaf.digest(entry.getBytes(StandardCharsets.UTF_8));
    for (byte[] p : path) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = node(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * The verification of a consistency proof between two tree sizes, RFC 9162 section 2.1.4.2, step
   * by step.
   */
  static boolean verifyConsistency(
      long first, long second, List<byte[]> proof, byte[] firstRoot, byte[] secondRoot) {
    if (first < 1 || first > second) {
      return false;
    }
    if (first == second) {
      return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
    }
    if (proof.isEmpty()) {
      return false;
    }
    List<byte[]> path = new java.util.ArrayList<>(proof);
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
        fr = node(c, fr);
        sr = node(c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        sr = node(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot);
  }

  private static byte[] node(byte[] left, byte[] right) {
    MessageDigest node = sha256();
    node.update((byte) 0x01);
    node.update(left);
    return node.digest(right);
  }

  private static byte[] mth(List<String> lines, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return sha256().digest();
    }
    if (n == 1) {
      MessageDigest leaf = sha256();
      leaf.update((byte) 0x00);
      return leaf.digest(lines.get(from).getBytes(StandardCharsets.UTF_8));
    }
    int k = 1;
    while (k * 2 < n) {
      k *= 2;
    }
    MessageDigest node = sha256();
    node.update((byte) 0x01);
    node.update(mth(lines, from, from + k));
    return node.digest(mth(lines, from + k, to));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
