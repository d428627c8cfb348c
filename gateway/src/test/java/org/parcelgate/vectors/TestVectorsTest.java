package org.parcelgate.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.parcelgate.auth.CaffeineReplayGuard;
import org.parcelgate.auth.Partner;
import org.parcelgate.auth.PartnerRegistry;
import org.parcelgate.auth.PartnerRegistryParser;
import org.parcelgate.auth.RequestTokenVerifier;
import org.parcelgate.auth.TokenPolicy;
import org.parcelgate.auth.VerifiedRequest;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.ingest.BatchDecoder;
import org.parcelgate.ingest.IngestLimits;
import org.parcelgate.ingest.WriterSchemas;
import org.parcelgate.protocol.Digests;
import org.parcelgate.protocol.Receipt;
import org.parcelgate.protocol.SignatureAlgorithms;
import org.parcelgate.testing.ProjectFiles;

/**
 * The test vectors of docs/test-vectors/ hold: the committed files are exactly what {@link
 * TestVectors} makes from its fixed inputs, and every value in them is checked with the project's
 * own code, as the gateway and the client would (the token by the gateway's verifier, the body by
 * its decoder, the receipt by the client's check). Run with {@code
 * -Dparcelgate.test-vectors.write=true} to write the files again after a deliberate change.
 */
class TestVectorsTest {
  private static final Path DIRECTORY = ProjectFiles.resolve("docs/test-vectors");

  private static JsonObject vectors;
  private static byte[] body;
  private static X509Certificate certificate;

