package org.parcelgate.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import org.junit.jupiter.api.Test;

class SigningKeysTest {
  @Test
  void makesPrivateJwksWithKidAlgAndUse() {
    assertKey(SigningKeys.es256("e"), "e", JWSAlgorithm.ES256, KeyType.EC);
    assertKey(SigningKeys.ps256("p"), "p", JWSAlgorithm.PS256, KeyType.RSA);
    assertKey(SigningKeys.eddsa("o"), "o", JWSAlgorithm.EdDSA, KeyType.OKP);
    assertThat(SigningKeys.ps256("p").toRSAKey().size()).isEqualTo(2048);
    assertThat(SigningKeys.eddsa("o").toOctetKeyPair().getCurve()).isEqualTo(Curve.Ed25519);
    assertThat(SigningKeys.es256("e").toECKey().getCurve()).isEqualTo(Curve.P_256);
  }

  @Test
  void generatesByAlgorithmNameAndRefusesOthers() {
    assertThat(SigningKeys.generate("EdDSA", "k").getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
    assertThatThrownBy(() -> SigningKeys.generate("HS256", "k"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertKey(JWK key, String kid, JWSAlgorithm alg, KeyType type) {
    assertThat(key.isPrivate()).isTrue();
    assertThat(key.getKeyID()).isEqualTo(kid);
    assertThat(key.getAlgorithm()).isEqualTo(alg);
    assertThat(key.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
    assertThat(key.getKeyType()).isEqualTo(type);
  }
}
