package org.parcelgate.privacy;

import java.util.Arrays;
import java.util.Optional;

/** What a minimization policy does to one field. */
public enum PolicyAction {
  /** The value flows unchanged. */
  KEEP("keep"),
  /** The field is absent from the minimized record. Also what happens to a field no rule names. */
  DROP("drop"),
  /** The value is replaced by a keyed pseudonym of the recipient; see {@link Pseudonymizer}. */
  PSEUDONYMIZE("pseudonymize"),
  /** The value is reduced to a coarser one: a postal code to its prefix, a time to its month. */
  GENERALIZE("generalize"),
  /** Parts of the value are hidden: personal data in free text, or all but the last characters. */
  MASK("mask");

  private final String wireName;

  PolicyAction(String wireName) {
    this.wireName = wireName;
  }

  /** The name in policy files, log entries and API answers. */
  public String wireName() {
    return wireName;
  }

  public static Optional<PolicyAction> fromWireName(String name) {
    return Arrays.stream(values()).filter(action -> action.wireName.equals(name)).findFirst();
  }
}
