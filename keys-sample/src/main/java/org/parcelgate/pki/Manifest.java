package org.parcelgate.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The {@code manifest.json} of a generated sample directory: everything {@link
 * SamplePki#open(Path)} needs to find and name its files. Every path in it is relative to the
 * directory and uses {@code /}.
 */
record Manifest(
    Instant generatedAt,
    String rootCaCertificate,
    String rootCaPrivateKey,
    String untrustedCaCertificate,
    String crl,
    String registry,
    String serverCertificate,
    String serverPrivateKey,
    KeyFile gatewaySigningKey,
    String gatewayJwks,
    List<IdentityEntry> identities) {

  static final String FILE = "manifest.json";
  static final String FORMAT = "parcelgate-sample-pki/1";

  /** A private JWK file and the key it holds. */
  record KeyFile(String kid, String alg, String file) {
    Map<String, Object> toJson() {
      return Json.object("kid", kid, "alg", alg, "file", file);
    }

    static KeyFile fromJson(Object json) {
      Map<String, Object> map = object(json);
      return new KeyFile(string(map, "kid"), string(map, "alg"), string(map, "file"));
    }
  }

  /**
   * One identity: a partner ({@code partnerId} and {@code role} set) or a test-only identity (both
   * null).
   */
  record IdentityEntry(
      String name,
      String partnerId,
      String role,
      String certificate,
      String privateKey,
      List<KeyFile> signingKeys) {
    Map<String, Object> toJson() {
      return Json.object(
          "name", name,
          "partnerId", partnerId,
          "role", role,
          "certificate", certificate,
          "privateKey", privateKey,
          "signingKeys", signingKeys.stream().map(KeyFile::toJson).toList());
    }

    static IdentityEntry fromJson(Object json) {
      Map<String, Object> map = object(json);
      return new IdentityEntry(
          string(map, "name"),
          (String) map.get("partnerId"),
          (String) map.get("role"),
          string(map, "certificate"),
          string(map, "privateKey"),
          list(map, "signingKeys").stream().map(KeyFile::fromJson).toList());
    }
  }

  Manifest {
    identities = List.copyOf(identities);
  }

  /** Whether the directory holds a manifest of this format. */
  static boolean isIn(Path directory) {
    Path file = directory.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try {
      return FORMAT.equals(
          Json.parse(Files.readString(file, StandardCharsets.UTF_8)).get("format"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Reads the manifest of a generated directory. */
  static Manifest read(Path directory) {
    Path file = directory.resolve(FILE);
    try {
      return fromJson(Json.parse(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new PkiException("not a sample PKI manifest: " + file + " (" + e.getMessage() + ")", e);
    }
  }

  String toJson() {
    return Json.pretty(
        Json.object(
            "format", FORMAT,
            "notice", "SAMPLE keys for development and tests only; never use them in production.",
            "generatedAt", generatedAt.toString(),
            "rootCa", Json.object("certificate", rootCaCertificate, "privateKey", rootCaPrivateKey),
            "untrustedCa", Json.object("certificate", untrustedCaCertificate),
            "crl", crl,
            "registry", registry,
            "gateway",
                Json.object(
                    "certificate", serverCertificate,
                    "privateKey", serverPrivateKey,
                    "signingKey", gatewaySigningKey.toJson(),
                    "jwks", gatewayJwks),
            "identities", identities.stream().map(IdentityEntry::toJson).toList()));
  }

  private static Manifest fromJson(Map<String, Object> json) {
    if (!FORMAT.equals(json.get("format"))) {
      throw new PkiException(
          "unknown manifest format " + json.get("format") + ", expected " + FORMAT);
    }
    Map<String, Object> rootCa = object(json.get("rootCa"));
    Map<String, Object> gateway = object(json.get("gateway"));
    try {
      return new Manifest(
          Instant.parse(string(json, "generatedAt")),
          string(rootCa, "certificate"),
          string(rootCa, "privateKey"),
          string(object(json.get("untrustedCa")), "certificate"),
          string(json, "crl"),
          string(json, "registry"),
          string(gateway, "certificate"),
          string(gateway, "privateKey"),
          KeyFile.fromJson(gateway.get("signingKey")),
          string(gateway, "jwks"),
          list(json, "identities").stream().map(IdentityEntry::fromJson).toList());
    } catch (DateTimeParseException e) {
      throw new PkiException("generatedAt is not an instant", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object json) {
    if (json instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new PkiException("expected a JSON object, found " + json);
  }

  private static List<?> list(Map<String, Object> json, String name) {
    if (json.get(name) instanceof List<?> list) {
      return list;
    }
    throw new PkiException("expected a JSON array at '" + name + "'");
  }

  private static String string(Map<String, Object> json, String name) {
    if (json.get(name) instanceof String value) {
      return value;
    }
    throw new PkiException("expected a string at '" + name + "'");
  }
}
