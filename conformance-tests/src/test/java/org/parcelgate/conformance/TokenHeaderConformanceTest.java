package org.parcelgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.conformance.Conformance.assertProblem;
import static org.parcelgate.conformance.Conformance.partner;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.RequestTokens;

/**
 * Protocol section 2, the {@code Authorization} header, the JOSE header and the signature: every
 * partner's every key accepted, then one rule broken at a time, each with the documented status and
 * code (claims, times, body binding and replay are {@link TokenClaimsConformanceTest}).
 */
@ExtendWith(ConformanceReport.class)
class TokenHeaderConformanceTest {
  private static final int MAX_TOKEN_LENGTH = 8192;

  private final Partners alpha = partner("marketplace-alpha");

  @Test
  void acceptsEveryRegisteredActivePartnerWithEachOfItsKeys() throws Exception {
    for (var identity : Conformance.activePartners(null)) {
      Partners partner = new Partners(Conformance.target(), identity);
      for (JWK key : identity.signingKeys()) {
        String alg = key.getAlgorithm().getName();
        var response = partner.get("/v1/whoami", partner.token(alg).sign());
        assertThat(response.statusCode()).as("%s with %s", identity.name(), alg).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, Object> body = Conformance.json(response);
        assertThat(body.get("partnerId")).isEqualTo(identity.partnerId());
        assertThat(body.get("role")).isEqualTo(identity.role());
        assertThat(body.get("keyId")).isEqualTo(key.getKeyID());
      }
    }
  }

  @Test
  void acceptsTheBearerSchemeInAnyCaseWithWhitespaceAroundTheToken() throws Exception {
    var response =
        alpha.send(
            alpha
                .request("/v1/whoami")
                .header("Authorization", "bEaReR   " + alpha.token().sign()));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void refusesARequestWithoutAToken() throws Exception {
    assertProblem(alpha.get("/v1/whoami", null), 401, "missing_token");
  }

  @Test
  void refusesAnotherSchemeThanBearer() throws Exception {
    String token = alpha.token().sign();
    for (String header : List.of("Basic " + token, "Bearer" + token, "Token " + token)) {
      assertProblem(
          header.substring(0, 6),
          alpha.send(alpha.request("/v1/whoami").header("Authorization", header)),
          401,
          "invalid_token");
    }
  }

  @Test
  void refusesTwoAuthorizationHeaders() throws Exception {
    var response =
        alpha.send(
            alpha
                .request("/v1/whoami")
                .header("Authorization", "Bearer " + alpha.token().sign())
                .header("Authorization", "Bearer " + alpha.token().sign()));
    assertProblem(response, 401, "invalid_token");
  }

  @Test
  void refusesAnOtherwiseValidTokenOverTheLengthLimit() throws Exception {
    List<String> tokens = aroundTheLengthLimit();

    assertThat(alpha.get("/v1/whoami", tokens.get(0)).statusCode())
        .as("a valid token of %d characters", tokens.get(0).length())
        .isEqualTo(200);
    assertProblem(
        tokens.get(1).length() + " characters",
        alpha.get("/v1/whoami", tokens.get(1)),
        401,
        "invalid_token");
  }

  @Test
  void refusesATokenThatIsNotACompactJws() throws Exception {
    JWSObject valid = JWSObject.parse(alpha.token().sign());
    String json =
        "{\"payload\":\""
            + valid.getPayload().toBase64URL()
            + "\",\"protected\":\""
            + valid.getHeader().toBase64URL()
            + "\",\"signature\":\""
            + valid.getSignature()
            + "\"}";
    assertProblem("garbage", alpha.get("/v1/whoami", "not-a-token"), 401, "invalid_token");
    assertProblem(
        "JSON serialization",
        alpha.send(alpha.request("/v1/whoami").header("Authorization", "Bearer " + json)),
        401,
        "invalid_token");
  }

  @Test
  void refusesAValidTokenSpelledOtherThanInUnpaddedCanonicalBase64url() throws Exception {
    for (Respelling respelling : respellings()) {
      String token = tokenWhere(respelling.applies());
      String[] segments = token.split("\\.");
      respelling.change().accept(segments);
      String other = String.join(".", segments);
      assertThat(other).as("%s: another spelling", respelling.name()).isNotEqualTo(token);

      assertProblem(respelling.name(), alpha.get("/v1/whoami", other), 401, "invalid_token");
      // The refusal did not spend the jti (protocol section 2, Replay): the same token in its one
      // spelling is accepted, so the spelling alone made the difference.
      assertThat(alpha.get("/v1/whoami", token).statusCode())
          .as("%s: the same token spelled canonically (control)", respelling.name())
          .isEqualTo(200);
    }
  }

  @Test
  void refusesAnEncryptedToken() throws Exception {
    JWEObject jwe =
        new JWEObject(
            new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A128GCM)
                .type(new JOSEObjectType("parcelgate-request+jwt"))
                .keyID(alpha.token().kid())
                .build(),
            new Payload(JWSObject.parse(alpha.token().sign()).getPayload().toString()));
    jwe.encrypt(new DirectEncrypter(new OctetSequenceKeyGenerator(128).generate().toByteArray()));
    assertProblem(alpha.get("/v1/whoami", jwe.serialize()), 401, "invalid_token");
  }

