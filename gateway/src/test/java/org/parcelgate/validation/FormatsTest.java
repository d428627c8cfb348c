package org.parcelgate.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written format checks and the normalization of descriptions against the regular
 * expressions they replaced, on generated strings made of the characters where they could differ:
 * ASCII and Unicode spaces and line ends, letters and numbers of every category, non-ASCII digits,
 * surrogate pairs and lone surrogates, punctuation.
 */
class FormatsTest {
  private static final Pattern SPACES = Pattern.compile("[\\s\\p{Z}]+");
  private static final Pattern EDGES = Pattern.compile("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$");

  private static final List<String> PALETTE =
      List.of(
          "a",
          "Z",
          "é",
          "ǅ",
          "ʰ",
          "中",
          "1",
          "9",
          "٣",
          "½",
          "Ⅻ",
          " ",
          "\t",
          "\n",
          "\u000B",
          "\f",
          "\r",
          "\u0085",
          "\u00A0",
          "\u2028",
          "\u2029",
          "\u3000",
          "\u200B",
          "\u001C",
          "-",
          ".",
          "!",
          "\"",
          "~",
          "\u007F",
          "I",
          "M",
          "0",
          "\uD835\uDC00",
          "\uD83D\uDE00",
          "\uD800",
          "\uDC00");

  private final Random random = new Random(13);

  @Test
  void normalizesAsTheRegularExpressionsDid() {
    for (int i = 0; i < 200_000; i++) {
      String text = generated(PALETTE, 14);
      String expected =
          EDGES
              .matcher(SPACES.matcher(text).replaceAll(" "))
              .replaceAll("")
              .toLowerCase(Locale.ROOT);

      assertThat(TransactionValidator.normalize(text)).as(escaped(text)).isEqualTo(expected);
    }
  }

  @Test
  void checksFormatsAsTheRegularExpressionsDid() {
    compare("[\\x21-\\x7e]{1,128}", TransactionValidator::isTransactionId, 130);
    compare("\\d{6}|\\d{8}|\\d{10}", TransactionValidator::isHsCode, 12);
    compare("[A-Z0-9]{2,3}", TransactionValidator::isUnit, 5);
    compare("IM\\d{10}", TransactionValidator::isIoss, 14);
  }

  private void compare(String regex, Predicate<String> check, int maxLength) {
    Pattern pattern = Pattern.compile(regex);
    List<String> palette =
        List.of("0", "5", "9", "٣", "A", "I", "M", "Z", "a", " ", "!", "~", "\u007F", "é");
    int matched = 0;
    for (int i = 0; i < 100_000; i++) {
      // Any of the palette, and strings made mostly or only of what the formats want.
      String text =
          switch (i % 4) {
            case 0 -> generated(palette, maxLength);
            case 1 -> "IM" + generated(List.of("0", "7", "9", "0", "7", "9", "٣"), maxLength - 2);
            case 2 -> generated(List.of("0", "7", "9"), maxLength);
            default -> generated(List.of("0", "1", "A", "Z", "٣"), maxLength);
          };
      boolean expected = pattern.matcher(text).matches();
      matched += expected ? 1 : 0;

      assertThat(check.test(text)).as(regex + " on " + escaped(text)).isEqualTo(expected);
    }
    assertThat(matched).as("strings that match " + regex).isGreaterThan(50);
  }

  private String generated(List<String> palette, int maxLength) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append(palette.get(random.nextInt(palette.size())));
    }
    return text.toString();
  }

  private static String escaped(String text) {
    StringBuilder out = new StringBuilder();
    text.chars().forEach(c -> out.append(String.format("\\u%04X", c)));
    return out.toString();
  }
}
