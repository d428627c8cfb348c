package org.parcelgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.security.Signature;
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

  /**
   * The ES256 signer runs on Bouncy Castle; what it writes must stay plain ES256 (R and S, 32 bytes
   * each), which any other implementation verifies: here the JDK's provider, and a DER signature
   * rebuilt from R and S checked by the JDK's SHA256withECDSA directly. Several signatures, since
   * ECDSA is randomized and a leading zero byte of R or S is where encodings go wrong.
   */
  @Test
  void es256SignaturesVerifyOnTheJdkProvider() throws Exception {
    ECKey key = TestKeys.es256("e").toECKey();
    JWSSigner signer = SignatureAlgorithms.signer(key);
    ECDSAVerifier jdk = new ECDSAVerifier(key.toECPublicKey());
    for (int i = 0; i < 64; i++) {
      JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("parcel " + i));
      jws.sign(signer);

      byte[] signature = jws.getSignature().decode();
      assertThat(signature).hasSize(64);
      assertThat(jws.verify(jdk)).isTrue();
      Signature plain = Signature.getInstance("SHA256withECDSA", "SunEC");
      plain.initVerify(key.toECPublicKey());
      plain.update(jws.getSigningInput());
      assertThat(plain.verify(ECDSA.transcodeSignatureToDER(signature))).isTrue();
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
