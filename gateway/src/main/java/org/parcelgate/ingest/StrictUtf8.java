package org.parcelgate.ingest;

/**
 * Checks that bytes are well-formed UTF-8 (RFC 3629, the Unicode standard's table 3-7): no stray
 * continuation bytes, no overlong forms ({@code C0}, {@code C1}, {@code E0 80..9F}, {@code F0
 * 80..8F}), no encoded surrogates ({@code ED A0..BF}), nothing above U+10FFFF ({@code F4 90..},
 * {@code F5..FF}), no sequence cut short. The JDK's {@code new String(bytes, UTF_8)} would replace
 * each of these with U+FFFD instead; a record the marketplace did not write must never reach the
 * store.
 *
 * <p>Byte-level and allocation-free, with a fast path for ASCII: it runs on every string of every
 * record. It accepts exactly what the JDK's UTF-8 decoder with {@code CodingErrorAction.REPORT}
 * accepts ({@code StrictUtf8Test} compares them over every sequence of up to three bytes).
 */
final class StrictUtf8 {
  private StrictUtf8() {}

  static boolean isValid(byte[] bytes, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end) {
      int lead = bytes[i];
      if (lead >= 0) {
        i++;
        continue;
      }
      lead &= 0xff;
      if (lead < 0xc2) {
        return false; // a continuation byte without a lead, or an overlong two-byte form
      }
      if (lead < 0xe0) {
        if (i + 1 >= end || !continuation(bytes[i + 1])) {
          return false;
        }
        i += 2;
      } else if (lead < 0xf0) {
        if (i + 2 >= end) {
          return false;
        }
        int second = bytes[i + 1] & 0xff;
        int low = lead == 0xe0 ? 0xa0 : 0x80; // E0 80..9F: overlong
        int high = lead == 0xed ? 0x9f : 0xbf; // ED A0..BF: a surrogate
        if (second < low || second > high || !continuation(bytes[i + 2])) {
          return false;
        }
        i += 3;
      } else if (lead < 0xf5) {
        if (i + 3 >= end) {
          return false;
        }
        int second = bytes[i + 1] & 0xff;
        int low = lead == 0xf0 ? 0x90 : 0x80; // F0 80..8F: overlong
        int high = lead == 0xf4 ? 0x8f : 0xbf; // F4 90..BF: above U+10FFFF
        if (second < low
            || second > high
            || !continuation(bytes[i + 2])
            || !continuation(bytes[i + 3])) {
          return false;
        }
        i += 4;
      } else {
        return false; // F5..FF never occur in UTF-8
      }
    }
    return true;
  }

  private static boolean continuation(byte b) {
    return (b & 0xc0) == 0x80;
  }
}
