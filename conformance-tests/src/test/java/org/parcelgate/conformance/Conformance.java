package org.parcelgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.parcelgate.pki.Identity;
import org.parcelgate.protocol.SignatureAlgorithms;
import org.parcelgate.schema.AvroTrust;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;

/**
 * What every conformance check needs: the target, its partners, and the suite's own reading of
 * answers. Deliberately independent of the gateway's and the client's code: signatures are verified
 * with Nimbus directly, Merkle roots with {@link Rfc9162}, so a shared bug cannot hide.
 */
final class Conformance {
  /** Random, so runs against one store do not reuse order numbers (a run takes about 50). */
  private static final AtomicInteger ORDERS =
      new AtomicInteger(1 + new java.security.SecureRandom().nextInt(80_000_000));

  /** The 401 codes about the token, which carry {@code WWW-Authenticate: Bearer error=...}. */
  private static final Set<String> TOKEN_CODES =
      Set.of(
          "invalid_token",
          "unsupported_algorithm",
          "unknown_key",
          "invalid_signature",
          "issuer_mismatch",
          "audience_mismatch",
          "token_expired",
          "token_not_yet_valid",
          "token_lifetime_too_long",
          "token_replayed",
          "certificate_binding_mismatch",
          "digest_mismatch");

  private Conformance() {}

  static Target target() {
    AvroTrust.install();
    return Target.get();
  }

  static Partners partner(String name) {
    Target target = target();
    return new Partners(target, target.pki.identity(name));
  }

  /**
   * The registered partners of the PKI directory that are active (all but the sample's suspended
   * one), of one role or, for {@code null}, of every role: a partner added to the directory's
   * manifest is checked on every good path.
   */
  static List<Identity> activePartners(String role) {
    return target().pki.partners().stream()
        .filter(identity -> !identity.partnerId().equals("marketplace-suspended"))
        .filter(identity -> role == null || role.equals(identity.role()))
        .toList();
  }

  static Map<String, Object> json(HttpResponse<String> response) throws ParseException {
    return JSONObjectUtils.parse(response.body());
  }

  /**
   * Asserts an RFC 9457 answer with this status and code, shaped as protocol sections 3 and 4 say:
   * its {@code type}, {@code requestId} equal to {@code X-Request-Id}, a short {@code detail},
   * {@code Cache-Control: no-store}, {@code X-Content-Type-Options: nosniff}, and the Bearer
   * challenge on the token's refusals only.
   */
  static void assertProblem(HttpResponse<String> response, int status, String code)
      throws ParseException {
    assertProblem("", response, status, code);
  }

  /** The same, for one case of several in a check, named in a failure. */
  static void assertProblem(String label, HttpResponse<String> response, int status, String code)
      throws ParseException {
    String in = label.isEmpty() ? "" : label + ": ";
    assertThat(response.statusCode()).as("%sstatus of %s", in, response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .as(in + "Content-Type")
        .hasValue("application/problem+json");
    Map<String, Object> problem = json(response);
    assertThat(problem.get("code")).as("%scode of %s", in, response.body()).isEqualTo(code);
    assertThat(problem.get("type")).as(in + "type").isEqualTo("urn:parcelgate:problem:" + code);
    assertThat(problem.get("status")).as(in + "status member").isEqualTo((long) status);
    assertThat(problem.get("requestId"))
        .as(in + "requestId equals X-Request-Id")
        .isNotNull()
        .isEqualTo(response.headers().firstValue("X-Request-Id").orElse(null));
    assertThat(response.headers().firstValue("Cache-Control"))
        .as(in + "Cache-Control")
        .hasValue("no-store");
    assertThat(response.headers().firstValue("X-Content-Type-Options"))
        .as(in + "X-Content-Type-Options")
        .hasValue("nosniff");
    assertThat(problem.get("detail"))
        .as(in + "detail: at most 300 characters, no control characters")
        .asString()
        .hasSizeLessThanOrEqualTo(300)
        .doesNotContainPattern("\\p{Cntrl}");
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .as(in + "WWW-Authenticate")
        .isEqualTo(
            code.equals("missing_token")
                ? Optional.of("Bearer")
                : TOKEN_CODES.contains(code)
                    ? Optional.of("Bearer error=\"invalid_token\"")
                    : Optional.empty());
  }

  /**
   * A valid token of the partner with its header and claims rewritten as JSON text, then signed
   * again with the partner's key: for the rules a JOSE library does not let a client break (an
   * empty {@code crit}, a repeated member, claims that are not a JSON object).
   */
  static String resigned(
      Partners partner, UnaryOperator<String> header, UnaryOperator<String> claims)
      throws ParseException, JOSEException {
    JWK key = partner.identity().signingKeys().get(0);
    JWSObject valid = JWSObject.parse(partner.token(key.getAlgorithm().getName()).sign());
    String signingInput =
        Base64URL.encode(header.apply(valid.getHeader().getParsedBase64URL().decodeToString()))
            + "."
            + Base64URL.encode(claims.apply(valid.getPayload().toString()));
    Base64URL signature =
        SignatureAlgorithms.signer(key)
            .sign(
                new JWSHeader(valid.getHeader().getAlgorithm()),
                signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + signature;
  }

  /** Valid orders whose numbers no earlier run used (the counter starts from the clock). */
  static List<Transaction> records(int count) {
    return SampleTransactions.batch(
        ORDERS.getAndAdd(count), count, Instant.now().minusSeconds(3600));
  }

  static byte[] batch(int count) throws IOException {
    return container(records(count));
  }

  static byte[] container(List<Transaction> records) throws IOException {
    return container(Transaction.getClassSchema(), records);
  }

  /** A deflate container with this writer schema (a record's fields are written by position). */
  static byte[] container(Schema schema, List<Transaction> records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataFileWriter<Transaction> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(schema))) {
      writer.setCodec(CodecFactory.deflateCodec(6));
      writer.create(schema, out);
      for (Transaction record : records) {
        writer.append(record);
      }
    }
    return out.toByteArray();
  }

  /** The gateway's published keys. */
  static JWKSet gatewayKeys() throws IOException, InterruptedException, ParseException {
    HttpResponse<String> keys = partner("marketplace-alpha").get("/.well-known/jwks.json", null);
    assertThat(keys.statusCode()).isEqualTo(200);
    return JWKSet.parse(keys.body());
  }

  /** Whether a JWS verifies with the published key its kid names, by that key's own algorithm. */
  static boolean verifies(JWSObject jws, JWKSet keys) throws JOSEException {
    JWK key = keys.getKeyByKeyId(jws.getHeader().getKeyID());
    assertThat(key).as("kid %s is published", jws.getHeader().getKeyID()).isNotNull();
    assertThat(jws.getHeader().getAlgorithm().getName())
        .as("the algorithm bound to the key (protocol section 2)")
        .isEqualTo(key instanceof ECKey ? "ES256" : key instanceof RSAKey ? "PS256" : "EdDSA");
    JWSVerifier verifier;
    if (key instanceof ECKey ec) {
      verifier = new ECDSAVerifier(ec);
    } else if (key instanceof RSAKey rsa) {
      verifier = new RSASSAVerifier(rsa);
    } else {
      verifier = new Ed25519Verifier((OctetKeyPair) key);
    }
    return jws.verify(verifier);
  }
}
