package org.parcelgate.risk;

import java.util.Objects;

/**
 * One figure behind a finding, as an officer reads it: a stable name ({@code unitValueEur}) and the
 * value as text, already formatted (amounts with their currency's decimals, shares in percent).
 */
public record Figure(String name, String value) {
  /** The longest value kept; a longer one is cut with "...". */
  public static final int MAX_VALUE_LENGTH = 8_000;

  public Figure {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (value.length() > MAX_VALUE_LENGTH) {
      value = value.substring(0, MAX_VALUE_LENGTH - 3) + "...";
    }
  }
}
