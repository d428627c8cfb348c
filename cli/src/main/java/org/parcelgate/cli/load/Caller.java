package org.parcelgate.cli.load;

import com.nimbusds.jose.jwk.JWK;
import java.nio.file.Path;

/**
 * One marketplace of a load run: its partner id, its TLS client certificate and key (PEM files) and
 * the private JWK that signs its request tokens.
 *
 * @param partnerId the {@code iss} of its tokens
 * @param certificate its client certificate (PEM)
 * @param privateKey the certificate's PKCS#8 PEM private key
 * @param thumbprint the certificate's {@code x5t#S256}, the tokens' {@code cnf}
 * @param signingKey the private signing JWK, with its {@code kid}
 */
public record Caller(
    String partnerId, Path certificate, Path privateKey, String thumbprint, JWK signingKey) {
  /** Names the caller and its key, never the key itself. */
  @Override
  public String toString() {
    return partnerId + " (" + signingKey.getAlgorithm() + " key " + signingKey.getKeyID() + ")";
  }
}
