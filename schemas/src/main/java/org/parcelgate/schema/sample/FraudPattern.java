package org.parcelgate.schema.sample;

/**
 * The fraud patterns {@link RiskTraffic} injects into otherwise honest traffic, each the ground
 * truth for one of the gateway's risk flags. A parcel carries every pattern injected into it.
 */
public enum FraudPattern {
  /**
   * Every line of the parcel declares a random fraction (10 to 40%) of the goods' true price; the
   * rest of the buyer's payment goes elsewhere. Rate: share of parcels.
   */
  UNDERVALUED,
  /**
   * One order worth more than EUR 150 sent as 2 to 4 parcels of one buyer, one seller and one
   * destination, each below EUR 150, placed within hours. Rate: share of parcels that belong to
   * such a group (every parcel of the group carries the pattern).
   */
  SPLIT,
  /**
   * A seller that prices most of its parcels (60%) just below EUR 150 (EUR 135 to 149.99). Rate:
   * share of sellers that bunch; the pattern is on the parcels they priced below the threshold.
   */
  BUNCHED,
  /** An IOSS number on a consignment whose goods are worth more than EUR 150. Share of parcels. */
  IOSS_ABOVE_THRESHOLD,
  /**
   * An IOSS number of the right shape whose three digits after {@code IM} are no EU Member State's
   * (the United States' 840, China's 156, ...). Share of parcels.
   */
  IOSS_INVALID_MEMBER_STATE,
  /** The consignment declares another seller's own IOSS number. Share of parcels. */
  IOSS_OF_ANOTHER_SELLER,
  /** The payer's country is not the country of destination. Share of parcels. */
  PAYER_COUNTRY_MISMATCH,
  /**
   * The payment (by card or bank transfer, not cash on delivery) is accepted 35 to 75 days after
   * the order. Share of parcels.
   */
  LATE_PAYMENT,
  /**
   * The tax collected is below the VAT due at the destination's rate (none, or half of it), or the
   * EUR 3 flat duty per HS subheading due from 1 July 2026 was not collected; only shortfalls of at
   * least EUR 1.50 are injected. Share of parcels.
   */
  TAX_SHORTFALL
}
