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

  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");

  /**
   * An optional +, then at least 8 digits, possibly split by spaces, dots, dashes, slashes or
   * parentheses.
   */
  private static final Pattern PHONE =
      Pattern.compile("(?<![\\w+])\\+?\\(?\\d(?:[\\s./()-]*\\d){7,}(?!\\w)");

  /**
   * Passport- and ID-card-like: one or two capitals and 6 to 9 digits, or 1-3 capitals, digits, a
   * letter.
   */
  private static final Pattern ID_NUMBER =
      Pattern.compile("(?<![\\w])(?:[A-Z]{1,2}\\d{6,9}|[A-Z]{1,3}\\d{5,8}[A-Z])(?!\\w)");

  /**
   * HS and CN codes written alone; a 10-digit TARIC code cannot be told from a phone number, so it
   * is masked.
   */
  private static final Pattern HS_CODE_ALONE = Pattern.compile("\\d{6}|\\d{8}");

  /** The fewest digits any pattern but the e-mail address needs (an ID number's 5). */
  private static final int MIN_DIGITS = 5;

  public Result scan(String text) {
    if (cannotMatch(text)) {
      return new Result(text, Map.of());
    }
    Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    String masked = mask(text, EMAIL, Kind.EMAIL, counts);
    masked = mask(masked, ID_NUMBER, Kind.ID_NUMBER, counts);
    masked = mask(masked, PHONE, Kind.PHONE, counts);
    return new Result(masked, Map.copyOf(counts));
  }

  /**
   * Most descriptions hold no e-mail address (no {@code @}) and fewer digits than the shortest
   * identity-document number: they need no regular expression at all.
   */
  private static boolean cannotMatch(String text) {
    int digits = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '@') {
        return false;
      }
      if (c >= '0' && c <= '9' && ++digits >= MIN_DIGITS) {
        return false;
      }
    }
    return true;
  }

  private static String mask(String text, Pattern pattern, Kind kind, Map<Kind, Integer> counts) {
    Matcher matcher = pattern.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    int found = 0;
    while (matcher.find()) {
      if (kind == Kind.PHONE && HS_CODE_ALONE.matcher(matcher.group()).matches()) {
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
}
