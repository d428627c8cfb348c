package org.parcelgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewaySignaturesTest {
  private final JWK gatewayKey = TestKeys.es256("gateway-es256-1");
  private final JWK otherKey = TestKeys.es256("gateway-es256-1");
  private final GatewaySignatures signatures =
      new GatewaySignatures(new JWKSet(List.of(gatewayKey.toPublicJWK())));

  @Test
  void verifiesAReceiptAndReadsItsClaims() {
    Receipt receipt =
        new Receipt(
            "b-1",
            "marketplace-alpha",
            "ZGlnZXN0",
            "jti-1",
            Instant.parse("2026-11-29T00:00:00Z"),
            "fp",
            3,
            2,
            0,
            1);

    Receipt verified =
        Receipt.verify(sign(gatewayKey, JoseTypes.RECEIPT, receipt.claims()), keys());

    assertThat(verified).isEqualTo(receipt);
  }

  @Test
  void rejectsAReceiptSignedByAKeyWithThePublishedKidButAnotherKey() {
    String forged = sign(otherKey, JoseTypes.RECEIPT, claims());

    assertThatThrownBy(() -> signatures.verify(forged, JoseTypes.RECEIPT))
        .hasMessageContaining("signature is not valid");
  }

  @Test
  void rejectsAnotherTypeEvenWithAGoodSignature() {
    String checkpoint = sign(gatewayKey, JoseTypes.CHECKPOINT, claims());

    assertThatThrownBy(() -> signatures.verify(checkpoint, JoseTypes.RECEIPT))
        .hasMessageContaining("(typ)");
  }

  @Test
  void rejectsAnUnpublishedKid() {
    JWK stranger = TestKeys.es256("stranger");

    assertThatThrownBy(
            () -> signatures.verify(sign(stranger, JoseTypes.RECEIPT, claims()), JoseTypes.RECEIPT))
        .hasMessageContaining("not among the gateway's keys")
        .isInstanceOfSatisfying(
            GatewaySignatures.SignatureCheckException.class,
            e -> assertThat(e.reason()).isEqualTo(GatewaySignatures.Reason.UNKNOWN_KEY));
  }

  @Test
  void rejectsAnAlgorithmThatIsNotTheKeys() throws JOSEException {
    JWK rsa = TestKeys.ps256("rsa", 2048);
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).type(JoseTypes.RECEIPT).keyID("rsa").build(),
            claims());
    jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(rsa.toRSAKey()));
    GatewaySignatures withRsa = new GatewaySignatures(new JWKSet(rsa.toPublicJWK()));

    assertThatThrownBy(() -> withRsa.verify(jwt.serialize(), JoseTypes.RECEIPT))
        .hasMessageContaining("algorithm does not match");
  }

  @Test
  void verifiesADetachedSignatureOverTheExactBodyOnly() throws JOSEException {
    byte[] body = "{\"records\":[]}".getBytes(StandardCharsets.UTF_8);
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JoseTypes.FEED_PAGE)
                .keyID(gatewayKey.getKeyID())
                .build(),
            new Payload(body));
    jws.sign(SignatureAlgorithms.signer(gatewayKey));
    String detached = jws.serialize(true);
    byte[] flipped = body.clone();
    flipped[3] ^= 1;

    assertThat(signatures.verifyDetached(detached, body, JoseTypes.FEED_PAGE).getKeyID())
        .isEqualTo(gatewayKey.getKeyID());
    assertThatThrownBy(() -> signatures.verifyDetached(detached, flipped, JoseTypes.FEED_PAGE))
        .hasMessageContaining("signature is not valid");
    assertThatThrownBy(() -> signatures.verifyDetached(jws.serialize(), body, JoseTypes.FEED_PAGE))
        .hasMessageContaining("not a detached JWS");
  }

  @Test
  void rejectsAReceiptSpelledOtherwiseThanInCanonicalBase64Url() {
    String receipt = sign(gatewayKey, JoseTypes.RECEIPT, claims());
    String[] parts = receipt.split("\\.");
    String padded = parts[0] + "." + parts[1] + "." + parts[2] + "==";

    assertThat(signatures.verify(receipt, JoseTypes.RECEIPT).claims().getIssuer()).isEqualTo("gw");
    for (String respelled : List.of(padded, " " + receipt, receipt + "\n")) {
      assertThatThrownBy(() -> signatures.verify(respelled, JoseTypes.RECEIPT))
          .isInstanceOfSatisfying(
              GatewaySignatures.SignatureCheckException.class,
              e -> assertThat(e.reason()).isEqualTo(GatewaySignatures.Reason.MALFORMED));
    }
  }

  @Test
  void rejectsADetachedSignatureWithPadding() throws JOSEException {
    byte[] body = "{\"records\":[]}".getBytes(StandardCharsets.UTF_8);
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JoseTypes.FEED_PAGE)
                .keyID(gatewayKey.getKeyID())
                .build(),
            new Payload(body));
    jws.sign(SignatureAlgorithms.signer(gatewayKey));
    String padded = jws.serialize(true) + "==";

    assertThatThrownBy(() -> signatures.verifyDetached(padded, body, JoseTypes.FEED_PAGE))
        .isInstanceOfSatisfying(
            GatewaySignatures.SignatureCheckException.class,
            e -> assertThat(e.reason()).isEqualTo(GatewaySignatures.Reason.MALFORMED));
  }

  private JWKSet keys() {
    return new JWKSet(gatewayKey.toPublicJWK());
  }

  private static JWTClaimsSet claims() {
    return new JWTClaimsSet.Builder().issuer("gw").issueTime(new Date()).build();
  }

  private static String sign(JWK key, JOSEObjectType type, JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(SignatureAlgorithms.require(key))
                .type(type)
                .keyID(key.getKeyID())
                .build(),
            claims);
    try {
      jwt.sign(SignatureAlgorithms.signer(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
