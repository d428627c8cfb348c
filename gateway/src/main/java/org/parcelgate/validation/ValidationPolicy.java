package org.parcelgate.validation;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The tunable parts of validation.
 *
 * @param clockSkew tolerance for clocks that disagree: an order or payment time up to this far in
 *     the future is accepted, and so is a payment up to this long before its order
 * @param maxOrderAge orders placed longer ago than this are refused as implausible
 * @param genericDescriptions goods descriptions that say nothing about the goods; a description is
 *     refused when it equals one of them after both are normalized (white space collapsed,
 *     punctuation at either end removed, lower-cased)
 */
public record ValidationPolicy(
    Duration clockSkew, Duration maxOrderAge, Set<String> genericDescriptions) {
  /**
   * The default generic descriptions: the ones advance-cargo systems refuse (domain primer: gift,
   * goods, parts, accessories, samples), the unacceptable examples of the ICS2 and WCO guidance on
   * goods descriptions (apparel, electronics, equipment, household goods, machinery, spare parts,
   * textiles, toys, said to contain, ...), and obvious variants. A description is compared as a
   * whole: "toys" is refused, "wooden toy train" is not.
   */
  public static final Set<String> GENERIC_DESCRIPTIONS =
      Set.of(
          "gift",
          "gifts",
          "gift items",
          "present",
          "presents",
          "goods",
          "good",
          "various goods",
          "consumer goods",
          "household goods",
          "parts",
          "part",
          "spare parts",
          "accessories",
          "accessory",
          "sample",
          "samples",
          "free sample",
          "item",
          "items",
          "product",
          "products",
          "merchandise",
          "general merchandise",
          "general cargo",
          "cargo",
          "consolidated",
          "freight all kinds",
          "fak",
          "said to contain",
          "stc",
          "stuff",
          "various",
          "misc",
          "miscellaneous",
          "other",
          "others",
          "see invoice",
          "as per invoice",
          "commodity",
          "commodities",
          "daily necessities",
          "personal effects",
          "apparel",
          "clothes",
          "clothing",
          "garments",
          "textiles",
          "electronics",
          "electronic goods",
          "equipment",
          "appliances",
          "machinery",
          "tools",
          "toys",
          "novelties",
          "food",
          "foodstuff",
          "chemicals",
          "unknown",
          "none",
          "test");

  public ValidationPolicy {
    Objects.requireNonNull(clockSkew, "clockSkew");
    Objects.requireNonNull(maxOrderAge, "maxOrderAge");
    genericDescriptions = Set.copyOf(genericDescriptions);
    if (clockSkew.isNegative() || maxOrderAge.isNegative() || maxOrderAge.isZero()) {
      throw new IllegalArgumentException("clockSkew must be >= 0 and maxOrderAge > 0");
    }
  }

  /** Clock skew 5 minutes, maximum order age 400 days, {@link #GENERIC_DESCRIPTIONS}. */
  public static ValidationPolicy defaults() {
    return new ValidationPolicy(Duration.ofMinutes(5), Duration.ofDays(400), GENERIC_DESCRIPTIONS);
  }
}
