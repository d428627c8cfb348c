package org.parcelgate.validation;

import java.util.Locale;

/**
 * Why a record was refused. The lower-case {@link #code()} is part of the protocol and never
 * changes.
 */
public enum ViolationCode {
  /** A required text is empty or only spaces. */
  BLANK_FIELD,
  /**
   * An identifier (seller, buyer, payment, tracking number, carrier) is longer than 128 characters.
   */
  FIELD_TOO_LONG,
  /** The transaction id is longer than 128 characters or not printable ASCII. */
  INVALID_TRANSACTION_ID,
  /** Not an ISO 3166-1 alpha-2 country code. */
  INVALID_COUNTRY,
  /** Not an ISO 4217 currency code. */
  INVALID_CURRENCY,
  /** An HS code must be 6, 8 or 10 digits. */
  INVALID_HS_CODE,
  /** A unit must be a UN/ECE Recommendation 20 code: 2 or 3 capital letters or digits. */
  INVALID_UNIT,
  /** A quantity, package count or line number must be positive. */
  NON_POSITIVE_QUANTITY,
  /** Amounts are never negative (a discount is given as a positive amount). */
  NEGATIVE_AMOUNT,
  /** A computation over the amounts leaves the range of a 64-bit integer. */
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
  /** The order time lies in the future beyond the clock tolerance. */
  ORDER_TIME_IN_FUTURE,
  /** The order time is older than the configured maximum age. */
  ORDER_TIME_TOO_OLD,
  /** The payment was made before the order was placed. */
  PAYMENT_BEFORE_ORDER,
  /** An IOSS number must be IM followed by 10 digits. */
  INVALID_IOSS_NUMBER,
  /** A VAT number must carry an EU country prefix and that country's national format. */
  INVALID_VAT_NUMBER,
  /** An EORI number is a country code followed by 1 to 15 letters or digits. */
  INVALID_EORI,
  /** A goods description must say what the goods are, in at least 3 letters. */
  EMPTY_DESCRIPTION,
  /** A goods description such as "gift" or "parts" that hides what the goods are. */
  GENERIC_DESCRIPTION,
  /** A transaction has no line item. */
  NO_LINE_ITEMS,
  /** Two lines of one transaction share a line number. */
  DUPLICATE_LINE_NUMBER,
  /**
   * A transaction id appears more than once in the batch (the first occurrence is judged on its
   * own).
   */
  DUPLICATE_TRANSACTION_ID;

  /** The wire form, e.g. {@code invalid_hs_code}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
