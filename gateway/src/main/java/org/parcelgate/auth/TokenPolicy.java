package org.parcelgate.auth;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.parcelgate.protocol.SignatureAlgorithms;

/**
 * What a request token must satisfy beyond its signature.
 *
 * @param audience the gateway's own id, the only accepted {@code aud}
 * @param algorithms accepted {@code alg} values, a subset of {@link SignatureAlgorithms#SUPPORTED}
 * @param clockSkew tolerance applied to {@code iat}, {@code nbf} and {@code exp}
 * @param maxLifetime longest accepted {@code exp - iat}
 */
public record TokenPolicy(
    String audience, Set<JWSAlgorithm> algorithms, Duration clockSkew, Duration maxLifetime) {
  /** The protocol's ceiling on a token's lifetime; configuration may only lower it. */
  public static final Duration LIFETIME_CEILING = Duration.ofSeconds(300);

  public TokenPolicy {
    Objects.requireNonNull(audience, "audience");
    algorithms = Set.copyOf(algorithms);
    if (algorithms.isEmpty() || !SignatureAlgorithms.SUPPORTED.containsAll(algorithms)) {
      throw new IllegalArgumentException(
          "algorithms must be a non-empty subset of " + SignatureAlgorithms.SUPPORTED);
    }
    if (maxLifetime.isNegative()
        || maxLifetime.isZero()
        || maxLifetime.compareTo(LIFETIME_CEILING) > 0) {
      throw new IllegalArgumentException("maxLifetime must be within (0, 300s]");
    }
    if (clockSkew.isNegative()) {
      throw new IllegalArgumentException("clockSkew must not be negative");
    }
  }
}
