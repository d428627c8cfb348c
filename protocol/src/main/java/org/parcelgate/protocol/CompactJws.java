package org.parcelgate.protocol;

import java.util.Optional;

/**
 * The one accepted spelling of a JWS in compact serialization (RFC 7515 section 7.1): three
 * segments separated by dots, each the base64url encoding of its bytes <em>without</em> padding
 * (RFC 7515 section 2). JOSE libraries decode leniently (padding, characters outside the alphabet,
 * whitespace and non-zero bits after the last byte are ignored), so one signature would be accepted
 * under many spellings; this check runs before any parsing, wherever the protocol reads a JWS: the
 * gateway for request tokens, the client for receipts, checkpoints and feed pages.
 */
public final class CompactJws {
  private CompactJws() {}

  /**
   * Whether {@code text} is the canonical unpadded base64url encoding of some bytes: only the
   * characters {@code A-Z a-z 0-9 - _}, a length that is not 1 modulo 4 (no encoding has one), and
   * the bits after the last encoded byte zero, so that decoding and re-encoding gives the same
   * text. The empty text encodes zero bytes.
   */
  public static boolean isCanonicalBase64Url(CharSequence text) {
    int length = text.length();
    if (length % 4 == 1) {
      return false;
    }
    int last = 0;
    for (int i = 0; i < length; i++) {
      last = sextet(text.charAt(i));
      if (last < 0) {
        return false;
      }
    }
    return switch (length % 4) {
      case 2 -> (last & 0x0f) == 0; // one byte: 8 of the last 2 characters' 12 bits
      case 3 -> (last & 0x03) == 0; // two bytes: 16 of the last 3 characters' 18 bits
      default -> true;
    };
  }

  /**
   * The three segments of {@code compact} (header, payload, signature), each canonical base64url;
   * empty if it has another number of segments (a JWE has five) or any segment is spelled
   * otherwise. A detached JWS (RFC 7515 Appendix F) has an empty payload segment, which passes.
   */
  public static Optional<String[]> segments(String compact) {
    if (compact == null) {
      return Optional.empty();
    }
    int first = compact.indexOf('.');
    int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
    if (second < 0 || compact.indexOf('.', second + 1) >= 0) {
      return Optional.empty();
    }
    String[] segments = {
      compact.substring(0, first),
      compact.substring(first + 1, second),
      compact.substring(second + 1)
    };
    for (String segment : segments) {
      if (!isCanonicalBase64Url(segment)) {
        return Optional.empty();
      }
    }
    return Optional.of(segments);
  }

  /** The value of a base64url character, or -1 for any other character. */
  private static int sextet(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    if (c == '-') {
      return 62;
    }
    if (c == '_') {
      return 63;
    }
    return -1;
  }
}
