package org.parcelgate.auth;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a partner is allowed to be. Each role maps to a fixed set of endpoints; see
 * docs/protocol.md.
 */
public enum Role {
  MARKETPLACE("marketplace"),
  CUSTOMS("customs"),
  PRIVACY_OFFICER("privacy-officer");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in the registry file and in API answers. */
  public String wireName() {
    return wireName;
  }

  public static Optional<Role> fromWireName(String name) {
    return Arrays.stream(values()).filter(role -> role.wireName.equals(name)).findFirst();
  }
}
