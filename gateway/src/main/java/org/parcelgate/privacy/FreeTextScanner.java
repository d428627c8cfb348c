package org.parcelgate.privacy;

import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data that marketplaces' sellers put into free text (goods descriptions): e-mail
 * addresses, phone numbers and identity-document-like numbers, and masks each with a fixed token.
 * The counts per kind go to the minimization log; the matched text goes nowhere.
 *
 * <p>Deliberately broad: a false positive masks part of a description (a long model number, say), a
 * false negative leaks personal data. HS codes of 6, 8 or 10 digits written alone are not masked.
 *
 * <p>Every script counts, not only ASCII: e-mail addresses with internationalized local parts (RFC
 * 6531) and domains (IDN, in Unicode or as {@code xn--} punycode), written with the fullwidth or
 * small at sign ({@code ＠}, {@code ﹫}) or as {@code (at)}, with the dots IDNA treats as label
 * separators ({@code ．}, {@code 。}, {@code ｡}) or as {@code (dot)}; phone numbers in any decimal
 * digits (Arabic-Indic, Devanagari, fullwidth, ...) split by any space, dash or bidirectional mark;
 * identity-document numbers with any upper-case letters and decimal digits. Invisible format
 * characters (zero-width spaces and joiners, soft hyphens, direction marks) count as part of an
 * address, so inserting one does not leave half of it in place.
 *
 * <p>Cost: scanning runs for every description of every record, so one pass over the characters
 * ({@link Candidates}) decides which expressions can match at all, most texts needing none, and the
 * expressions are linear in the text: character classes with possessive quantifiers, a look-behind
 * so that an address is tried once from the start of its run of characters and not again from every
 * character inside it, bounded repetitions of groups (Java's matcher recurses once per repetition
 * of a group, so an unbounded one overflows the stack on a long enough text), and the digit count
 * of a phone number checked after the match instead of by a repeated group.
 */
public final class FreeTextScanner {
  /** What was found. */
  public enum Kind {
    EMAIL("[email]"),
    PHONE("[phone]"),
    ID_NUMBER("[id]");

    private final String mask;

    Kind(String mask) {
      this.mask = mask;
    }

    public String mask() {
      return mask;
    }
  }

