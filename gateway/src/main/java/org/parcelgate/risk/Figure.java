package org.parcelgate.risk;

import java.util.Objects;

/**
 * One figure behind a finding, as an officer reads it: a stable name ({@code unitValueEur}) and the
 * value as text, already formatted (amounts with their currency's decimals, shares in percent).
 */
public record Figure(String name, String value) {
  public Figure {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
