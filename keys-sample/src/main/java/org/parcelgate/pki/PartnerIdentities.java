package org.parcelgate.pki;

import com.nimbusds.jose.jwk.JWK;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A new partner identity issued by a CA the operator trusts: a TLS client certificate (EC P-256,
 * two years), its private key, one request-signing key per algorithm, the public JWK set to
 * register, and the registry entry that registers it all (docs/conformance.md, onboarding). The
 * files are laid out like a partner of the sample PKI, so the command line's {@code --pki} and
 * {@code --as} find them.
 */
public final class PartnerIdentities {
  /** The roles a partner can have. */
  public static final Set<String> ROLES = Set.of("marketplace", "customs", "privacy-officer");

  private PartnerIdentities() {}

  /**
   * Issues the identity into {@code directory} (created; existing files of the same names are
   * replaced) and returns the registry entry as JSON.
   *
   * @param algorithms the signing algorithms: {@code ES256}, {@code PS256}, {@code EdDSA}
   */
  public static String issue(
      CertificateAuthority ca,
      String partnerId,
      String role,
      List<String> algorithms,
      Path directory,
      Clock clock) {
    if (!partnerId.matches("[a-z0-9][a-z0-9.-]{0,62}")) {
      throw new IllegalArgumentException(
          "a partner id is lower-case letters, digits, dots and dashes, at most 63");
    }
    if (!ROLES.contains(role)) {
      throw new IllegalArgumentException("the role is one of " + String.join(", ", ROLES));
    }
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("at least one signing algorithm");
    }
    Instant now = clock.instant();
    IssuedCertificate client =
        ca.issueClient(
            Keys.ecP256(), partnerId, now, now.atOffset(ZoneOffset.UTC).plusYears(2).toInstant());
    List<JWK> keys =
        algorithms.stream()
            .map(
                alg ->
                    SigningKeys.generate(
                        alg, partnerId + "-" + alg.toLowerCase(java.util.Locale.ROOT) + "-1"))
            .toList();
    try {
      Files.createDirectories(directory);
    } catch (java.io.IOException e) {
      throw new PkiException("cannot create " + directory, e);
    }
    Pem.write(directory.resolve("client.crt.pem"), Pem.encode(client.certificate()));
    Pem.write(
        directory.resolve("client.key.pem"),
        Pem.encodePrivateKey(client.keyPair().getPrivate()),
        true);
    for (JWK key : keys) {
      Pem.write(
          directory.resolve("signing-" + key.getKeyID() + ".jwk.json"),
          Json.pretty(Json.ordered(key)),
          true);
    }
    List<JWK> publicKeys = keys.stream().map(JWK::toPublicJWK).toList();
    Pem.write(directory.resolve("jwks.json"), Json.pretty(Json.jwkSet(publicKeys)));
    Map<String, Object> entry =
        Json.object(
            "id",
            partnerId,
            "role",
            role,
            "status",
            "active",
            "certificates",
            List.of(org.parcelgate.protocol.Digests.thumbprint(client.certificate())),
            "jwks",
            Json.jwkSet(publicKeys));
    String json = Json.pretty(entry);
    Pem.write(directory.resolve("registry-entry.json"), json);
    return json;
  }
}
