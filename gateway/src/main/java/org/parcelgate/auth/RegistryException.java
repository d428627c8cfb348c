package org.parcelgate.auth;

/**
 * A partner registry file was refused; the message says where and why, and never contains key
 * material.
 */
public final class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RegistryException(String message) {
    super(message);
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
