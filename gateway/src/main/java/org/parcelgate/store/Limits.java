package org.parcelgate.store;

/**
 * Bounds of the stored text columns, the same for every engine. The store checks them itself before
 * writing, so an over-long value is refused the same way everywhere and never echoed in a driver's
 * error message.
 */
public final class Limits {
  /**
   * Maximum characters of ids, digests, fingerprints, tracking numbers and country codes ({@code
   * VARCHAR(255)} columns). Receipts, result JSON and the accepted records are unbounded here: the
   * ingest limits bound them.
   */
  public static final int MAX_TEXT_LENGTH = 255;

  private Limits() {}

  static String check(String value, String name) {
    if (value != null && value.length() > MAX_TEXT_LENGTH) {
      throw new IllegalArgumentException(
          name + " is longer than " + MAX_TEXT_LENGTH + " characters");
    }
    return value;
  }
}
