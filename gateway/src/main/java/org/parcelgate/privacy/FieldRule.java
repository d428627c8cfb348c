package org.parcelgate.privacy;

import java.util.Objects;
import java.util.Optional;

/**
 * One rule of a minimization policy: what happens to the field at {@code path}.
 *
 * @param path the field path in the transaction schema, dotted, with {@code []} after an array
 *     ({@code items[].description})
 * @param action what is done
 * @param method how, for {@link PolicyAction#GENERALIZE} ({@code postal-prefix}, {@code month}) and
 *     {@link PolicyAction#MASK} ({@code free-text}, {@code last-characters}); empty otherwise
 * @param length the method's length: characters of a postal-code prefix, characters left visible
 * @param purpose why the recipient needs the field in this form; required for every action but
 *     {@link PolicyAction#DROP}
 */
public record FieldRule(
    String path, PolicyAction action, Optional<Method> method, int length, String purpose) {

  /** The generalization and masking methods. */
  public enum Method {
    /** A postal code reduced to its first {@code length} characters, upper case, no spaces. */
    POSTAL_PREFIX("postal-prefix", PolicyAction.GENERALIZE, true),
    /** A timestamp reduced to the first instant of its month (UTC). */
    MONTH("month", PolicyAction.GENERALIZE, false),
    /**
     * E-mail addresses, phone numbers and identity-document numbers in text replaced by a token.
     */
    FREE_TEXT("free-text", PolicyAction.MASK, false),
    /** Every character but the last {@code length} replaced by {@code *}. */
    LAST_CHARACTERS("last-characters", PolicyAction.MASK, true);

    private final String wireName;
    private final PolicyAction action;
    private final boolean needsLength;

    Method(String wireName, PolicyAction action, boolean needsLength) {
      this.wireName = wireName;
      this.action = action;
      this.needsLength = needsLength;
    }

    public String wireName() {
      return wireName;
    }

    /** The action this method belongs to. */
    public PolicyAction action() {
      return action;
    }

    public boolean needsLength() {
      return needsLength;
    }
  }

  public FieldRule {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(purpose, "purpose");
  }

  /** The rule a path gets when the policy does not name it: default deny. */
  static FieldRule defaultDrop(String path) {
    return new FieldRule(path, PolicyAction.DROP, Optional.empty(), 0, "");
  }
}
