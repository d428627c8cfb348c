package org.parcelgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompactJwsTest {
  @Test
  void acceptsWhatAnUnpaddedBase64UrlEncoderWritesForEveryLength() {
    Random random = new Random(7);
    for (int length = 0; length <= 66; length++) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

      assertThat(CompactJws.isCanonicalBase64Url(encoded)).as(encoded).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "QQ==", // padding
        "QUI=", // padding
        "QQ=", "a+b/", // the standard alphabet
        "ab c", // whitespace
        "abc\n", "QR", // 'R' sets a bit after the one encoded byte ("QQ" is canonical)
        "QUJ", // 'J' sets a bit after the two encoded bytes ("QUI" is canonical)
        "QUJDR", // a length of 1 modulo 4 encodes nothing
        "é"
      })
  void rejectsEveryOtherSpelling(String text) {
    assertThat(CompactJws.isCanonicalBase64Url(text)).isFalse();
  }

  @Test
  void splitsThreeCanonicalSegmentsOnly() {
    assertThat(CompactJws.segments("eyJh.eyJi.c2ln"))
        .hasValueSatisfying(parts -> assertThat(parts).containsExactly("eyJh", "eyJi", "c2ln"));
    assertThat(CompactJws.segments("eyJh..c2ln")).isPresent(); // detached payload
    assertThat(CompactJws.segments("eyJh.eyJi")).isEmpty();
    assertThat(CompactJws.segments("eyJh.eyJi.c2ln.ZW5j.dGFn")).isEmpty(); // a JWE's five
    assertThat(CompactJws.segments("eyJh.eyJi.c2ln ")).isEmpty();
    assertThat(CompactJws.segments("eyJh.eyJi=.c2ln")).isEmpty();
    assertThat(CompactJws.segments(null)).isEmpty();
  }
}
