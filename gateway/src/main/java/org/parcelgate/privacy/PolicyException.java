package org.parcelgate.privacy;

/**
 * A minimization policy that cannot be used: unreadable, malformed, or not matching the schema it
 * is applied to. The gateway refuses to start with one; the message names the policy and the rule.
 */
public final class PolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PolicyException(String message) {
    super(message);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
