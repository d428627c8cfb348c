package org.parcelgate.auth;

import java.util.Arrays;
import java.util.Optional;

/** Whether a registered partner may currently call the gateway. */
public enum PartnerStatus {
  ACTIVE("active"),
  SUSPENDED("suspended");

  private final String wireName;

  PartnerStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<PartnerStatus> fromWireName(String name) {
    return Arrays.stream(values()).filter(status -> status.wireName.equals(name)).findFirst();
  }
}
