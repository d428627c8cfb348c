package org.parcelgate.config;

import java.nio.charset.StandardCharsets;

/**
 * A secret value from the environment. It never prints: configuration records may be logged or
 * shown in a failure, and a secret must not go with them.
 */
public final class Secret {
  private final byte[] value;

  Secret(String value) {
    this.value = value.getBytes(StandardCharsets.UTF_8);
  }

  /** A copy of the secret's bytes. */
  public byte[] bytes() {
    return value.clone();
  }

  @Override
  public String toString() {
    return "[secret]";
  }
}
