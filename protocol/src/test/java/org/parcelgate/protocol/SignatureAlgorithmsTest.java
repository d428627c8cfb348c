package org.parcelgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import org.junit.jupiter.api.Test;

class SignatureAlgorithmsTest {

  @Test
  void bindsEachKeyTypeToExactlyOneAlgorithm() {
    assertThat(SignatureAlgorithms.require(TestKeys.es256("e"))).isEqualTo(JWSAlgorithm.ES256);
    assertThat(SignatureAlgorithms.require(TestKeys.ps256("p", 2048)))
        .isEqualTo(JWSAlgorithm.PS256);
    assertThat(SignatureAlgorithms.require(TestKeys.eddsa("o"))).isEqualTo(JWSAlgorithm.EdDSA);
  }

  @Test
  void signsWhatTheVerifierOfTheSameKeyAccepts() throws JOSEException {
    for (JWK key :
        new JWK[] {TestKeys.es256("e"), TestKeys.ps256("p", 2048), TestKeys.eddsa("o")}) {
      JWSObject jws =
          new JWSObject(
              new JWSHeader(SignatureAlgorithms.require(key)), new Payload("parcel".getBytes()));
      jws.sign(SignatureAlgorithms.signer(key));

      assertThat(jws.verify(SignatureAlgorithms.verifierFor(key.toPublicJWK())))
          .as(key.getKeyType().getValue())
          .isTrue();
    }
  }

  @Test
  void signerRefusesAPublicKey() {
    JWK publicKey = TestKeys.es256("k").toPublicJWK();

    assertThatThrownBy(() -> SignatureAlgorithms.signer(publicKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("public");
  }

  @Test
  void refusesShortRsaKeysAndOtherCurves() throws JOSEException {
    JWK p384 = new ECKeyGenerator(Curve.P_384).keyID("k").generate();

    assertThat(SignatureAlgorithms.algorithmFor(TestKeys.ps256("short", 1024))).isEmpty();
    assertThat(SignatureAlgorithms.algorithmFor(p384)).isEmpty();
    assertThatThrownBy(() -> SignatureAlgorithms.signer(p384))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
