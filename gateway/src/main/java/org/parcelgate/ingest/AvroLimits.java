package org.parcelgate.ingest;

/**
 * Avro's decoder limits are JVM-wide system properties read once, when Avro's classes load. This
 * class sets them from the configuration before anything touches Avro, and refuses to start if Avro
 * was loaded earlier with other values. It deliberately names the properties as strings: referring
 * to Avro's constants would load Avro first.
 */
public final class AvroLimits {
  static final String STRING = "org.apache.avro.limits.string.maxLength";
  static final String BYTES = "org.apache.avro.limits.bytes.maxLength";
  static final String COLLECTION = "org.apache.avro.limits.collectionItems.maxLength";
  static final String DECOMPRESS = "org.apache.avro.limits.decompress.maxLength";

  private AvroLimits() {}

  /**
   * Puts the limits in force.
   *
   * @throws IllegalStateException if Avro already runs with different limits (it was loaded too
   *     early)
   */
  public static void apply(
      int maxStringBytes, int maxBytesLength, int maxCollectionItems, long maxDecompressed) {
    set(STRING, Integer.toString(maxStringBytes));
    set(BYTES, Integer.toString(maxBytesLength));
    set(COLLECTION, Integer.toString(maxCollectionItems));
    set(DECOMPRESS, Long.toString(maxDecompressed));
    verify(maxStringBytes, maxCollectionItems);
    org.parcelgate.schema.AvroTrust.install();
  }

  private static void set(String property, String value) {
    String current = System.getProperty(property);
    if (current != null && !current.equals(value)) {
      throw new IllegalStateException(
          property
              + " is already set to "
              + current
              + " in this JVM; Avro limits must be set once, at start");
    }
    System.setProperty(property, value);
  }

  private static void verify(int maxStringBytes, int maxCollectionItems) {
    try {
      org.apache.avro.SystemLimitException.checkMaxStringLength(maxStringBytes + 1L);
    } catch (org.apache.avro.SystemLimitException expected) {
      try {
        org.apache.avro.SystemLimitException.checkMaxCollectionLength(maxCollectionItems + 1L);
      } catch (org.apache.avro.SystemLimitException alsoExpected) {
        return;
      }
    }
    throw new IllegalStateException(
        "Avro was loaded before its limits were set; they are not in force");
  }
}
