package org.parcelgate.validation;

import java.util.Locale;

/**
 * Why a record was refused. The lower-case {@link #code()} (e.g. {@code invalid_hs_code}) is part
 * of the protocol: integrators switch on it, so a code is never renamed or reused for another
 * meaning; new codes may be added.
 */
public enum ViolationCode {
  /**
   * A required text is empty or only white space: {@code transactionId}, {@code seller.sellerId},
   * {@code seller.name}, {@code buyer.buyerId}, {@code buyer.name}, an address's {@code line1} or
   * {@code city}, {@code payment.paymentId}, {@code shipment.trackingNumber}, {@code
   * shipment.carrier}.
   */
  BLANK_FIELD,
  /**
   * An identifier ({@code seller.sellerId}, {@code buyer.buyerId}, {@code payment.paymentId},
   * {@code shipment.trackingNumber}, {@code shipment.carrier}) is longer than 128 characters: they
   * are indexed and matched by customs.
   */
  FIELD_TOO_LONG,
  /**
   * The transaction id is longer than 128 characters or has a character outside printable ASCII
   * ({@code !} to {@code ~}; no spaces, no control characters).
   */
  INVALID_TRANSACTION_ID,
  /**
   * Not an ISO 3166-1 alpha-2 country code as the JDK knows them ({@link
   * java.util.Locale#getISOCountries()}), in capitals; {@code XK} (Kosovo) is accepted as well.
   */
  INVALID_COUNTRY,
  /**
   * Not an ISO 4217 currency code in use: a code the JDK knows, that has a minor unit (so not
   * {@code XXX}, {@code XTS}, precious metals or fund units) and that is not withdrawn (such as
   * {@code DEM} or {@code HRK}).
   */
  INVALID_CURRENCY,
  /** An HS code must be 6, 8 or 10 digits and nothing else. */
  INVALID_HS_CODE,
  /** A unit must be a UN/ECE Recommendation 20 code: 2 or 3 capital letters or digits. */
  INVALID_UNIT,
  /** A line number is below 1 (goods item numbers start at 1). */
  INVALID_LINE_NUMBER,
  /** A quantity or a package count is zero or negative. */
  NON_POSITIVE_QUANTITY,
  /** An amount of money is negative (a discount is given as a positive amount). */
  NEGATIVE_AMOUNT,
  /** A gross mass is negative. */
  NEGATIVE_MASS,
  /** A sum or product over the amounts leaves the range of a 64-bit integer. */
  AMOUNT_OVERFLOW,
  /** A line total is not quantity times unit price. */
  LINE_TOTAL_MISMATCH,
  /** The goods value is not the sum of the line totals. */
  GOODS_VALUE_MISMATCH,
  /** Total paid is not goods + shipping + insurance + tax - discount. */
  TOTAL_PAID_MISMATCH,
  /** The payment amount is not the total paid (order/payment match). */
  PAYMENT_AMOUNT_MISMATCH,
  /** The payment currency is not the order's currency. */
  PAYMENT_CURRENCY_MISMATCH,
  /** The shipment's destination is not the buyer's country (order/shipment match). */
  DESTINATION_MISMATCH,
  /** The order time lies further in the future than the clock tolerance. */
  ORDER_TIME_IN_FUTURE,
  /** The order time is older than the configured maximum age. */
  ORDER_TIME_TOO_OLD,
  /** The payment time lies further in the future than the clock tolerance. */
  PAYMENT_TIME_IN_FUTURE,
  /** The payment was made before the order was placed (beyond the clock tolerance). */
  PAYMENT_BEFORE_ORDER,
  /**
   * An IOSS number must be {@code IM} followed by 10 digits. Only the format is checked: the Member
   * State part and the check digit are not.
   */
  INVALID_IOSS_NUMBER,
  /**
   * A VAT number must be an EU VAT prefix (a Member State, {@code EL} for Greece, {@code XI} for
   * Northern Ireland) followed by that country's national format, in capitals and without spaces.
   * Check digits are not verified.
   */
  INVALID_VAT_NUMBER,
  /**
   * An EORI number is an ISO 3166-1 alpha-2 code (or {@code XI}) followed by 1 to 15 capital
   * letters or digits.
   */
  INVALID_EORI,
  /** A goods description has fewer than 3 letters, so it cannot say what the goods are. */
  EMPTY_DESCRIPTION,
  /**
   * A goods description is one of the generic terms of the policy (such as "gift" or "parts") that
   * hide what the goods are.
   */
  GENERIC_DESCRIPTION,
  /** A transaction has no line item. */
  NO_LINE_ITEMS,
  /** Two lines of one transaction share a line number (reported on the later line). */
  DUPLICATE_LINE_NUMBER,
  /**
   * A transaction id appears more than once in the batch (reported on the second and later
   * occurrences; the first is judged on its own).
   */
  DUPLICATE_TRANSACTION_ID;

  /** The wire form, e.g. {@code invalid_hs_code}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
