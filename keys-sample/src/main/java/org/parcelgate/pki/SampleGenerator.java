package org.parcelgate.pki;

import com.nimbusds.jose.jwk.JWK;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Makes the files of a new {@link SamplePki} in a directory. */
final class SampleGenerator {
  static final String ROOT_CA_NAME = "Parcelgate Sample Root CA";
  static final String UNTRUSTED_CA_NAME = "Parcelgate Sample Untrusted CA";
  static final String SERVER_NAME = "parcelgate-gateway";
  static final String GATEWAY_KID = "gateway-es256-1";

  private static final String ROOT_CA_CERTIFICATE = "ca/root-ca.crt.pem";
  private static final String ROOT_CA_KEY = "ca/root-ca.SAMPLE-ONLY.key.pem";
  private static final String UNTRUSTED_CA_CERTIFICATE = "ca/untrusted-ca.crt.pem";
  private static final String CRL = "ca/root-ca.crl.pem";
  private static final String REGISTRY = "registry/partners.json";
  private static final String SERVER_CERTIFICATE = "gateway/server.crt.pem";
  private static final String SERVER_KEY = "gateway/server.SAMPLE-ONLY.key.pem";
  private static final String GATEWAY_SIGNING_KEY = "gateway/signing.SAMPLE-ONLY.jwk.json";
  private static final String GATEWAY_JWKS = "gateway/jwks.json";
  static final String PSEUDONYM_KEYS = "privacy/pseudonym-keys.SAMPLE-ONLY.json";

  /** The recipients of minimized records the sample gives a pseudonym key. */
  private static final List<String> RECIPIENTS = List.of("customs-nl", "customs-de");

  /** The name of the gateway's TLS client identity, with which it pushes records to customs. */
  static final String GATEWAY_CLIENT = "gateway-client";

  /** The entries the layout writes at the top of its directory. */
  static final List<String> TOP_LEVEL_ENTRIES =
      List.of(
          "README.md", Manifest.FILE, "ca", "gateway", "partners", "privacy", "registry", "tests");

  /** The key of a client certificate. */
  private enum ClientKey {
    EC_P256("EC P-256"),
    RSA_2048("RSA 2048");

    private final String description;

    ClientKey(String description) {
      this.description = description;
    }

    KeyPair generate() {
      return this == RSA_2048 ? Keys.rsa(2048) : Keys.ecP256();
    }
  }

  /**
   * A partner of the sample: its registry entry, its client certificate key and its signing
   * algorithms.
   */
  private record PartnerSpec(
      String id, String role, String status, ClientKey clientKey, List<String> algorithms) {
    String kid(String algorithm) {
      return id + "-" + algorithm.toLowerCase(Locale.ROOT) + "-1";
    }
  }

  private static final List<PartnerSpec> PARTNERS =
      List.of(
          new PartnerSpec(
              "marketplace-alpha",
              "marketplace",
              "active",
              ClientKey.EC_P256,
              List.of("ES256", "EdDSA")),
          new PartnerSpec(
              "marketplace-beta", "marketplace", "active", ClientKey.RSA_2048, List.of("PS256")),
          new PartnerSpec(
              "customs-nl", "customs", "active", ClientKey.EC_P256, List.of("ES256", "EdDSA")),
          new PartnerSpec("customs-de", "customs", "active", ClientKey.EC_P256, List.of("ES256")),
          new PartnerSpec(
              "privacy-officer", "privacy-officer", "active", ClientKey.EC_P256, List.of("ES256")),
          new PartnerSpec(
              "marketplace-suspended",
              "marketplace",
              "suspended",
              ClientKey.EC_P256,
              List.of("ES256")));

