package org.parcelgate.risk;

import java.util.Locale;

/**
 * The vocabulary of risk flags a price record can carry. The wire names are part of the feed
 * contract (docs/protocol.md, docs/risk.md): never renamed, never reused; new flags may be added.
 */
public enum Flag {
  /** A line's unit value falls far below the usual band of its HS subheading (and origin). */
  UNDERVALUED(Category.VALUATION),
  /** The consignment and others of the same buyer and seller together exceed the threshold. */
  SPLIT_CONSIGNMENT(Category.SPLITTING),
  /** The seller's consignments bunch just below the threshold more than ordinary sales do. */
  VALUE_BUNCHED_BELOW_THRESHOLD(Category.SPLITTING),
  /** An IOSS number is declared on a consignment whose intrinsic value exceeds EUR 150. */
  IOSS_ABOVE_THRESHOLD(Category.IOSS),
  /** The IOSS number has the right shape but names no EU Member State of identification. */
  IOSS_INVALID_MEMBER_STATE(Category.IOSS),
  /** The consignment's IOSS number is another seller's own IOSS number. */
  IOSS_OF_ANOTHER_SELLER(Category.IOSS),
  /** The same IOSS number arrives from more than one marketplace. */
  IOSS_SHARED_ACROSS_MARKETPLACES(Category.IOSS),
  /** The payer's country differs from the country of destination. */
  PAYER_COUNTRY_MISMATCH(Category.THREE_WAY_MATCH),
  /** The payment was accepted long after the order. */
  LATE_PAYMENT(Category.THREE_WAY_MATCH),
  /** The tax the marketplace says it collected is below the VAT and duty due. */
  TAX_SHORTFALL(Category.REVENUE);

  /** What a flag is about, for grouping in pages and summaries. */
  public enum Category {
    VALUATION,
    SPLITTING,
    IOSS,
    THREE_WAY_MATCH,
    REVENUE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final java.util.Map<String, Flag> BY_WIRE_NAME = new java.util.HashMap<>();

  static {
    for (Flag flag : values()) {
      BY_WIRE_NAME.put(flag.wireName, flag);
    }
  }

  private final Category category;
  private final String wireName;

  Flag(Category category) {
    this.category = category;
    this.wireName = name().toLowerCase(Locale.ROOT);
  }

  public Category category() {
    return category;
  }

  /** The name on the wire and in configuration: {@code split_consignment}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The flag of a wire name.
   *
   * @throws IllegalArgumentException for a name that is not a flag
   */
  public static Flag fromWireName(String name) {
    Flag flag = BY_WIRE_NAME.get(name);
    if (flag == null) {
      throw new IllegalArgumentException("unknown risk flag");
    }
    return flag;
  }
}
