package org.parcelgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

class KeyPairsTest {
  @Test
  void matchesAPrivateKeyWithItsOwnPublicKeyOfEachType() throws Exception {
    for (KeyPair pair : new KeyPair[] {ec(), rsa(), ed25519()}) {
      assertThat(KeyPairs.matches(pair.getPrivate(), pair.getPublic()))
          .as(pair.getPrivate().getAlgorithm())
          .isTrue();
    }
  }

  @Test
  void refusesAnotherPairsPublicKeyOfTheSameType() throws Exception {
    assertThat(KeyPairs.matches(ec().getPrivate(), ec().getPublic())).isFalse();
    assertThat(KeyPairs.matches(rsa().getPrivate(), rsa().getPublic())).isFalse();
    assertThat(KeyPairs.matches(ed25519().getPrivate(), ed25519().getPublic())).isFalse();
  }

  @Test
  void refusesAPublicKeyOfAnotherType() throws Exception {
    assertThat(KeyPairs.matches(ec().getPrivate(), rsa().getPublic())).isFalse();
    assertThat(KeyPairs.matches(ed25519().getPrivate(), ec().getPublic())).isFalse();
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static KeyPair ed25519() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }
}
