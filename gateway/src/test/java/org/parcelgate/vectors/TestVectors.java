package org.parcelgate.vectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.parcelgate.ingest.WriterSchemas;
import org.parcelgate.protocol.Digests;
import org.parcelgate.protocol.Receipt;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.signing.GatewaySigner;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.signing.ReceiptSigner;

/**
 * Makes the files of docs/test-vectors/ from fixed inputs alone: every key is an Ed25519 key whose
 * 32-byte seed is SHA-256 of a fixed text, every signature is Ed25519 (deterministic, RFC 8032),
 * the certificate is self-signed with Ed25519 and fixed dates and serial, and the batch is a
 * container with a fixed sync marker. So the same files come out every time, and {@link
 * TestVectorsTest} can require the committed ones to be exactly these. None of these keys is in any
 * registry: they sign for a partner id no gateway knows, to an audience no gateway has.
 */
final class TestVectors {
  static final String PARTNER_ID = "test-vector-marketplace";
  static final String AUDIENCE = "parcelgate-test-vectors";
  static final String GATEWAY_ID = "parcelgate-test-vectors";
  static final String PARTNER_KID = "test-vector-partner-eddsa";
  static final String GATEWAY_KID = "test-vector-gateway-eddsa";
  static final String PARTNER_SEED_TEXT = "parcelgate test vector: partner signing key";
  static final String GATEWAY_SEED_TEXT = "parcelgate test vector: gateway signing key";
  static final String CERTIFICATE_SEED_TEXT = "parcelgate test vector: client certificate key";
  static final String SYNC_TEXT = "parcelgate test vector: sync marker";
  static final String JTI = "test-vector-0001";
  static final Instant ISSUED_AT = Instant.parse("2027-01-01T00:00:00Z");
  static final long LIFETIME_SECONDS = 120;
  static final Instant RECEIVED_AT = ISSUED_AT.plusSeconds(1);
  static final String BATCH_ID = "00000000-0000-4000-8000-000000000001";
  static final int RECORDS = 2;

  static final String PARTNER_KEY_FILE = "partner-signing-key.TEST-VECTOR-ONLY.jwk.json";
  static final String PARTNER_JWKS_FILE = "partner-jwks.json";
  static final String GATEWAY_KEY_FILE = "gateway-signing-key.TEST-VECTOR-ONLY.jwk.json";
  static final String GATEWAY_JWKS_FILE = "gateway-jwks.json";
  static final String CERTIFICATE_FILE = "client-certificate.pem";
  static final String BODY_FILE = "body.avro";
  static final String VECTORS_FILE = "vectors.json";

  /** The generated files, by name, in the order the README describes them. */
  static Map<String, byte[]> generate() {
    OctetKeyPair partnerKey = ed25519(PARTNER_SEED_TEXT, PARTNER_KID);
    OctetKeyPair gatewayKey = ed25519(GATEWAY_SEED_TEXT, GATEWAY_KID);
    X509Certificate certificate = certificate();
    byte[] body = body();
    String thumbprint = Digests.thumbprint(certificate);
    String bodySha256 = Digests.sha256Base64Url(body);
    String fingerprint = WriterSchemas.fingerprint(Transaction.getClassSchema());

    // The token's two JSON texts are written out member by member, so the signing input is
    // exactly these bytes whatever a JSON library would order or space.
    String header =
        "{\"alg\":\"EdDSA\",\"kid\":\"" + PARTNER_KID + "\",\"typ\":\"parcelgate-request+jwt\"}";
    long iat = ISSUED_AT.getEpochSecond();
    String claims =
        "{\"iss\":\""
            + PARTNER_ID
            + "\",\"sub\":\""
            + PARTNER_ID
            + "\",\"aud\":\""
            + AUDIENCE
            + "\",\"iat\":"
            + iat
            + ",\"exp\":"
            + (iat + LIFETIME_SECONDS)
            + ",\"jti\":\""
            + JTI
            + "\",\"cnf\":{\"x5t#S256\":\""
            + thumbprint
            + "\"},\"body_sha256\":\""
            + bodySha256
            + "\"}";
    String headerSegment = base64Url(header.getBytes(StandardCharsets.UTF_8));
    String claimsSegment = base64Url(claims.getBytes(StandardCharsets.UTF_8));
    String signingInput = headerSegment + "." + claimsSegment;
    String signature = sign(partnerKey, signingInput);
    String token = signingInput + "." + signature;

    Receipt receipt =
        new Receipt(
            BATCH_ID,
            PARTNER_ID,
            bodySha256,
            JTI,
            RECEIVED_AT,
            fingerprint,
            RECORDS,
            RECORDS,
            0,
            0);
    String receiptJws =
        new ReceiptSigner(new GatewaySigner(keys(gatewayKey), GATEWAY_ID)).sign(receipt);
    String[] receiptParts = receiptJws.split("\\.");

    JsonObject vectors =
        new JsonObject()
            .put(
                "about",
                "Parcelgate protocol test vectors. TEST KEYS ONLY: no gateway registers them. See"
                    + " README.md.")
            .put(
                "keys",
                new JsonObject()
                    .put(
                        "partnerSigningKey",
                        new JsonObject()
                            .put("file", PARTNER_KEY_FILE)
                            .put("kid", PARTNER_KID)
                            .put("seedText", PARTNER_SEED_TEXT)
                            .put("publicJwkSet", PARTNER_JWKS_FILE))
                    .put(
                        "gatewaySigningKey",
                        new JsonObject()
                            .put("file", GATEWAY_KEY_FILE)
                            .put("kid", GATEWAY_KID)
                            .put("seedText", GATEWAY_SEED_TEXT)
                            .put("publicJwkSet", GATEWAY_JWKS_FILE)))
            .put(
                "certificate",
                new JsonObject()
                    .put("file", CERTIFICATE_FILE)
                    .put("seedText", CERTIFICATE_SEED_TEXT)
                    .put("x5t#S256", thumbprint))
            .put(
                "body",
                new JsonObject()
                    .put("file", BODY_FILE)
                    .put("length", body.length)
                    .put("records", RECORDS)
                    .put("writerSchemaFingerprint", fingerprint)
                    .put("sha256Hex", Digests.sha256Hex(body))
                    .put("body_sha256", bodySha256))
            .put(
                "requestToken",
                new JsonObject()
                    .put("header", header)
                    .put("claims", claims)
                    .put("headerSegment", headerSegment)
                    .put("claimsSegment", claimsSegment)
                    .put("signingInput", signingInput)
                    .put("signature", signature)
                    .put("token", token))
            .put(
                "receipt",
                new JsonObject()
                    .put("header", decode(receiptParts[0]))
                    .put("claims", decode(receiptParts[1]))
                    .put("jws", receiptJws));

    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(PARTNER_KEY_FILE, utf8(json(partnerKey.toJSONObject())));
    files.put(PARTNER_JWKS_FILE, utf8(json(new JWKSet(partnerKey.toPublicJWK()).toJSONObject())));
    files.put(GATEWAY_KEY_FILE, utf8(json(gatewayKey.toJSONObject())));
    files.put(GATEWAY_JWKS_FILE, utf8(json(new JWKSet(gatewayKey.toPublicJWK()).toJSONObject())));
    files.put(CERTIFICATE_FILE, utf8(pem(certificate)));
    files.put(BODY_FILE, body);
    files.put(VECTORS_FILE, utf8(vectors.encodePrettily() + "\n"));
    return files;
  }