  private static final String README =
      """
      # Parcelgate sample PKI: SAMPLE KEYS, NEVER FOR PRODUCTION

      Everything in this directory is a **sample for development and tests only**. Its private keys are published with
      the source code, so they protect nothing: never use them, anything they signed, or this root CA in production,
      and never add the sample root CA to a real trust store.

      Generated at %1$s by `org.parcelgate.pki.SamplePkiCommand` (module `keys-sample`). Partner, gateway and test
      certificates are valid from %2$s to %3$s, the root CAs until %4$s, and the CRL's next update is %5$s.

      ## Regenerate

      From the project root:

          ./mvnw -q -pl keys-sample compile exec:java

      This replaces the whole content of this directory: new keys, certificates, thumbprints and registry. Commit it in
      one piece. Code reads it with `SamplePki.open(directory)`; tests can also make a fresh one with
      `SamplePki.generate(directory, clock)`.

      ## Layout

      | Path | What |
      | --- | --- |
      | `manifest.json` | what `SamplePki.open` reads: names, roles, key ids, algorithms and relative paths |
      | `ca/root-ca.crt.pem` | the trust anchor: "%6$s" (EC P-256) |
      | `ca/root-ca.SAMPLE-ONLY.key.pem` | its private key (PKCS#8) |
      | `ca/root-ca.crl.pem` | its CRL, listing `tests/revoked` |
      | `ca/untrusted-ca.crt.pem` | "%7$s", a root nothing trusts (its key is not kept) |
      | `gateway/server.crt.pem`, `gateway/server.SAMPLE-ONLY.key.pem` | TLS server certificate (leaf only) and key of \
      "%8$s": DNS `localhost`, IP `127.0.0.1` and `::1` |
      | `gateway/signing.SAMPLE-ONLY.jwk.json`, `gateway/jwks.json` | the gateway's private ES256 signing JWK \
      (`%9$s`) and its public JWK set |
      | `gateway/client.crt.pem`, `gateway/client.SAMPLE-ONLY.key.pem` | the gateway's TLS client certificate \
      and key ("%8$s", identity `gateway-client`), with which it pushes records to customs endpoints |
      | `partners/<id>/client.crt.pem`, `client.SAMPLE-ONLY.key.pem` | a partner's TLS client certificate and key |
      | `partners/<id>/signing-<kid>.SAMPLE-ONLY.jwk.json`, `jwks.json` | its private signing JWKs and public JWK set |
      | `privacy/pseudonym-keys.SAMPLE-ONLY.json` | the pseudonym key store: one random key (version 1) per \
      recipient of minimized records (`customs-nl`, `customs-de`) |
      | `registry/partners.json` | the partner registry: id, role, status, certificate thumbprints (`x5t#S256`), \
      public JWKs |
      | `tests/<name>/client.crt.pem`, `client.SAMPLE-ONLY.key.pem` | test-only client identities, not in the registry |

      Partners:

      | Id | Role | Status | Client key | Signing keys |
      | --- | --- | --- | --- | --- |
      %10$s
      Test identities: `expired` (issued by the root, expired a day before generation), `revoked` (listed in the CRL),
      `untrusted` (issued by the untrusted CA) and `unregistered` (valid, but in no registry entry).

      Private keys are unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) and every file holding one says
      `SAMPLE-ONLY` in its name.
      """;

  private final Path directory;
  private final Instant now;
  private final Instant validFrom;
  private final Instant validTo;
  private final Instant caValidTo;
  private final List<Manifest.IdentityEntry> entries = new ArrayList<>();
  private final List<Identity> identities = new ArrayList<>();

  SampleGenerator(Path directory, Clock clock) {
    this.directory = directory;
    this.now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    this.validFrom = now.minus(Duration.ofDays(1));
    this.validTo = yearsFromNow(20);
    this.caValidTo = yearsFromNow(30);
  }

  SamplePki generate() {
    CertificateAuthority root = CertificateAuthority.createRoot(ROOT_CA_NAME, validFrom, caValidTo);
    CertificateAuthority untrusted =
        CertificateAuthority.createRoot(UNTRUSTED_CA_NAME, validFrom, caValidTo);
    writeCertificate(ROOT_CA_CERTIFICATE, root.certificate());
    writePrivateKey(ROOT_CA_KEY, root.privateKey());
    writeCertificate(UNTRUSTED_CA_CERTIFICATE, untrusted.certificate());

    IssuedCertificate server =
        root.issueServer(
            Keys.ecP256(),
            SERVER_NAME,
            List.of("localhost"),
            List.of("127.0.0.1", "::1"),
            validFrom,
            validTo);
    writeCertificate(SERVER_CERTIFICATE, server.certificate());
    writePrivateKey(SERVER_KEY, server.keyPair().getPrivate());
    JWK gatewayKey = SigningKeys.es256(GATEWAY_KID);
    Manifest.KeyFile gatewayKeyFile = writeSigningKey(GATEWAY_SIGNING_KEY, gatewayKey);
    writeJson(GATEWAY_JWKS, Json.jwkSet(List.of(gatewayKey.toPublicJWK())));
    writeIdentity(
        "gateway/",
        GATEWAY_CLIENT,
        null,
        null,
        root.issueClient(Keys.ecP256(), SERVER_NAME, validFrom, validTo),
        List.of(),
        List.of());

    List<Map<String, Object>> registry =
        PARTNERS.stream().map(partner -> writePartner(root, partner)).toList();
    writeJson(REGISTRY, Json.object("partners", registry));
    writePseudonymKeys();

    writeTestIdentity(
        "expired", root, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));
    Identity revoked = writeTestIdentity("revoked", root, validFrom, validTo);
    writeTestIdentity("untrusted", untrusted, validFrom, validTo);
    writeTestIdentity("unregistered", root, validFrom, validTo);
    X509CRL crl =
        root.issueCrl(
            List.of(revoked.x509().getSerialNumber()),
            now.minus(Duration.ofHours(1)),
            now.plus(Duration.ofDays(3650)));
    write(CRL, Pem.encode(crl));

