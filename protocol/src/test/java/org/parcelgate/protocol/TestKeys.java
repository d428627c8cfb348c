package org.parcelgate.protocol;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.UncheckedIOException;

/** Fresh private JWKs for the protocol's tests, one per supported algorithm. */
final class TestKeys {
  private TestKeys() {}

  static JWK es256(String kid) {
    return generate(() -> new ECKeyGenerator(Curve.P_256).keyID(kid).generate());
  }

  static JWK ps256(String kid, int bits) {
    return generate(() -> new RSAKeyGenerator(bits, true).keyID(kid).generate());
  }

  static JWK eddsa(String kid) {
    return generate(() -> new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate());
  }

  private interface Generator {
    JWK generate() throws JOSEException;
  }

  private static JWK generate(Generator generator) {
    try {
      return generator.generate();
    } catch (JOSEException e) {
      throw new UncheckedIOException(new java.io.IOException(e));
    }
  }
}
