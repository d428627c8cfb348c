package org.parcelgate.config;

/**
 * A configuration value is missing or wrong. The message names the key and the reason, and nothing
 * else.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final String reason;

  public ConfigException(String key, String reason) {
    super(key + ": " + reason);
    this.key = key;
    this.reason = reason;
  }

  public String key() {
    return key;
  }

  public String reason() {
    return reason;
  }
}