  /** The masked text and how many values of each kind were masked. */
  public record Result(String text, Map<Kind, Integer> counts) {
    public int total() {
      return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /** Letters, marks and digits of any script: what a number must not be glued to. */
  private static final String WORD = "\\p{L}\\p{M}\\p{N}_";

  /**
   * The characters of a word in an address: letters, marks and digits of any script, and the
   * invisible format characters (joiners, which some scripts need inside words, zero-width spaces,
   * soft hyphens, direction marks).
   */
  private static final String ADDRESS_WORD = "\\p{L}\\p{M}\\p{N}\\p{Cf}";

  /**
   * A local part's characters (RFC 6531): any letter, mark or digit, the ASCII specials of {@code
   * atext}, and dots.
   */
  private static final String LOCAL = ADDRESS_WORD + "!#$%&'*+/=?^_`{|}~.\\-";

  /** A domain label's characters (IDNA 2008: letters, marks, digits, joiners; and hyphens). */
  private static final String LABEL = ADDRESS_WORD + "\\-";

  /** The full stop and the three dots IDNA maps to it (RFC 3490 section 3.1). */
  private static final String DOTS = ".\\uFF0E\\u3002\\uFF61";

  /** Up to three spaces of any kind (no-break, ideographic, ...), taken whole. */
  private static final String SPACES = "\\h{0,3}+";

  /** {@code @}, fullwidth {@code ＠}, small {@code ﹫}, or {@code (at)} and {@code [at]}. */
  private static final String AT =
      "(?:[@\\uFF20\\uFE6B]|[(\\[]" + SPACES + "[aA][tT]" + SPACES + "[)\\]])";

  /** A dot spelled out: {@code (dot)} or {@code [dot]}, any case, spaces around. */
  private static final String SPELLED_DOT =
      SPACES + "[(\\[]" + SPACES + "[dD][oO][tT]" + SPACES + "[)\\]]" + SPACES;

  /**
   * An e-mail address: a local part (a whole run of its characters, or quoted), an at sign, and a
   * domain whose last label (the top-level domain) follows a dot, starts with a letter and has at
   * least two characters.
   *
   * <p>Linear in the text, also on hostile input. The look-behind at the start makes the local part
   * begin where its run of characters begins (which also masks all of it), so a run is tried once,
   * not again from every character inside it. The labels and dots of a domain are one character
   * class, which Java's matcher repeats and backtracks over in a loop, trying the top-level domain
   * only after a dot. Only spelled-out dots are a repeated group, which the matcher recurses into
   * once per repetition, so they are bounded.
   */
  private static final Pattern EMAIL =
      Pattern.compile(
          "(?:(?<!["
              + LOCAL
              + "])["
              + LOCAL
              + "]++|\"(?:[^\"\\\\\\r\\n]|\\\\[^\\r\\n]){1,64}+\")"
              + SPACES
              + AT
              + SPACES
              + "(?:(?:["
              + LABEL
              + "]["
              + LABEL
              + DOTS
              + "]*+"
              + SPELLED_DOT
              + "){1,16}(?:["
              + LABEL
              + "]["
              + LABEL
              + DOTS
              + "]*["
              + DOTS
              + "])?|["
              + LABEL
              + "]["
              + LABEL
              + DOTS
              + "]*["
              + DOTS
              + "])\\p{L}["
              + LABEL
              + "]++");

  /**
   * What may stand between the digits of a phone number: white space of any kind, dashes ({@code
   * \p{Pd}}, the minus sign, the katakana prolonged sound mark of Japanese numbers), format
   * characters (direction marks around digits in right-to-left text), dots, slashes and
   * parentheses, also fullwidth.
   */
  private static final String PHONE_SEPARATORS =
      "\\s\\h\\v\\p{Cf}\\p{Pd}\\u2212\\u30FC\\u30FB./()\\uFF0E\\uFF0F\\uFF08\\uFF09";

  /**
   * An optional + (also fullwidth), an optional opening parenthesis, then digits of any script
   * possibly split by separators, starting and ending with a digit; at least {@value
   * #PHONE_MIN_DIGITS} digits, counted after the match. One character-class run instead of a
   * repeated group, so a long run of digits and separators neither backtracks nor recurses.
   */
  private static final Pattern PHONE =
      Pattern.compile(
          "(?<!["
              + WORD
              + "+\\uFF0B])[+\\uFF0B]?[(\\uFF08]?\\p{Nd}(?:[\\p{Nd}"
              + PHONE_SEPARATORS
              + "]*\\p{Nd})?(?!["
              + WORD
              + "])");

  private static final int PHONE_MIN_DIGITS = 8;

  /**
   * Passport- and ID-card-like: one or two capitals and 6 to 9 digits, or 1-3 capitals, digits, a
   * letter; capitals of any script (Latin, Cyrillic, Greek, fullwidth, ...) and digits of any.
   */
  private static final Pattern ID_NUMBER =
      Pattern.compile(
          "(?<!["
              + WORD
              + "])(?:\\p{Lu}{1,2}\\p{Nd}{6,9}|\\p{Lu}{1,3}\\p{Nd}{5,8}\\p{Lu})(?!["
              + WORD
              + "])");

  /**
   * HS and CN codes written alone; a 10-digit TARIC code cannot be told from a phone number, so it
   * is masked.
   */
  private static final Pattern HS_CODE_ALONE = Pattern.compile("\\p{Nd}{6}|\\p{Nd}{8}");

  /** The fewest digits an identity-document number has. */
  private static final int ID_MIN_DIGITS = 5;

  public Result scan(String text) {
    Candidates candidates = Candidates.in(text);
    if (!candidates.atSign() && candidates.digits() < ID_MIN_DIGITS) {
      return new Result(text, Map.of());
    }
    Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    String masked = text;
    if (candidates.atSign()) {
      masked = mask(masked, EMAIL, Kind.EMAIL, counts);
    }
    if (candidates.digits() >= ID_MIN_DIGITS) {
      masked = mask(masked, ID_NUMBER, Kind.ID_NUMBER, counts);
    }
    if (candidates.digits() >= PHONE_MIN_DIGITS) {
      masked = mask(masked, PHONE, Kind.PHONE, counts);
    }
    return new Result(masked, Map.copyOf(counts));
  }

  /**
   * What one cheap pass finds: whether the text has an at sign (in any of its forms), and how many
   * decimal digits (of any script, up to the most any decision needs). Most descriptions have no at
   * sign and fewer digits than an identity-document number: they need no regular expression at all;
   * and an expression runs only if the text has what its matches need. Errs towards scanning: a
   * text the pass rules out for a pattern never matches it.
   */
  private record Candidates(boolean atSign, int digits) {
    static Candidates in(String text) {
      boolean atSign = false;
      int digits = 0;
      int length = text.length();
      for (int i = 0; i < length && !(atSign && digits >= PHONE_MIN_DIGITS); i++) {
        char c = text.charAt(i);
        if (c < 0x80) {
          if (c >= '0' && c <= '9') {
            digits++;
          } else if (c == '@' || ((c == '(' || c == '[') && spelledAt(text, i + 1))) {
            atSign = true;
          }
        } else if (c == '\uFF20' || c == '\uFE6B') {
          atSign = true;
        } else if (Character.isHighSurrogate(c)) {
          // Digits outside the first plane (mathematical, Adlam, ...) are decimal digits too.
          if (Character.isDigit(text.codePointAt(i))) {
            digits++;
          }
        } else if (Character.isDigit(c)) {
          digits++;
        }
      }
      return new Candidates(atSign, digits);
    }
  }

  /**
   * Whether {@code at} (any case) follows, after any amount of white space (the pattern allows
   * three): the start of an {@code (at)} or {@code [at]}.
   */
  private static boolean spelledAt(String text, int from) {
    int i = from;
    while (i < text.length() && space(text.charAt(i))) {
      i++;
    }
    return i + 1 < text.length()
        && (text.charAt(i) | 0x20) == 'a'
        && (text.charAt(i + 1) | 0x20) == 't';
  }

  private static boolean space(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u180E';
  }

  private static String mask(String text, Pattern pattern, Kind kind, Map<Kind, Integer> counts) {
    Matcher matcher = pattern.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    int found = 0;
    while (matcher.find()) {
      if (kind == Kind.PHONE && !phone(matcher.group())) {
        continue;
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(kind.mask()));
      found++;
    }
    matcher.appendTail(out);
    if (found > 0) {
      counts.merge(kind, found, Integer::sum);
    }
    return out.toString();
  }

  /** Enough digits for a phone number, and not an HS or CN code written alone. */
  private static boolean phone(String match) {
    return match.codePoints().filter(Character::isDigit).limit(PHONE_MIN_DIGITS).count()
            == PHONE_MIN_DIGITS
        && !HS_CODE_ALONE.matcher(match).matches();
  }
}
