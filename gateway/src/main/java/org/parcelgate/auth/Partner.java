package org.parcelgate.auth;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A registered partner: who it is, what it may do, which client certificates are its own and which
 * keys sign for it.
 *
 * @param id stable partner identifier, the {@code iss} and {@code sub} of its tokens
 * @param role what the partner may call
 * @param status whether it may call at all
 * @param certificateThumbprints base64url SHA-256 thumbprints of its allowed client certificates
 *     (RFC 8705 form)
 * @param keys its public signing keys by {@code kid}
 */
public record Partner(
    String id,
    Role role,
    PartnerStatus status,
    Set<String> certificateThumbprints,
    Map<String, PartnerKey> keys) {
  public Partner {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(status, "status");
    certificateThumbprints = Set.copyOf(certificateThumbprints);
    keys = Map.copyOf(keys);
  }

  public Optional<PartnerKey> key(String kid) {
    return Optional.ofNullable(keys.get(kid));
  }

  public boolean isActive() {
    return status == PartnerStatus.ACTIVE;
  }
}
