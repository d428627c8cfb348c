package org.parcelgate.validation;

import java.time.Duration;
import java.util.Set;

/**
 * The tunable parts of validation.
 *
 * @param clockSkew tolerance for order and payment times slightly in the future
 * @param maxOrderAge orders placed longer ago than this are refused as implausible
 * @param genericDescriptions descriptions that say nothing about the goods (compared
 *     case-insensitively, with spaces collapsed)
 */
public record ValidationPolicy(
    Duration clockSkew, Duration maxOrderAge, Set<String> genericDescriptions) {
  /**
   * Words advance-cargo systems refuse as goods descriptions, after the WCO and EU ICS2 guidance on
   * unacceptable terms, plus obvious variants.
   */
  public static final Set<String> GENERIC_DESCRIPTIONS =
      Set.of(
          "gift",
          "gifts",
          "present",
          "goods",
          "good",
          "parts",
          "part",
          "spare parts",
          "accessories",
          "accessory",
          "sample",
          "samples",
          "item",
          "items",
          "product",
          "products",
          "merchandise",
          "general merchandise",
          "stuff",
          "various",
          "various goods",
          "misc",
          "miscellaneous",
          "other",
          "others",
          "see invoice",
          "as per invoice",
          "commodity",
          "commodities",
          "daily necessities",
          "consumer goods",
          "personal effects",
          "gift items",
          "free sample",
          "n/a",
          "na",
          "none",
          "unknown",
          "test");

  public ValidationPolicy {
    genericDescriptions = Set.copyOf(genericDescriptions);
    if (clockSkew.isNegative() || maxOrderAge.isNegative() || maxOrderAge.isZero()) {
      throw new IllegalArgumentException("clockSkew must be >= 0 and maxOrderAge > 0");
    }
  }

  public static ValidationPolicy defaults() {
    return new ValidationPolicy(Duration.ofMinutes(5), Duration.ofDays(400), GENERIC_DESCRIPTIONS);
  }
}
