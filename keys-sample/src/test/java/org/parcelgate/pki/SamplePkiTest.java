package org.parcelgate.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.X509CertUtils;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CRLReason;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.PKIXReason;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplePkiTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final List<String> PARTNERS =
      List.of(
          "marketplace-alpha",
          "marketplace-beta",
          "customs-nl",
          "customs-de",
          "privacy-officer",
          "marketplace-suspended");
  private static final List<String> TEST_IDENTITIES =
      List.of("expired", "revoked", "untrusted", "unregistered");

  @TempDir static Path directory;
  private static SamplePki pki;
  private static X509Certificate root;

  @BeforeAll
  static void generate() {
    pki = SamplePki.generate(directory, CLOCK);
    root = Pem.readCertificate(pki.trustAnchor());
  }

  @Test
  void generatesChainThatValidatesAgainstRoot() throws GeneralSecurityException {
    assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=Parcelgate Sample Root CA");
    root.verify(root.getPublicKey());
    List<String> chained =
        Stream.concat(PARTNERS.stream(), Stream.of("revoked", "unregistered")).toList();
    for (String name : chained) {
      assertThat(
              Pkix.validate(pki.identity(name).x509(), root, NOW).getTrustAnchor().getTrustedCert())
          .as(name)
          .isEqualTo(root);
    }
    assertThat(Pkix.validate(Pem.readCertificate(pki.serverCertificate()), root, NOW)).isNotNull();
  }

  @Test
  void goodCertificatesAreValidFromADayBeforeForTwentyYears() {
    X509Certificate alpha = pki.identity("marketplace-alpha").x509();
    assertThat(alpha.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofDays(1)));
    assertThat(alpha.getNotAfter().toInstant()).isEqualTo(Instant.parse("2046-03-01T12:00:00Z"));
    assertThat(root.getNotAfter().toInstant()).isEqualTo(Instant.parse("2056-03-01T12:00:00Z"));
    assertThat(pki.generatedAt()).isEqualTo(NOW);
  }

  @Test
  void everyPrivateKeyFileMatchesItsCertificate() throws GeneralSecurityException {
    assertKeyMatches(
        Pem.readPrivateKey(pki.serverKey()),
        Pem.readCertificate(pki.serverCertificate()).getPublicKey());
    assertKeyMatches(pki.rootCa().privateKey(), root.getPublicKey());
    for (Identity identity : pki.identities()) {
      assertKeyMatches(Pem.readPrivateKey(identity.privateKey()), identity.x509().getPublicKey());
    }
  }

  @Test
  void gatewayClientIdentityIsAClientCertificateInNoRegistryEntry() throws Exception {
    Identity client = pki.identity("gateway-client");
    assertThat(client.partnerId()).isNull();
    assertThat(client.x509().getSubjectX500Principal().getName())
        .isEqualTo("CN=parcelgate-gateway");
    assertThat(client.x509().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(client.certificate()).isEqualTo(directory.resolve("gateway/client.crt.pem"));
    assertThat(Pkix.validate(client.x509(), root, NOW)).isNotNull();
  }

  @Test
  void partnerClientCertificatesUseTheirKeyTypesAndNames() {
    assertThat(pki.identity("marketplace-beta").x509().getPublicKey().getAlgorithm())
        .isEqualTo("RSA");
    for (String name :
        List.of("marketplace-alpha", "customs-nl", "privacy-officer", "marketplace-suspended")) {
      assertThat(pki.identity(name).x509().getPublicKey().getAlgorithm()).as(name).isEqualTo("EC");
      assertThat(pki.identity(name).x509().getSubjectX500Principal().getName())
          .isEqualTo("CN=" + name);
    }
    for (String name : TEST_IDENTITIES) {
      assertThat(pki.identity(name).x509().getSubjectX500Principal().getName())
          .isEqualTo("CN=test-" + name);
      assertThat(pki.identity(name).partnerId()).isNull();
      assertThat(pki.identity(name).signingKeys()).isEmpty();
    }
  }

  @Test
  void revokedCertificateIsListedInSignedCrl() throws GeneralSecurityException {
    X509CRL crl = Pem.readCrl(pki.crl());
    crl.verify(root.getPublicKey());
    X509Certificate revoked = pki.identity("revoked").x509();

    assertThat(crl.isRevoked(revoked)).isTrue();
    assertThat(crl.getRevokedCertificates()).hasSize(1);
    X509CRLEntry entry = crl.getRevokedCertificate(revoked.getSerialNumber());
    assertThat(entry.getRevocationReason()).isEqualTo(CRLReason.KEY_COMPROMISE);
    assertThat(crl.getVersion()).isEqualTo(2);
    assertThat(crl.getThisUpdate().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(crl.getNextUpdate().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
    assertThat(crl.getNonCriticalExtensionOIDs()).contains("2.5.29.35", "2.5.29.20");
    for (String name : PARTNERS) {
      assertThat(crl.isRevoked(pki.identity(name).x509())).as(name).isFalse();
    }
  }

  @Test
  void pkixWithTheCrlRejectsOnlyTheRevokedCertificate() throws GeneralSecurityException {
    X509CRL crl = Pem.readCrl(pki.crl());
    for (String name : PARTNERS) {
      assertThat(Pkix.validate(pki.identity(name).x509(), root, NOW, crl)).as(name).isNotNull();
    }
    assertThatThrownBy(() -> Pkix.validate(pki.identity("revoked").x509(), root, NOW, crl))
        .isInstanceOf(CertPathValidatorException.class)
        .extracting(e -> ((CertPathValidatorException) e).getReason())
        .isEqualTo(CertPathValidatorException.BasicReason.REVOKED);
  }

  @Test
  void expiredCertificateIsExpiredAtGenerationTime() throws GeneralSecurityException {
    X509Certificate expired = pki.identity("expired").x509();
    expired.verify(root.getPublicKey());
    expired.checkValidity(Date.from(NOW.minus(Duration.ofDays(10))));

    assertThat(expired.getNotAfter().toInstant()).isEqualTo(NOW.minus(Duration.ofDays(1)));
    assertThatThrownBy(() -> expired.checkValidity(Date.from(NOW)))
        .isInstanceOf(CertificateExpiredException.class);
    assertThatThrownBy(() -> Pkix.validate(expired, root, NOW))
        .isInstanceOf(CertPathValidatorException.class)
        .extracting(e -> ((CertPathValidatorException) e).getReason())
        .isEqualTo(CertPathValidatorException.BasicReason.EXPIRED);
  }

  @Test
  void untrustedCertificateDoesNotChainToRoot() throws GeneralSecurityException {
    X509Certificate untrusted = pki.identity("untrusted").x509();
    X509Certificate untrustedCa = Pem.readCertificate(pki.untrustedCaCertificate());

    assertThat(untrusted.getIssuerX500Principal().getName())
        .isEqualTo("CN=Parcelgate Sample Untrusted CA");
    assertThat(Pkix.validate(untrusted, untrustedCa, NOW)).isNotNull();
    assertThatThrownBy(() -> Pkix.validate(untrusted, root, NOW))
        .isInstanceOf(CertPathValidatorException.class)
        .extracting(e -> ((CertPathValidatorException) e).getReason())
        .isEqualTo(PKIXReason.NO_TRUST_ANCHOR);
  }

  @Test
  void serverCertificateNamesLocalhostAndLoopback() throws GeneralSecurityException, IOException {
    X509Certificate server = Pem.readCertificate(pki.serverCertificate());

    assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=parcelgate-gateway");
    assertThat(server.getSubjectAlternativeNames())
        .containsExactly(
            List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(server.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(
            Files.readString(pki.serverCertificate(), StandardCharsets.US_ASCII)
                .split("-----BEGIN CERTIFICATE-----", -1))
        .as("leaf only")
        .hasSize(2);
  }

  @Test
  void registryListsEveryPartnerWithThumbprintAndPublicKeysOnly()
      throws IOException, ParseException {
    String text = Files.readString(pki.registry());
    Map<String, Object>[] partners =
        JSONObjectUtils.getJSONObjectArray(JSONObjectUtils.parse(text), "partners");

    assertThat(Stream.of(partners).map(p -> p.get("id"))).containsExactlyElementsOf(PARTNERS);
    for (Map<String, Object> partner : partners) {
      Identity identity = pki.identity((String) partner.get("id"));
      assertThat(partner.keySet()).containsExactly("id", "role", "status", "certificates", "jwks");
      assertThat(partner.get("role")).isEqualTo(identity.role());
      assertThat(partner.get("status"))
          .isEqualTo(identity.name().equals("marketplace-suspended") ? "suspended" : "active");
      assertThat(JSONObjectUtils.getStringList(partner, "certificates"))
          .containsExactly(identity.thumbprint());
      JWKSet jwks = JWKSet.parse(JSONObjectUtils.getJSONObject(partner, "jwks"));
      assertThat(jwks.getKeys())
          .containsExactlyElementsOf(
              identity.signingKeys().stream().map(JWK::toPublicJWK).toList());
      assertThat(jwks.getKeys()).allSatisfy(key -> assertPublicSigningKey(key));
    }
    assertThat(text)
        .doesNotContain("\"d\"")
        .doesNotContain("test-")
        .startsWith("{\n  \"partners\": [\n    {\n");
    for (String name : TEST_IDENTITIES) {
      assertThat(text).doesNotContain(pki.identity(name).thumbprint());
    }
  }

  @Test
  void publicJwkSetsHoldNoPrivateParameters() throws IOException, ParseException {
    List<Path> jwksFiles;
    try (Stream<Path> files = Files.walk(directory)) {
      jwksFiles = files.filter(file -> file.getFileName().toString().equals("jwks.json")).toList();
    }
    assertThat(jwksFiles).hasSize(PARTNERS.size() + 1);
    for (Path file : jwksFiles) {
      String text = Files.readString(file);
      assertThat(text).as(file.toString()).doesNotContain("\"d\"");
      assertThat(JWKSet.parse(text).getKeys())
          .isNotEmpty()
          .allSatisfy(key -> assertPublicSigningKey(key));
    }
    assertThat(JWKSet.parse(Files.readString(pki.gatewayJwks())).getKeys())
        .singleElement()
        .satisfies(key -> assertThat(key.getKeyID()).isEqualTo("gateway-es256-1"));
  }

  @Test
  void privateKeyFileNamesSaySample(@TempDir Path probe) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    String usual =
        posix
            ? PosixFilePermissions.toString(
                Files.getPosixFilePermissions(Files.createFile(probe.resolve("f"))))
            : "";
    int privateFiles = 0;
    for (Path file : files) {
      String text = Files.readString(file);
      boolean holdsPrivateKey =
          text.contains("-----END PRIVATE KEY-----")
              || text.replace(" ", "").contains("\"d\":")
              || text.contains("\"recipients\"") && text.contains("\"keys\""); // pseudonym secrets
      boolean saysSample = file.getFileName().toString().contains(".SAMPLE-ONLY.");
      assertThat(saysSample).as(directory.relativize(file).toString()).isEqualTo(holdsPrivateKey);
      if (holdsPrivateKey) {
        privateFiles++;
      }
      if (posix) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
            .as(directory.relativize(file).toString())
            .isEqualTo(holdsPrivateKey ? "rw-------" : usual);
      }
    }
    // root CA, server, gateway JWK, gateway client, 6 partner certificates with 8 signing keys,
    // 4 test identities, the pseudonym key store
    assertThat(privateFiles).isEqualTo(1 + 1 + 1 + 1 + 6 + 8 + 4 + 1);
  }

  @Test
  void readmeSaysSampleOnlyAndHowToRegenerate() throws IOException {
    String readme = Files.readString(directory.resolve("README.md"));
    assertThat(readme)
        .contains("SAMPLE")
        .contains("never")
        .contains("production")
        .contains("./mvnw -q -pl keys-sample compile exec:java");
  }

  @Test
  void openReadsWhatGenerateWrote() throws IOException {
    SamplePki opened = SamplePki.open(directory);

    assertThat(opened.root()).isEqualTo(pki.root());
    assertThat(opened.generatedAt()).isEqualTo(NOW);
    assertThat(files(opened)).containsExactlyElementsOf(files(pki));
    assertThat(files(opened))
        .allSatisfy(file -> assertThat(file).isRegularFile().startsWith(pki.root()));
    assertThat(opened.rootCa().certificate()).isEqualTo(pki.rootCa().certificate());
    assertThat(opened.rootCa().privateKey().getEncoded())
        .isEqualTo(pki.rootCa().privateKey().getEncoded());
    assertThat(opened.identities()).containsExactlyElementsOf(pki.identities());
    assertThat(opened.partners()).extracting(Identity::name).containsExactlyElementsOf(PARTNERS);

    String manifest = Files.readString(directory.resolve("manifest.json"));
    assertThat(manifest)
        .doesNotContain(directory.toAbsolutePath().toString())
        .doesNotContain("\"/");
  }

  @Test
  void openedRootCaIssuesCrlsThatVerifyAgainstTheTrustAnchor() throws GeneralSecurityException {
    CertificateAuthority ca = SamplePki.open(directory).rootCa();
    X509CRL stale =
        ca.issueCrl(
            List.of(BigInteger.TEN),
            NOW.minus(Duration.ofDays(20)),
            NOW.minus(Duration.ofDays(10)));

    stale.verify(root.getPublicKey());
    assertThat(stale.getNextUpdate().toInstant()).isBefore(NOW);
  }

  @Test
  void openRefusesAManifestPathOutsideTheDirectory(@TempDir Path other) throws IOException {
    SamplePki.generate(other, CLOCK);
    Path manifest = other.resolve("manifest.json");
    String text = Files.readString(manifest);
    Files.writeString(manifest, text.replace("\"ca/root-ca.crt.pem\"", "\"../root-ca.crt.pem\""));

    assertThatThrownBy(() -> SamplePki.open(other))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("leaves");
  }

  @Test
  void identityLookupNamesWhatExists() {
    assertThatThrownBy(() -> pki.identity("marketplace-gamma"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("marketplace-alpha");
    assertThatThrownBy(() -> pki.identity("marketplace-beta").signingKey("ES256"))
        .isInstanceOf(NoSuchElementException.class);
    assertThat(pki.identity("customs-nl").signingKey("EdDSA").getKeyID())
        .isEqualTo("customs-nl-eddsa-1");
  }

  @Test
  void signingKeysSignAndVerifyForEachAlgorithm() throws Exception {
    Map<String, List<String>> expected =
        Map.of(
            "marketplace-alpha",
                List.of("marketplace-alpha-es256-1:ES256", "marketplace-alpha-eddsa-1:EdDSA"),
            "marketplace-beta", List.of("marketplace-beta-ps256-1:PS256"),
            "customs-nl", List.of("customs-nl-es256-1:ES256", "customs-nl-eddsa-1:EdDSA"),
            "customs-de", List.of("customs-de-es256-1:ES256"),
            "privacy-officer", List.of("privacy-officer-es256-1:ES256"),
            "marketplace-suspended", List.of("marketplace-suspended-es256-1:ES256"));
    JWKSet registered = registeredKeys();
    for (String partner : PARTNERS) {
      List<JWK> keys = pki.identity(partner).signingKeys();
      assertThat(keys)
          .extracting(key -> key.getKeyID() + ":" + key.getAlgorithm())
          .containsExactlyElementsOf(expected.get(partner));
      for (JWK key : keys) {
        assertSignsAndVerifies(key, registered.getKeyByKeyId(key.getKeyID()));
      }
    }
    JWK gateway = JWK.parse(Files.readString(pki.gatewaySigningKey()));
    assertThat(gateway.getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertSignsAndVerifies(
        gateway,
        JWKSet.parse(Files.readString(pki.gatewayJwks())).getKeyByKeyId("gateway-es256-1"));
  }

  @Test
  void thumbprintIsTheRfc8705Value() {
    X509Certificate alpha = pki.identity("marketplace-alpha").x509();
    assertThat(org.parcelgate.protocol.Digests.thumbprint(alpha))
        .isEqualTo(X509CertUtils.computeSHA256Thumbprint(alpha).toString())
        .hasSize(43)
        .matches("[A-Za-z0-9_-]+");
  }

  private static List<Path> files(SamplePki sample) {
    return List.of(
        sample.trustAnchor(),
        sample.untrustedCaCertificate(),
        sample.crl(),
        sample.registry(),
        sample.serverCertificate(),
        sample.serverKey(),
        sample.gatewaySigningKey(),
        sample.gatewayJwks());
  }

  private static void assertSignsAndVerifies(JWK privateKey, JWK publicKey)
      throws JOSEException, ParseException {
    assertThat(privateKey.isPrivate()).isTrue();
    assertThat(publicKey).isEqualTo(privateKey.toPublicJWK());
    JWSAlgorithm alg = JWSAlgorithm.parse(privateKey.getAlgorithm().getName());
    JWSSigner signer;
    JWSVerifier verifier;
    if (alg.equals(JWSAlgorithm.ES256)) {
      signer = new ECDSASigner(privateKey.toECKey());
      verifier = new ECDSAVerifier(publicKey.toECKey());
    } else if (alg.equals(JWSAlgorithm.PS256)) {
      signer = new RSASSASigner(privateKey.toRSAKey());
      verifier = new RSASSAVerifier(publicKey.toRSAKey());
    } else {
      signer = new Ed25519Signer(privateKey.toOctetKeyPair());
      verifier = new Ed25519Verifier(publicKey.toOctetKeyPair());
    }
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(alg).keyID(privateKey.getKeyID()).build(), new Payload("{}"));
    jws.sign(signer);
    assertThat(JWSObject.parse(jws.serialize()).verify(verifier))
        .as(privateKey.getKeyID())
        .isTrue();

    JWSObject viaHelper = new JWSObject(new JWSHeader(alg), new Payload("{}"));
    viaHelper.sign(org.parcelgate.protocol.SignatureAlgorithms.signer(privateKey));
    assertThat(viaHelper.verify(verifier)).isTrue();
  }

  private static JWKSet registeredKeys() throws IOException, ParseException {
    Map<String, Object>[] partners =
        JSONObjectUtils.getJSONObjectArray(
            JSONObjectUtils.parse(Files.readString(pki.registry())), "partners");
    return new JWKSet(Stream.of(partners).flatMap(partner -> parseKeys(partner).stream()).toList());
  }

  private static List<JWK> parseKeys(Map<String, Object> partner) {
    try {
      return JWKSet.parse(JSONObjectUtils.getJSONObject(partner, "jwks")).getKeys();
    } catch (ParseException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertPublicSigningKey(JWK key) {
    assertThat(key.isPrivate()).isFalse();
    assertThat(key.toJSONObject()).doesNotContainKeys("d", "p", "q", "dp", "dq", "qi");
    assertThat(key.getKeyID()).isNotBlank();
    assertThat(key.getAlgorithm()).isIn(JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.EdDSA);
    assertThat(key.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
    assertThat(key).isInstanceOfAny(ECKey.class, RSAKey.class, OctetKeyPair.class);
  }

  private static void assertKeyMatches(PrivateKey privateKey, PublicKey publicKey)
      throws GeneralSecurityException {
    String algorithm =
        switch (publicKey.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> publicKey.getAlgorithm();
        };
    byte[] message = "parcelgate".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(privateKey);
    signer.update(message);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(publicKey);
    verifier.update(message);
    assertThat(verifier.verify(signature)).isTrue();
  }
}
