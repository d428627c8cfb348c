package org.parcelgate.privacy;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The pseudonym secrets, one key ring per recipient, read from a key store file or from an
 * environment variable holding the same JSON (never from the configuration file):
 *
 * <pre>
 * {"recipients": {"customs-nl": {"active": 2, "keys": {"1": "&lt;base64url&gt;", "2": "..."}}}}
 * </pre>
 *
 * Each secret is at least {@value Pseudonymizer#MIN_SECRET_BYTES} random bytes. The active version
 * pseudonymizes; older versions may stay listed (they are not used). Secrets are never logged and
 * this class never prints them.
 */
public final class PseudonymKeys {
  /** The environment variable that, when set, replaces the key store file. */
  public static final String ENVIRONMENT_VARIABLE = "PARCELGATE_PSEUDONYM_KEYS";

  private final Map<String, Pseudonymizer> active;

  private PseudonymKeys(Map<String, Pseudonymizer> active) {
    this.active = Map.copyOf(active);
  }

  /**
   * Parses a key store.
   *
   * @param source how to name it in errors ("the key store file", the variable's name)
   * @throws PolicyException naming the recipient and what is wrong, never a secret
   */
  public static PseudonymKeys parse(byte[] content, String source) {
    Map<String, Object> root;
    try {
      root = JSONObjectUtils.parse(new String(content, StandardCharsets.UTF_8));
    } catch (ParseException e) {
      throw new PolicyException(source + " is not a JSON object");
    }
    Map<String, Object> recipients = object(root.get("recipients"), source, "recipients");
    Map<String, Pseudonymizer> active = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : recipients.entrySet()) {
      String recipient = entry.getKey();
      String where = "recipients." + recipient;
      Map<String, Object> ring = object(entry.getValue(), source, where);
      if (!(ring.get("active") instanceof Number version)
          || version.longValue() < 1
          || version.longValue() > Integer.MAX_VALUE) {
        throw new PolicyException(source + ": " + where + ".active must be a key version from 1");
      }
      Map<String, Object> keys = object(ring.get("keys"), source, where + ".keys");
      Object secret = keys.get(Long.toString(version.longValue()));
      if (!(secret instanceof String encoded)) {
        throw new PolicyException(
            source + ": " + where + " has no key for its active version " + version);
      }
      byte[] bytes;
      try {
        bytes = Base64.getUrlDecoder().decode(encoded);
      } catch (IllegalArgumentException e) {
        throw new PolicyException(source + ": " + where + ": the active key is not base64url");
      }
      try {
        active.put(recipient, new Pseudonymizer(recipient, version.intValue(), bytes));
      } catch (IllegalArgumentException e) {
        throw new PolicyException(source + ": " + where + ": " + e.getMessage());
      } finally {
        java.util.Arrays.fill(bytes, (byte) 0);
      }
    }
    return new PseudonymKeys(active);
  }

  /** The active pseudonymizer of a recipient. */
  public Optional<Pseudonymizer> active(String recipient) {
    return Optional.ofNullable(active.get(recipient));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, String source, String where) {
    if (!(value instanceof Map<?, ?>)) {
      throw new PolicyException(source + ": " + where + " must be a JSON object");
    }
    return (Map<String, Object>) value;
  }

  @Override
  public String toString() {
    return "PseudonymKeys" + active.values();
  }
}
