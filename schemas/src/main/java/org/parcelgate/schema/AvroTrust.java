package org.parcelgate.schema;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro looks up generated classes by the names in a schema and, since 1.11.4, only loads classes it
 * trusts. This trusts the classes generated from Parcelgate's own schemas, on top of Avro's
 * defaults, and nothing else: a schema naming any other class still cannot make Avro load it.
 */
public final class AvroTrust {
  private static final String PACKAGE = "org.parcelgate.schema";

  private AvroTrust() {}

  /** Idempotent; call before reading or writing records with the generated classes. */
  public static synchronized void install() {
    ClassSecurityValidator.ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
    if (current instanceof ParcelgateClasses) {
      return;
    }
    ClassSecurityValidator.setGlobal(new ParcelgateClasses(current));
  }

  private record ParcelgateClasses(ClassSecurityValidator.ClassSecurityPredicate fallback)
      implements ClassSecurityValidator.ClassSecurityPredicate {
    @Override
    public boolean isTrusted(Class<?> type) {
      return PACKAGE.equals(type.getPackageName()) || fallback.isTrusted(type);
    }
  }
}
