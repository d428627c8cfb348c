package org.parcelgate.privacy;

import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

/** The minimization policies shipped inside the gateway, by name ({@code builtin:<name>}). */
public final class PolicySources {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private PolicySources() {}

  /**
   * The bytes of a shipped policy.
   *
   * @throws PolicyException if there is no such policy
   */
  public static byte[] builtin(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new PolicyException("no shipped policy is called " + name);
    }
    try (InputStream in = PolicySources.class.getResourceAsStream("policies/" + name + ".yaml")) {
      if (in == null) {
        throw new PolicyException("no shipped policy is called " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new PolicyException("the shipped policy " + name + " cannot be read", e);
    }
  }
}
