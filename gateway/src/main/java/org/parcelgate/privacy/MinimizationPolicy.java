package org.parcelgate.privacy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A declarative, versioned minimization policy, as written in a policy file (YAML):
 *
 * <pre>
 * policy: customs-default
 * version: 1
 * legal-basis: ...
 * retention:
 *   period: P90D
 *   purpose: ...
 * fields:
 *   buyer.buyerId:
 *     action: pseudonymize
 *     purpose: link the orders of one buyer (split consignments) without identifying the buyer
 *   buyer.address.postalCode:
 *     action: generalize
 *     method: postal-prefix
 *     length: 2
 *     purpose: ...
 * </pre>
 *
 * Default deny: a field the policy does not name is dropped. Whether the rules fit the schema is
 * checked when a {@link Minimizer} is built from the policy, not here.
 *
 * <p>{@code retention} is optional: without it the recipient's copies are kept until an operator
 * deletes them. With it, the gateway purges each copy once it is older than {@code period} (an ISO
 * 8601 duration in days, hours, minutes or seconds) and delivered ({@link Retention}).
 *
 * @param id the policy's name
 * @param version raised by its authors on every change
 * @param sha256 base64url SHA-256 of the policy file's exact bytes: what log entries cite
 * @param legalBasis the legal basis of the transfer, copied into every log entry
 * @param rules the rules by path, in file order
 * @param retention how long the recipient's copies are kept, if the policy limits it
 */
