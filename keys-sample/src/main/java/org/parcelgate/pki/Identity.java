package org.parcelgate.pki;

import com.nimbusds.jose.jwk.JWK;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * One TLS client identity of the sample PKI: a registered partner or a test-only identity.
 *
 * @param name the identity's name: the partner id, or the test identity's name ({@code expired},
 *     {@code revoked}, {@code untrusted}, {@code unregistered})
 * @param partnerId the partner id in the registry, or {@code null} for a test-only identity that is
 *     not registered
 * @param role the partner's role ({@code marketplace}, {@code customs}, {@code privacy-officer}),
 *     or {@code null} for a test-only identity
 * @param certificate the client certificate's PEM file
 * @param privateKey the client certificate's PKCS#8 private key PEM file
 * @param x509 the client certificate
 * @param signingKeys the identity's private request-signing JWKs; empty for test-only identities
 */
public record Identity(
    String name,
    String partnerId,
    String role,
    Path certificate,
    Path privateKey,
    X509Certificate x509,
    List<JWK> signingKeys) {

  /** Checks the required parts and copies the key list. */
  public Identity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(x509, "x509");
    signingKeys = List.copyOf(signingKeys);
  }

  /**
   * The identity's private signing key for a JWS algorithm.
   *
   * @param alg {@code ES256}, {@code PS256} or {@code EdDSA}
   * @throws NoSuchElementException if the identity has no key for that algorithm
   */
  public JWK signingKey(String alg) {
    return signingKeys.stream()
        .filter(key -> key.getAlgorithm() != null && key.getAlgorithm().getName().equals(alg))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException(name + " has no " + alg + " signing key"));
  }

  /**
   * The RFC 8705 {@code x5t#S256} thumbprint of the client certificate, as listed in the registry.
   */
  public String thumbprint() {
    return org.parcelgate.protocol.Digests.thumbprint(x509);
  }

  /** Whether the identity is a partner listed in the registry. */
  public boolean registered() {
    return partnerId != null;
  }
}