  @Test
  void refusesAnUnsecuredToken() throws Exception {
    String header = encode("{\"alg\":\"none\",\"typ\":\"parcelgate-request+jwt\"}");
    String claims = JWSObject.parse(alpha.token().sign()).getPayload().toBase64URL().toString();
    assertProblem(
        alpha.get("/v1/whoami", header + "." + claims + "."), 401, "unsupported_algorithm");
  }

  @Test
  void refusesAnHmacToken() throws Exception {
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType("parcelgate-request+jwt"))
                .keyID(alpha.token().kid())
                .build(),
            JWSObject.parse(alpha.token().sign()).getPayload());
    jws.sign(new MACSigner(new OctetSequenceKeyGenerator(256).generate()));
    assertProblem(alpha.get("/v1/whoami", jws.serialize()), 401, "unsupported_algorithm");
  }

  @Test
  void refusesAnAsymmetricAlgorithmOutsideTheAllowList() throws Exception {
    JWSObject valid = JWSObject.parse(alpha.token().sign());
    JWSObject es384 =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.ES384)
                .type(new JOSEObjectType("parcelgate-request+jwt"))
                .keyID(valid.getHeader().getKeyID())
                .build(),
            valid.getPayload());
    es384.sign(new ECDSASigner(new ECKeyGenerator(Curve.P_384).generate()));
    assertProblem(alpha.get("/v1/whoami", es384.serialize()), 401, "unsupported_algorithm");
  }

  @Test
  void refusesAnAlgorithmThatIsNotTheRegisteredKeys() throws Exception {
    // marketplace-alpha's EdDSA key id in a header that claims ES256, signed with a fresh EC key.
    RequestTokens tokens = alpha.token("EdDSA");
    JWK ec = new ECKeyGenerator(Curve.P_256).keyID(tokens.kid()).generate();
    assertProblem(
        alpha.get("/v1/whoami", tokens.signWith(ec, JWSAlgorithm.ES256).sign()),
        401,
        "unsupported_algorithm");
  }

  @Test
  void refusesAnotherMissingOrDifferentlyCasedType() throws Exception {
    Map<String, String> types =
        Map.of(
            "prefixed", "\"application/parcelgate-request+jwt\"",
            "upper case", "\"Parcelgate-Request+JWT\"",
            "another", "\"JWT\"");
    for (var type : types.entrySet()) {
      String token =
          Conformance.resigned(
              alpha,
              header -> header.replace("\"parcelgate-request+jwt\"", type.getValue()),
              claims -> claims);
      assertProblem(type.getKey(), alpha.get("/v1/whoami", token), 401, "invalid_token");
    }
    String untyped =
        Conformance.resigned(
            alpha, header -> header.replace("\"typ\":", "\"x-typ\":"), claims -> claims);
    assertProblem("missing", alpha.get("/v1/whoami", untyped), 401, "invalid_token");
  }

  @Test
  void refusesATokenWithAnEmbeddedJwk() throws Exception {
    JWK stranger = new ECKeyGenerator(Curve.P_256).keyID("stranger").generate();
    String token = alpha.token().header(h -> h.jwk(stranger.toPublicJWK())).sign();
    assertProblem(alpha.get("/v1/whoami", token), 401, "invalid_token");
  }

  @Test
  void refusesATokenWithAJwkSetUrl() throws Exception {
    String token =
        alpha.token().header(h -> h.jwkURL(URI.create("https://keys.example/jwks"))).sign();
    assertProblem(alpha.get("/v1/whoami", token), 401, "invalid_token");
  }

  @Test
  void refusesATokenWithAnEmbeddedCertificateChain() throws Exception {
    Base64 certificate = Base64.encode(alpha.identity().x509().getEncoded());
    String token = alpha.token().header(h -> h.x509CertChain(List.of(certificate))).sign();
    assertProblem(alpha.get("/v1/whoami", token), 401, "invalid_token");
  }

  @Test
  void refusesATokenWithACertificateUrl() throws Exception {
    String token =
        alpha.token().header(h -> h.x509CertURL(URI.create("https://keys.example/c.pem"))).sign();
    assertProblem(alpha.get("/v1/whoami", token), 401, "invalid_token");
  }

  @Test
  void refusesATokenWithACriticalHeaderEvenAnEmptyOne() throws Exception {
    String critical =
        alpha
            .token()
            .header(h -> h.criticalParams(Set.of("x-conformance")).customParam("x-conformance", 1))
            .sign();
    String empty =
        Conformance.resigned(alpha, header -> "{\"crit\":[]," + header.substring(1), c -> c);
    assertProblem("crit [x-conformance]", alpha.get("/v1/whoami", critical), 401, "invalid_token");
    assertProblem("crit []", alpha.get("/v1/whoami", empty), 401, "invalid_token");
  }

  @Test
  void refusesATokenWithoutKeyId() throws Exception {
    String token = alpha.token().header(h -> h.keyID(null)).sign();
    assertProblem(alpha.get("/v1/whoami", token), 401, "invalid_token");
  }

  @Test
  void refusesAKeyIdRegisteredToNobody() throws Exception {
    JWK stranger =
        new ECKeyGenerator(Curve.P_256).keyID("conformance-" + UUID.randomUUID()).generate();
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().signWith(stranger, JWSAlgorithm.ES256).sign()),
        401,
        "unknown_key");
  }

  @Test
  void refusesAKeyIdOfAnotherPartner() throws Exception {
    String betasKid =
        Conformance.target().pki.identity("marketplace-beta").signingKeys().get(0).getKeyID();
    JWK stranger = new ECKeyGenerator(Curve.P_256).keyID(betasKid).generate();
    assertProblem(
        alpha.get("/v1/whoami", alpha.token().signWith(stranger, JWSAlgorithm.ES256).sign()),
        401,
        "unknown_key");
  }

  @Test
  void refusesASignatureByAnotherKeyUnderTheRegisteredKid() throws Exception {
    RequestTokens tokens = alpha.token("ES256");
    JWK forger = new ECKeyGenerator(Curve.P_256).keyID(tokens.kid()).generate();
    assertProblem(
        alpha.get("/v1/whoami", tokens.signWith(forger, JWSAlgorithm.ES256).sign()),
        401,
        "invalid_signature");
  }

  @Test
  void refusesATokenWhoseClaimsWereChangedAfterSigning() throws Exception {
    String[] parts = alpha.token().sign().split("\\.");
    String otherClaims = alpha.token().sign().split("\\.")[1];
    assertProblem(
        alpha.get("/v1/whoami", parts[0] + "." + otherClaims + "." + parts[2]),
        401,
        "invalid_signature");
  }

  /**
   * The longest valid token of at most 8192 characters and the next longer one, padded with a claim
   * the gateway ignores (base64url grows in steps of one to two characters, so the pair straddles
   * the limit without hitting it exactly).
   */
  private List<String> aroundTheLengthLimit() {
    int unpadded = alpha.token().claim("pad", "").sign().length();
    int pad = Math.max(0, (MAX_TOKEN_LENGTH - unpadded) * 3 / 4 - 4);
    String fits = alpha.token().claim("pad", "x".repeat(pad)).sign();
    while (true) {
      String next = alpha.token().claim("pad", "x".repeat(++pad)).sign();
      if (next.length() > MAX_TOKEN_LENGTH) {
        return List.of(fits, next);
      }
      fits = next;
    }
  }

  /**
   * One way to spell a token's segments other than RFC 7515 base64url: for which tokens it exists
   * (a segment that has room for padding, a character to translate), and how it changes the
   * segments (header, payload, signature) in place.
   */
  private record Respelling(String name, Predicate<String[]> applies, Consumer<String[]> change) {}

  /** The spellings protocol section 2 names, each of which a lenient decoder reads as the same. */
  private static List<Respelling> respellings() {
    List<Respelling> respellings = new ArrayList<>();
    List<String> names = List.of("header", "payload", "signature");
    for (int i = 0; i < names.size(); i++) {
      int segment = i;
      respellings.add(
          new Respelling(
              "'=' padding on the " + names.get(i),
              s -> s[segment].length() % 4 != 0,
              s -> s[segment] += "=".repeat(4 - s[segment].length() % 4)));
    }
    respellings.add(
        new Respelling(
            "'+' in place of '-'",
            s -> String.join(".", s).indexOf('-') >= 0,
            s -> replaceAll(s, '-', '+')));
    respellings.add(
        new Respelling(
            "'/' in place of '_'",
            s -> String.join(".", s).indexOf('_') >= 0,
            s -> replaceAll(s, '_', '/')));
    respellings.add(
        new Respelling(
            "a space inside the payload",
            s -> s[1].length() > 8,
            s -> s[1] = s[1].substring(0, 8) + " " + s[1].substring(8)));
    respellings.add(
        new Respelling(
            "a tab inside the signature",
            s -> s[2].length() > 8,
            s -> s[2] = s[2].substring(0, 8) + "\t" + s[2].substring(8)));
    respellings.add(
        new Respelling(
            "bits set after the last byte of the signature",
            s -> s[2].length() % 4 >= 2,
            s -> s[2] = withTrailingBitSet(s[2])));
    return respellings;
  }

  /**
   * A valid token of {@code alpha} whose segments have this shape, with a fresh jti: an ignored
   * header member and claim of growing length move the segments' lengths, and each new signature
   * brings other characters.
   */
  private String tokenWhere(Predicate<String[]> shape) {
    for (int length = 0; length < 64; length++) {
      String pad = "x".repeat(length);
      String token =
          alpha.token().header(h -> h.customParam("x-pad", pad)).claim("x-pad", pad).sign();
      if (shape.test(token.split("\\."))) {
        return token;
      }
    }
    throw new AssertionError("no token of the shape needed in 64 tries");
  }

  private static void replaceAll(String[] segments, char from, char to) {
    for (int i = 0; i < segments.length; i++) {
      segments[i] = segments[i].replace(from, to);
    }
  }

  /**
   * The segment with its last character's lowest bit set: that bit lies after the last encoded byte
   * (the last character of a segment of length 2 or 3 modulo 4 carries 4 or 2 unused bits), so a
   * lenient decoder reads the same bytes.
   */
  private static String withTrailingBitSet(String segment) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = alphabet.indexOf(segment.charAt(segment.length() - 1));
    return segment.substring(0, segment.length() - 1) + alphabet.charAt(last | 1);
  }

  private static String encode(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
