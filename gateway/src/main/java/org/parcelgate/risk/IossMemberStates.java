package org.parcelgate.risk;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Member States of identification an IOSS number can name ({@value #FILE}: {@code
 * code,country,name}): the ISO 3166-1 numeric code in an IOSS number's digits 3 to 5 ({@code
 * IM}<b>{@code 528}</b>{@code 0000012}) and the country it stands for.
 *
 * <p>The number's check digit is not verified: its algorithm is not published.
 */
public final class IossMemberStates {
  public static final String FILE = "ioss-member-states.csv";

  private static final Pattern CODE = Pattern.compile("[0-9]{3}");
  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

  private final Map<String, String> countries;

  private IossMemberStates(Map<String, String> countries) {
    this.countries = Map.copyOf(countries);
  }

  /** The table read from {@code reference}. */
  public static IossMemberStates of(ReferenceData reference) {
    ReferenceData.Table table = reference.table(FILE);
    int code = table.column("code");
    int country = table.column("country");
    table.column("name");
    Map<String, String> countries = new HashMap<>();
    for (ReferenceData.Table.Row row : table.rows()) {
      String c = row.values().get(code);
      String alpha2 = row.values().get(country);
      if (!CODE.matcher(c).matches() || !COUNTRY.matcher(alpha2).matches()) {
        throw table.invalid(row, "not a 3-digit ISO 3166-1 numeric code and an alpha-2 country");
      }
      if (countries.put(c, alpha2) != null) {
        throw table.invalid(row, "code " + c + " listed twice");
      }
    }
    return new IossMemberStates(countries);
  }

  /**
   * Whether the number passes the gateway's syntax check (validation {@code invalid_ioss_number}):
   * {@code IM} and 10 ASCII digits, the language of {@code IM[0-9]{10}}. Written out rather than
   * matched with that pattern: the detectors check every record's numbers several times.
   */
  public static boolean wellFormed(String number) {
    if (number == null
        || number.length() != 12
        || number.charAt(0) != 'I'
        || number.charAt(1) != 'M') {
      return false;
    }
    for (int i = 2; i < 12; i++) {
      char c = number.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The code of a well-formed number's Member State of identification: digits 3 to 5. */
  public static String code(String number) {
    return number.substring(2, 5);
  }

  /** The country (ISO alpha-2) of a well-formed number's code, or empty when it names none. */
  public Optional<String> country(String number) {
    return Optional.ofNullable(countries.get(code(number)));
  }
}
