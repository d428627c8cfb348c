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