  static byte[] seed(String text) {
    return Digests.sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static OctetKeyPair ed25519(String seedText, String kid) {
    Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(seed(seedText), 0);
    return new OctetKeyPair.Builder(
            Curve.Ed25519, Base64URL.encode(key.generatePublicKey().getEncoded()))
        .d(Base64URL.encode(key.getEncoded()))
        .keyID(kid)
        .algorithm(JWSAlgorithm.EdDSA)
        .build();
  }

  private static GatewaySigningKeys keys(OctetKeyPair key) {
    try {
      java.nio.file.Path file = java.nio.file.Files.createTempFile("test-vector-gateway", ".jwk");
      try {
        java.nio.file.Files.writeString(file, key.toJSONString());
        return GatewaySigningKeys.load(file, java.util.Optional.empty());
      } finally {
        java.nio.file.Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sign(OctetKeyPair key, String signingInput) {
    try {
      return new Ed25519Signer(key)
          .sign(new JWSHeader(JWSAlgorithm.EdDSA), signingInput.getBytes(StandardCharsets.US_ASCII))
          .toString();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate certificate() {
    try {
      Ed25519PrivateKeyParameters key =
          new Ed25519PrivateKeyParameters(seed(CERTIFICATE_SEED_TEXT), 0);
      BouncyCastleProvider provider = new BouncyCastleProvider();
      KeyFactory factory = KeyFactory.getInstance("Ed25519", provider);
      PrivateKey privateKey =
          factory.generatePrivate(
              new PKCS8EncodedKeySpec(
                  PrivateKeyInfoFactory.createPrivateKeyInfo(key).getEncoded()));
      PublicKey publicKey =
          factory.generatePublic(
              new X509EncodedKeySpec(
                  SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key.generatePublicKey())
                      .getEncoded()));
      X500Name name = new X500Name("CN=" + PARTNER_ID + ",O=Parcelgate test vectors (not for use)");
      var holder =
          new JcaX509v3CertificateBuilder(
                  name,
                  BigInteger.ONE,
                  Date.from(Instant.parse("2026-01-01T00:00:00Z")),
                  Date.from(Instant.parse("2036-01-01T00:00:00Z")),
                  name,
                  publicKey)
              .build(
                  new JcaContentSignerBuilder("Ed25519").setProvider(provider).build(privateKey));
      return new JcaX509CertificateConverter().setProvider(provider).getCertificate(holder);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the test-vector certificate", e);
    }
  }

  private static byte[] body() {
    org.parcelgate.schema.AvroTrust.install();
    List<Transaction> records =
        SampleTransactions.batch(RECORDS, Instant.parse("2026-12-31T12:00:00Z"));
    byte[] sync = Arrays.copyOf(seed(SYNC_TEXT), 16);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<Transaction> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(Transaction.class))) {
      writer.create(Transaction.getClassSchema(), out, sync);
      for (Transaction record : records) {
        writer.append(record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String pem(X509Certificate certificate) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(certificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static String json(Map<String, Object> members) {
    return new JsonObject(members).encodePrettily() + "\n";
  }

  private static String decode(String segment) {
    return new String(Base64URL.from(segment).decode(), StandardCharsets.UTF_8);
  }

  private static String base64Url(byte[] bytes) {
    return Base64URL.encode(bytes).toString();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private TestVectors() {}
}
