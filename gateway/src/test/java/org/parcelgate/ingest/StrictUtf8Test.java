package org.parcelgate.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictUtf8Test {
  private final CharsetDecoder jdk =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  private boolean jdkAccepts(byte[] bytes) {
    try {
      jdk.reset().decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean valid(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    return StrictUtf8.isValid(bytes, 0, bytes.length);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", // nothing
        "41", // A
        "c3a9", // é
        "e282ac", // €
        "ed9fbf", // U+D7FF, the last before the surrogates
        "ee8080", // U+E000, the first after them
        "efbfbd", // U+FFFD itself, when the marketplace really sent it
        "f09d849e", // 𝄞, four bytes
        "f48fbfbf" // U+10FFFF, the last code point
      })
  void acceptsWellFormedSequences(String hex) {
    assertThat(valid(hex)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "c0af", // overlong '/'
        "c1bf", // overlong
        "e080af", // overlong, three bytes
        "f08080af", // overlong, four bytes
        "eda080", // a lone high surrogate (U+D800) encoded in UTF-8
        "edbfbf", // a lone low surrogate (U+DFFF)
        "eda0bdedb8800a", // a surrogate pair encoded as two sequences (CESU-8)
        "e282", // a sequence cut short
        "41e2", // cut short at the end
        "f09d84", // four bytes cut short
        "ff", // never in UTF-8
        "fe",
        "f5808080", // above U+10FFFF
        "f4908080", // U+110000
        "80", // a continuation byte alone
        "41bf42",
        "c341" // a lead byte followed by ASCII
      })
  void refusesMalformedSequences(String hex) {
    assertThat(valid(hex)).isFalse();
  }

  @Test
  void agreesWithTheJdkStrictDecoderOnEverySequenceOfOneTwoAndThreeBytes() {
    byte[] one = new byte[1];
    byte[] two = new byte[2];
    byte[] three = new byte[3];
    for (int a = 0; a < 256; a++) {
      one[0] = (byte) a;
      assertThat(StrictUtf8.isValid(one, 0, 1)).as("%02x", a).isEqualTo(jdkAccepts(one));
      for (int b = 0; b < 256; b++) {
        two[0] = (byte) a;
        two[1] = (byte) b;
        assertThat(StrictUtf8.isValid(two, 0, 2)).as("%02x%02x", a, b).isEqualTo(jdkAccepts(two));
        if (a < 0xe0) {
          continue; // shorter leads: covered by the one- and two-byte sequences before and after
        }
        for (int c = 0; c < 256; c++) {
          three[0] = (byte) a;
          three[1] = (byte) b;
          three[2] = (byte) c;
          boolean ours = StrictUtf8.isValid(three, 0, 3);
          if (ours != jdkAccepts(three)) {
            throw new AssertionError(String.format("%02x%02x%02x", a, b, c));
          }
        }
      }
    }
  }

  @Test
  void agreesWithTheJdkStrictDecoderOnFourByteSequences() {
    int[] tails = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0xbf, 0xc0, 0xff};
    byte[] four = new byte[4];
    for (int a = 0xf0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        for (int c : tails) {
          for (int d : tails) {
            four[0] = (byte) a;
            four[1] = (byte) b;
            four[2] = (byte) c;
            four[3] = (byte) d;
            boolean ours = StrictUtf8.isValid(four, 0, 4);
            if (ours != jdkAccepts(four)) {
              throw new AssertionError(String.format("%02x%02x%02x%02x", a, b, c, d));
            }
          }
        }
      }
    }
  }

  /**
   * What {@link StrictUtf8Decoder#readString()} relies on: the JDK's lenient decoding puts U+FFFD
   * in place of every malformed sequence, so a result without one came from well-formed bytes.
   */
  @Test
  void theJdkLenientDecodingMarksEveryMalformedSequenceOfUpToThreeBytes() {
    byte[][] buffers = {new byte[1], new byte[2], new byte[3]};
    for (int n = 0; n < 1 << 24; n++) {
      byte[] bytes = buffers[n < 1 << 8 ? 0 : n < 1 << 16 ? 1 : 2];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) (n >>> (8 * i));
      }
      if (!StrictUtf8.isValid(bytes, 0, bytes.length)
          && new String(bytes, StandardCharsets.UTF_8).indexOf('\uFFFD') < 0) {
        throw new AssertionError(HexFormat.of().formatHex(bytes));
      }
    }
  }

  @Test
  void checksOnlyTheGivenRange() {
    byte[] bytes = HexFormat.of().parseHex("ff41c3a9ff");
    assertThat(StrictUtf8.isValid(bytes, 1, 3)).isTrue();
    assertThat(StrictUtf8.isValid(bytes, 1, 2)).isFalse(); // é cut short by the range
  }
}