  @BeforeAll
  static void load() throws IOException, CertificateException {
    org.parcelgate.schema.AvroTrust.install();
    if (Boolean.getBoolean("parcelgate.test-vectors.write")) {
      for (Map.Entry<String, byte[]> file : TestVectors.generate().entrySet()) {
        Files.write(DIRECTORY.resolve(file.getKey()), file.getValue());
      }
    }
    vectors = new JsonObject(read(TestVectors.VECTORS_FILE));
    body = Files.readAllBytes(DIRECTORY.resolve(TestVectors.BODY_FILE));
    certificate =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(
                        Files.readAllBytes(DIRECTORY.resolve(TestVectors.CERTIFICATE_FILE))));
  }

  @Test
  void committedFilesAreExactlyWhatTheGeneratorMakes() throws IOException {
    for (Map.Entry<String, byte[]> file : TestVectors.generate().entrySet()) {
      Path committed = DIRECTORY.resolve(file.getKey());
      assertThat(committed).as(file.getKey()).exists();
      assertThat(Files.readAllBytes(committed))
          .as(
              file.getKey()
                  + " differs from what TestVectors makes: after a deliberate change, run this test"
                  + " with -Dparcelgate.test-vectors.write=true")
          .isEqualTo(file.getValue());
    }
  }

  @Test
  void keysAreTheEd25519KeysOfTheirSeedTexts() throws IOException, ParseException {
    OctetKeyPair partner = OctetKeyPair.parse(read(TestVectors.PARTNER_KEY_FILE));
    OctetKeyPair gateway = OctetKeyPair.parse(read(TestVectors.GATEWAY_KEY_FILE));

    assertThat(partner.getD().decode())
        .isEqualTo(Digests.sha256(TestVectors.PARTNER_SEED_TEXT.getBytes(StandardCharsets.UTF_8)));
    assertThat(gateway.getD().decode())
        .isEqualTo(Digests.sha256(TestVectors.GATEWAY_SEED_TEXT.getBytes(StandardCharsets.UTF_8)));
    assertThat(JWKSet.parse(read(TestVectors.PARTNER_JWKS_FILE)).getKeys())
        .containsExactly(partner.toPublicJWK());
    assertThat(JWKSet.parse(read(TestVectors.GATEWAY_JWKS_FILE)).getKeys())
        .containsExactly(gateway.toPublicJWK());
  }

  @Test
  void noSampleRegistryTrustsTheTestVectorKeysOrCertificate() throws IOException, ParseException {
    String registry =
        Files.readString(ProjectFiles.resolve("keys-sample/generated/registry/partners.json"));
    OctetKeyPair partner = OctetKeyPair.parse(read(TestVectors.PARTNER_KEY_FILE));

    assertThat(registry)
        .doesNotContain(partner.getX().toString())
        .doesNotContain(TestVectors.PARTNER_KID)
        .doesNotContain(Digests.thumbprint(certificate))
        .doesNotContain(TestVectors.PARTNER_ID);
  }

  @Test
  void thumbprintAndBodyDigestAreThoseOfTheFiles() {
    assertThat(vectors.getJsonObject("certificate").getString("x5t#S256"))
        .isEqualTo(Digests.thumbprint(certificate))
        .hasSize(43);
    JsonObject bodyVector = vectors.getJsonObject("body");
    assertThat(bodyVector.getInteger("length")).isEqualTo(body.length);
    assertThat(bodyVector.getString("sha256Hex")).isEqualTo(Digests.sha256Hex(body));
    assertThat(bodyVector.getString("body_sha256"))
        .isEqualTo(Digests.sha256Base64Url(body))
        .isEqualTo(
            Base64URL.encode(java.util.HexFormat.of().parseHex(bodyVector.getString("sha256Hex")))
                .toString());
  }

  @Test
  void bodyIsABatchTheGatewayDecodesWithTheNamedWriterSchema() {
    BatchDecoder.DecodedBatch batch =
        new BatchDecoder(WriterSchemas.shipped(), new IngestLimits(100, 1 << 20)).decode(body);

    JsonObject bodyVector = vectors.getJsonObject("body");
    assertThat(batch.records()).hasSize(bodyVector.getInteger("records"));
    assertThat(batch.writer().fingerprint())
        .isEqualTo(bodyVector.getString("writerSchemaFingerprint"));
  }

  @Test
  void signingInputIsTheTwoSegmentsAndItsEd25519SignatureIsTheVector() throws Exception {
    JsonObject token = vectors.getJsonObject("requestToken");
    String header = token.getString("header");
    String claims = token.getString("claims");
    String signingInput =
        Base64URL.encode(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + Base64URL.encode(claims.getBytes(StandardCharsets.UTF_8));
    OctetKeyPair key = OctetKeyPair.parse(read(TestVectors.PARTNER_KEY_FILE));

    assertThat(token.getString("signingInput")).isEqualTo(signingInput);
    assertThat(
            new Ed25519Signer(key)
                .sign(
                    new JWSHeader(JWSAlgorithm.EdDSA),
                    signingInput.getBytes(StandardCharsets.US_ASCII))
                .toString())
        .isEqualTo(token.getString("signature"));
    assertThat(token.getString("token"))
        .isEqualTo(signingInput + "." + token.getString("signature"));
    JsonObject parsed = new JsonObject(claims);
    assertThat(parsed.getJsonObject("cnf").getString("x5t#S256"))
        .isEqualTo(Digests.thumbprint(certificate));
    assertThat(parsed.getString("body_sha256")).isEqualTo(Digests.sha256Base64Url(body));
  }

  @Test
  void tokenPassesTheGatewaysVerifierOverTheCertificateAndBody() throws IOException {
    VerifiedRequest request =
        verifier().verify(partner(), token(), Digests.thumbprint(certificate), body.clone());

    assertThat(request.partner().id()).isEqualTo(TestVectors.PARTNER_ID);
    assertThat(request.keyId()).isEqualTo(TestVectors.PARTNER_KID);
    assertThat(request.jti()).isEqualTo(TestVectors.JTI);
    assertThat(request.bodySha256()).isEqualTo(Digests.sha256Base64Url(body));
  }

  @Test
  void tokenIsRefusedOverAnotherBody() throws IOException {
    byte[] other = body.clone();
    other[other.length - 1] ^= 1;

    assertRefused(
        () -> verifier().verify(partner(), token(), Digests.thumbprint(certificate), other),
        ProblemCode.DIGEST_MISMATCH);
  }

  @Test
  void tokenIsRefusedOnAConnectionWithAnotherCertificate() throws IOException {
    String another = Digests.sha256Base64Url(new byte[] {1});

    assertRefused(
        () -> verifier().verify(partner(), token(), another, body.clone()),
        ProblemCode.CERTIFICATE_BINDING_MISMATCH);
  }

  @Test
  void tokenWithAChangedClaimDoesNotVerify() throws IOException {
    String[] parts = token().split("\\.");
    String changed =
        Base64URL.encode(
                vectors
                    .getJsonObject("requestToken")
                    .getString("claims")
                    .replace(TestVectors.JTI, "test-vector-0002")
                    .getBytes(StandardCharsets.UTF_8))
            .toString();

    assertRefused(
        () ->
            verifier()
                .verify(
                    partner(),
                    parts[0] + "." + changed + "." + parts[2],
                    Digests.thumbprint(certificate),
                    body.clone()),
        ProblemCode.INVALID_SIGNATURE);
  }

  @Test
  void receiptVerifiesWithThePublishedGatewayKeysAndAttestsTheBatch() throws Exception {
    JsonObject receiptVector = vectors.getJsonObject("receipt");
    Receipt receipt =
        Receipt.verify(
            receiptVector.getString("jws"), JWKSet.parse(read(TestVectors.GATEWAY_JWKS_FILE)));

    assertThat(receipt.bodySha256()).isEqualTo(Digests.sha256Base64Url(body));
    assertThat(receipt.requestJti()).isEqualTo(TestVectors.JTI);
    assertThat(receipt.marketplaceId()).isEqualTo(TestVectors.PARTNER_ID);
    assertThat(receipt.writerSchema())
        .isEqualTo(vectors.getJsonObject("body").getString("writerSchemaFingerprint"));
    assertThat(receipt.records()).isEqualTo(vectors.getJsonObject("body").getInteger("records"));
    String[] parts = receiptVector.getString("jws").split("\\.");
    assertThat(new String(Base64URL.from(parts[0]).decode(), StandardCharsets.UTF_8))
        .isEqualTo(receiptVector.getString("header"));
    assertThat(new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8))
        .isEqualTo(receiptVector.getString("claims"));
  }

  @Test
  void receiptDoesNotVerifyWithAnotherGatewaysKeysOrChangedClaims() throws Exception {
    String jws = vectors.getJsonObject("receipt").getString("jws");
    JWKSet others = JWKSet.parse(read(TestVectors.PARTNER_JWKS_FILE));
    String[] parts = jws.split("\\.");
    String changed =
        Base64URL.encode(
                vectors
                    .getJsonObject("receipt")
                    .getString("claims")
                    .replace("\"accepted\":2", "\"accepted\":1")
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    JWKSet gateway = JWKSet.parse(read(TestVectors.GATEWAY_JWKS_FILE));

    assertThatThrownBy(() -> Receipt.verify(jws, others))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(changed).isNotEqualTo(parts[1]);
    assertThatThrownBy(() -> Receipt.verify(parts[0] + "." + changed + "." + parts[2], gateway))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertRefused(Runnable call, ProblemCode code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.problem()).isEqualTo(code));
  }

  private static String token() {
    return vectors.getJsonObject("requestToken").getString("token");
  }

  /** The gateway's verifier, at the token's issue time, for the vectors' audience. */
  private static RequestTokenVerifier verifier() {
    Clock clock = Clock.fixed(TestVectors.ISSUED_AT.plusSeconds(10), ZoneOffset.UTC);
    return new RequestTokenVerifier(
        new TokenPolicy(
            TestVectors.AUDIENCE,
            SignatureAlgorithms.SUPPORTED,
            Duration.ofSeconds(30),
            Duration.ofSeconds(300)),
        new CaffeineReplayGuard(100, clock),
        clock);
  }

  /** The test-vector partner, registered as an operator would: by thumbprint and public JWK set. */
  private static Partner partner() {
    String jwks;
    try {
      jwks = read(TestVectors.PARTNER_JWKS_FILE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String registry =
        new JsonObject()
            .put(
                "partners",
                new io.vertx.core.json.JsonArray()
                    .add(
                        new JsonObject()
                            .put("id", TestVectors.PARTNER_ID)
                            .put("role", "marketplace")
                            .put("status", "active")
                            .put(
                                "certificates",
                                new io.vertx.core.json.JsonArray()
                                    .add(Digests.thumbprint(certificate)))
                            .put("jwks", new JsonObject(jwks))))
            .encode();
    PartnerRegistry parsed = PartnerRegistryParser.parse(registry.getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.partners()).hasSize(1);
    return parsed.byId(TestVectors.PARTNER_ID).orElseThrow();
  }

  private static String read(String file) throws IOException {
    return Files.readString(DIRECTORY.resolve(file), StandardCharsets.UTF_8);
  }
}
