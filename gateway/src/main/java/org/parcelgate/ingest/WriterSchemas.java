package org.parcelgate.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.parcelgate.schema.Transaction;

/**
 * The writer schemas the gateway accepts, keyed by fingerprint: SHA-256 of the schema's Parsing
 * Canonical Form, in hex. Every registered version is checked at start to be readable by the
 * gateway's reader schema (the newest version, {@link Transaction#getClassSchema()}). A schema a
 * client embeds in its container is trusted only as far as its fingerprint matches one of these;
 * the registered copy, not the client's, is used to decode.
 */
public final class WriterSchemas {
  /** The schema versions shipped in the schemas module, oldest first. */
  public static final List<String> SHIPPED =
      List.of(
          "/org/parcelgate/schema/transaction-v1.avsc",
          "/org/parcelgate/schema/transaction-v2.avsc");

  private final Map<String, WriterSchema> byFingerprint;

  /** A registered writer schema and its version number (1-based, in shipping order). */
  public record WriterSchema(int version, String fingerprint, Schema schema) {}

  private WriterSchemas(Map<String, WriterSchema> byFingerprint) {
    this.byFingerprint = Map.copyOf(byFingerprint);
  }

  /** Loads the shipped versions and checks each can be read by the reader schema. */
  public static WriterSchemas shipped() {
    Schema reader = Transaction.getClassSchema();
    Map<String, WriterSchema> registered = new LinkedHashMap<>();
    for (int i = 0; i < SHIPPED.size(); i++) {
      Schema writer = load(SHIPPED.get(i));
      SchemaCompatibility.SchemaPairCompatibility compatibility =
          SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
      if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        throw new IllegalStateException(
            "writer schema "
                + SHIPPED.get(i)
                + " cannot be read by the gateway: "
                + compatibility.getDescription());
      }
      String fingerprint = fingerprint(writer);
      registered.put(fingerprint, new WriterSchema(i + 1, fingerprint, writer));
    }
    return new WriterSchemas(registered);
  }

  private static Schema load(String resource) {
    try (InputStream in = WriterSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing: " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 of the Parsing Canonical Form, hex. */
  public static String fingerprint(Schema schema) {
    try {
      return HexFormat.of().formatHex(SchemaNormalization.parsingFingerprint("SHA-256", schema));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  public Optional<WriterSchema> byFingerprint(String fingerprint) {
    return Optional.ofNullable(byFingerprint.get(fingerprint));
  }

  public List<WriterSchema> all() {
    return List.copyOf(byFingerprint.values());
  }

  /** The gateway's reader schema. */
  public static Schema reader() {
    return Transaction.getClassSchema();
  }
}