public record MinimizationPolicy(
    String id,
    int version,
    String sha256,
    String legalBasis,
    Map<String, FieldRule> rules,
    Optional<Retention> retention) {

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern PATH =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\[\\])?(\\.[A-Za-z_][A-Za-z0-9_]*(\\[\\])?)*");
  private static final Set<String> TOP_KEYS =
      Set.of("policy", "version", "legal-basis", "retention", "fields");
  private static final Set<String> RETENTION_KEYS = Set.of("period", "purpose");
  private static final Set<String> RULE_KEYS = Set.of("action", "method", "length", "purpose");

  public MinimizationPolicy {
    rules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    java.util.Objects.requireNonNull(retention, "retention");
  }

  /**
   * How long a recipient's copy of a batch is kept: it is purged once received longer than {@code
   * period} ago and delivered (docs/privacy.md, "Storage limitation").
   *
   * @param purpose why the copies are kept that long, in words
   */
  public record Retention(java.time.Duration period, String purpose) {
    public Retention {
      java.util.Objects.requireNonNull(period, "period");
      java.util.Objects.requireNonNull(purpose, "purpose");
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("a retention period is positive");
      }
    }
  }

  /** The rule for a path: the named one, or {@link PolicyAction#DROP}. */
  public FieldRule rule(String path) {
    FieldRule rule = rules.get(path);
    return rule != null ? rule : FieldRule.defaultDrop(path);
  }

  /**
   * Parses a policy file.
   *
   * @param source how to name the file in error messages
   * @throws PolicyException naming the source and the offending key
   */
  public static MinimizationPolicy parse(byte[] content, String source) {
    Object root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(0);
      root =
          new Yaml(new SafeConstructor(options)).load(new String(content, StandardCharsets.UTF_8));
    } catch (MarkedYAMLException e) {
      // The problem ("found duplicate key seller.name") and where, never the file's content.
      String where =
          e.getProblemMark() == null ? "" : " (line " + (e.getProblemMark().getLine() + 1) + ")";
      throw new PolicyException(
          source + ": not a readable policy file: " + firstLine(e.getProblem()) + where);
    } catch (YAMLException e) {
      throw new PolicyException(
          source + ": not a readable policy file: " + firstLine(e.getMessage()));
    }
    Map<String, Object> top = map(root, source, "the file");
    unknownKeys(top, TOP_KEYS, source, "the file");
    String id = string(top, "policy", source, "the file");
    if (!ID.matcher(id).matches()) {
      throw new PolicyException(
          source + ": policy must be lower-case letters, digits and dashes, not " + id);
    }
    Object version = top.get("version");
    if (!(version instanceof Integer number) || number < 1) {
      throw new PolicyException(source + ": version must be a positive whole number");
    }
    String legalBasis = string(top, "legal-basis", source, "the file");
    Map<String, Object> fields = map(top.get("fields"), source, "fields");
    if (fields.isEmpty()) {
      throw new PolicyException(source + ": fields names no field");
    }
    Map<String, FieldRule> rules = new LinkedHashMap<>();
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      String path = field.getKey();
      if (!PATH.matcher(path).matches()) {
        throw new PolicyException(source + ": " + path + " is not a field path");
      }
      rules.put(path, rule(path, map(field.getValue(), source, path), source));
    }
    Optional<Retention> retention =
        top.containsKey("retention")
            ? Optional.of(retention(map(top.get("retention"), source, "retention"), source))
            : Optional.empty();
    return new MinimizationPolicy(id, number, sha256(content), legalBasis, rules, retention);
  }

  private static Retention retention(Map<String, Object> retention, String source) {
    unknownKeys(retention, RETENTION_KEYS, source, "retention");
    String text = string(retention, "period", source, "retention");
    java.time.Duration period;
    try {
      period = java.time.Duration.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new PolicyException(
          source + ": retention: period must be an ISO 8601 duration such as P90D, not " + text);
    }
    if (period.isNegative() || period.isZero()) {
      throw new PolicyException(source + ": retention: period must be longer than zero");
    }
    return new Retention(period, string(retention, "purpose", source, "retention"));
  }

  private static FieldRule rule(String path, Map<String, Object> rule, String source) {
    unknownKeys(rule, RULE_KEYS, source, path);
    String actionName = string(rule, "action", source, path);
    PolicyAction action =
        PolicyAction.fromWireName(actionName)
            .orElseThrow(
                () ->
                    new PolicyException(
                        source
                            + ": "
                            + path
                            + ": unknown action "
                            + actionName
                            + " (keep, drop, pseudonymize, generalize, mask)"));
    Optional<FieldRule.Method> method = Optional.empty();
    if (rule.containsKey("method")) {
      String methodName = string(rule, "method", source, path);
      FieldRule.Method found =
          java.util.Arrays.stream(FieldRule.Method.values())
              .filter(m -> m.wireName().equals(methodName) && m.action() == action)
              .findFirst()
              .orElseThrow(
                  () ->
                      new PolicyException(
                          source
                              + ": "
                              + path
                              + ": "
                              + action.wireName()
                              + " has no method "
                              + methodName));
      method = Optional.of(found);
    }
    if ((action == PolicyAction.GENERALIZE || action == PolicyAction.MASK) && method.isEmpty()) {
      throw new PolicyException(source + ": " + path + ": " + actionName + " needs a method");
    }
    int length = 0;
    boolean needsLength = method.map(FieldRule.Method::needsLength).orElse(false);
    if (needsLength) {
      if (!(rule.get("length") instanceof Integer n) || n < 1 || n > 32) {
        throw new PolicyException(source + ": " + path + ": length must be from 1 to 32");
      }
      length = n;
    } else if (rule.containsKey("length")) {
      throw new PolicyException(source + ": " + path + ": length does not apply here");
    }
    String purpose = "";
    if (action != PolicyAction.DROP) {
      purpose = string(rule, "purpose", source, path);
    } else if (rule.containsKey("purpose")) {
      purpose = string(rule, "purpose", source, path);
    }
    return new FieldRule(path, action, method, length, purpose);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String source, String where) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new PolicyException(source + ": " + where + " must be a mapping");
    }
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        throw new PolicyException(source + ": " + where + " has a key that is not text");
      }
    }
    return (Map<String, Object>) map;
  }

  private static String string(Map<String, Object> map, String key, String source, String where) {
    if (!(map.get(key) instanceof String value) || value.isBlank()) {
      throw new PolicyException(source + ": " + where + ": " + key + " is required (text)");
    }
    return value.strip();
  }

  private static void unknownKeys(
      Map<String, Object> map, Set<String> known, String source, String where) {
    for (String key : map.keySet()) {
      if (!known.contains(key)) {
        throw new PolicyException(source + ": " + where + ": unknown key " + key);
      }
    }
  }

  private static String firstLine(String text) {
    String message = String.valueOf(text);
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static String sha256(byte[] content) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
