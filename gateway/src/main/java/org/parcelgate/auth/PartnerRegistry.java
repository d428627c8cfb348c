package org.parcelgate.auth;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of the registered partners, looked up by certificate thumbprint or by id.
 *
 * <p>A reload builds a new snapshot and swaps it in whole; a request that already resolved its
 * partner keeps the snapshot it saw.
 */
public final class PartnerRegistry {
  private final Map<String, Partner> byId;
  private final Map<String, Partner> byThumbprint;
  private final String contentHash;

  PartnerRegistry(List<Partner> partners, String contentHash) {
    Map<String, Partner> ids = new LinkedHashMap<>();
    Map<String, Partner> thumbprints = new HashMap<>();
    for (Partner partner : partners) {
      if (ids.putIfAbsent(partner.id(), partner) != null) {
        throw new IllegalArgumentException("duplicate partner id " + partner.id());
      }
      for (String thumbprint : partner.certificateThumbprints()) {
        if (thumbprints.putIfAbsent(thumbprint, partner) != null) {
          throw new IllegalArgumentException(
              "certificate registered twice, second time for partner " + partner.id());
        }
      }
    }
    this.byId = Map.copyOf(ids);
    this.byThumbprint = Map.copyOf(thumbprints);
    this.contentHash = contentHash;
  }

  public Optional<Partner> byThumbprint(String thumbprint) {
    return Optional.ofNullable(byThumbprint.get(thumbprint));
  }

  public Optional<Partner> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Collection<Partner> partners() {
    return byId.values();
  }

  public int size() {
    return byId.size();
  }

  /**
   * SHA-256 (hex) of the registry file this snapshot was parsed from: tells operators which version
   * is in force.
   */
  public String contentHash() {
    return contentHash;
  }
}
