package org.parcelgate.testing;

import org.parcelgate.ingest.AvroLimits;

/**
 * Avro's limits are per JVM: every test that decodes sets the same values, those of the embedded
 * defaults, through the production code path (the build passes them to the test JVM as system
 * properties too, so whichever class loads Avro first sees them).
 */
public final class TestAvroLimits {
  private TestAvroLimits() {}

  public static void apply() {
    AvroLimits.apply(16384, 65536, 10000, 134217728L);
  }
}
