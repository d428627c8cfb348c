package org.parcelgate.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import java.util.Objects;

/**
 * One registered public signing key of a partner, with the single algorithm it may be used with and
 * a ready verifier.
 *
 * <p>The algorithm is fixed by the key's type when the registry is loaded (EC P-256: ES256, RSA:
 * PS256, Ed25519: EdDSA), so a token cannot pick a weaker or confused algorithm for a key.
 */
public record PartnerKey(String kid, JWSAlgorithm algorithm, JWK publicKey, JWSVerifier verifier) {
  public PartnerKey {
    Objects.requireNonNull(kid, "kid");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(verifier, "verifier");
  }
}