    Manifest manifest =
        new Manifest(
            now,
            ROOT_CA_CERTIFICATE,
            ROOT_CA_KEY,
            UNTRUSTED_CA_CERTIFICATE,
            CRL,
            REGISTRY,
            SERVER_CERTIFICATE,
            SERVER_KEY,
            gatewayKeyFile,
            GATEWAY_JWKS,
            entries);
    write(Manifest.FILE, manifest.toJson());
    write("README.md", readme(crl));
    return new SamplePki(directory, manifest, root, identities);
  }

  /** Writes a partner's certificate, key and signing keys, and returns its registry entry. */
  private Map<String, Object> writePartner(CertificateAuthority root, PartnerSpec partner) {
    String dir = "partners/" + partner.id() + "/";
    IssuedCertificate client =
        root.issueClient(partner.clientKey().generate(), partner.id(), validFrom, validTo);
    List<JWK> keys =
        partner.algorithms().stream()
            .map(alg -> SigningKeys.generate(alg, partner.kid(alg)))
            .toList();
    List<Manifest.KeyFile> keyFiles =
        keys.stream()
            .map(
                key ->
                    writeSigningKey(
                        dir + "signing-" + key.getKeyID() + ".SAMPLE-ONLY.jwk.json", key))
            .toList();
    List<JWK> publicKeys = keys.stream().map(JWK::toPublicJWK).toList();
    writeJson(dir + "jwks.json", Json.jwkSet(publicKeys));
    writeIdentity(dir, partner.id(), partner.id(), partner.role(), client, keys, keyFiles);
    return Json.object(
        "id", partner.id(),
        "role", partner.role(),
        "status", partner.status(),
        "certificates", List.of(org.parcelgate.protocol.Digests.thumbprint(client.certificate())),
        "jwks", Json.jwkSet(publicKeys));
  }

  /**
   * Writes a test-only identity: an EC P-256 client certificate named {@code test-<name>}, no
   * signing keys.
   */
  private Identity writeTestIdentity(
      String name, CertificateAuthority issuer, Instant notBefore, Instant notAfter) {
    IssuedCertificate client =
        issuer.issueClient(Keys.ecP256(), "test-" + name, notBefore, notAfter);
    return writeIdentity("tests/" + name + "/", name, null, null, client, List.of(), List.of());
  }

  private Identity writeIdentity(
      String dir,
      String name,
      String partnerId,
      String role,
      IssuedCertificate client,
      List<JWK> signingKeys,
      List<Manifest.KeyFile> signingKeyFiles) {
    String certificate = dir + "client.crt.pem";
    String privateKey = dir + "client.SAMPLE-ONLY.key.pem";
    writeCertificate(certificate, client.certificate());
    writePrivateKey(privateKey, client.keyPair().getPrivate());
    Manifest.IdentityEntry entry =
        new Manifest.IdentityEntry(name, partnerId, role, certificate, privateKey, signingKeyFiles);
    Identity identity = SamplePki.identity(directory, entry, client.certificate(), signingKeys);
    entries.add(entry);
    identities.add(identity);
    return identity;
  }

  private Manifest.KeyFile writeSigningKey(String file, JWK privateKey) {
    Pem.write(directory.resolve(file), Json.pretty(Json.ordered(privateKey)), true);
    return new Manifest.KeyFile(privateKey.getKeyID(), privateKey.getAlgorithm().getName(), file);
  }

  private void writeCertificate(String file, X509Certificate certificate) {
    write(file, Pem.encode(certificate));
  }

  /** One random 32-byte pseudonym secret, key version 1, per recipient. */
  private void writePseudonymKeys() {
    java.security.SecureRandom random = new java.security.SecureRandom();
    Map<String, Object> rings = new java.util.LinkedHashMap<>();
    for (String recipient : RECIPIENTS) {
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      rings.put(
          recipient,
          Json.object(
              "active",
              1,
              "keys",
              Json.object(
                  "1", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret))));
    }
    // A secret: owner-only, like the private keys.
    Pem.write(
        directory.resolve(PSEUDONYM_KEYS), Json.pretty(Json.object("recipients", rings)), true);
  }

  private void writePrivateKey(String file, PrivateKey key) {
    write(file, Pem.encodePrivateKey(key));
  }

  private void writeJson(String file, Object json) {
    write(file, Json.pretty(json));
  }

  private void write(String file, String text) {
    Pem.write(directory.resolve(file), text);
  }

  private Instant yearsFromNow(int years) {
    return now.atOffset(ZoneOffset.UTC).plusYears(years).toInstant();
  }

  private String readme(X509CRL crl) {
    String partners =
        PARTNERS.stream()
            .map(
                p ->
                    "| `%s` | %s | %s | %s | %s |\n"
                        .formatted(
                            p.id(),
                            p.role(),
                            p.status(),
                            p.clientKey().description,
                            p.algorithms().stream()
                                .map(alg -> alg + " `" + p.kid(alg) + "`")
                                .collect(Collectors.joining(", "))))
            .collect(Collectors.joining());
    return README.formatted(
        now,
        validFrom,
        validTo,
        caValidTo,
        crl.getNextUpdate().toInstant(),
        ROOT_CA_NAME,
        UNTRUSTED_CA_NAME,
        SERVER_NAME,
        GATEWAY_KID,
        partners);
  }
}
