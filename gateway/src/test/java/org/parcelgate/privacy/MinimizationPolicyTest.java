package org.parcelgate.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.parcelgate.testing.TestPrivacy;

/** Reading policy files: the shipped one, what a policy may say, and every refusal. */
class MinimizationPolicyTest {
  private static final String SOURCE = "test.yaml";

  private static final String HEAD =
      """
      policy: test-policy
      version: 2
      legal-basis: a stated basis
      fields:
      """;

  private static MinimizationPolicy parse(String yaml) {
    return MinimizationPolicy.parse(yaml.getBytes(StandardCharsets.UTF_8), SOURCE);
  }

  /** A policy of {@link #HEAD} and {@code rules}, written without the indentation under fields. */
  private static MinimizationPolicy withRules(String rules) {
    return parse(HEAD + rules.indent(2));
  }

  private static String sha256(byte[] content) throws Exception {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(MessageDigest.getInstance("SHA-256").digest(content));
  }

  // --- retention -------------------------------------------------------------------------------

  private static final String RULE =
      """
      fields:
        transactionId:
          action: keep
          purpose: match
      """;

  private static MinimizationPolicy withRetention(String retention) {
    return parse(
        "policy: test-policy\nversion: 1\nlegal-basis: a basis\n"
            + "retention:\n"
            + retention.indent(2)
            + RULE);
  }

  @Test
  void readsRetentionPeriodAndPurpose() {
    MinimizationPolicy policy = withRetention("period: P30DT12H\npurpose: redelivery\n");

    assertThat(policy.retention())
        .contains(new MinimizationPolicy.Retention(Duration.parse("P30DT12H"), "redelivery"));
  }

  @Test
  void aPolicyWithoutRetentionKeepsCopies() {
    assertThat(withRules("transactionId:\n  action: keep\n  purpose: match\n").retention())
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "period: 90 days\npurpose: p\n|retention: period must be an ISO 8601 duration",
        "period: PT0S\npurpose: p\n|retention: period must be longer than zero",
        "period: -P1D\npurpose: p\n|retention: period must be longer than zero",
        "period: P1D\n|retention: purpose is required",
        "purpose: p\n|retention: period is required",
        "period: P1D\npurpose: p\nafter: delivery\n|retention: unknown key after"
      })
  void refusesABadRetention(String caseText) {
    String[] parts = caseText.split("\\|");

    assertThatThrownBy(() -> withRetention(parts[0]))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining(parts[1]);
  }

  // --- the shipped policy ----------------------------------------------------------------------

  @Test
  void readsIdVersionAndLegalBasisOfTheShippedPolicy() {
    MinimizationPolicy policy = TestPrivacy.customsDefault();

    assertThat(policy.id()).isEqualTo("customs-default");
    assertThat(policy.version()).isEqualTo(3);
    assertThat(policy.retention().orElseThrow().period()).isEqualTo(Duration.ofDays(90));
    assertThat(policy.legalBasis())
        .isEqualTo(
            "Customs risk analysis and revenue assessment of imported low-value consignments:"
                + " Union Customs Code (Regulation (EU) No 952/2013) Articles 15, 46 and 47, and"
                + " GDPR Article 6(1)(c) and (e); personal data of the buyer limited to what the"
                + " purpose requires (GDPR Article 5(1)(c)).");
  }

  @Test
  void readsTheRulesOfTheShippedPolicyInFileOrder() {
    MinimizationPolicy policy = TestPrivacy.customsDefault();

    assertThat(policy.rules()).hasSize(63);
    assertThat(policy.rules().keySet())
        .startsWith("transactionId", "amendment", "orderTime", "iossNumber", "seller.sellerId")
        .endsWith("shipment.packages", "shipment.grossMassGrams");
    assertThat(policy.rules().get("buyer.buyerId"))
        .isEqualTo(
            new FieldRule(
                "buyer.buyerId",
                PolicyAction.PSEUDONYMIZE,
                Optional.empty(),
                0,
                "links one buyer's orders (split consignments) without identifying the buyer"));
    assertThat(policy.rules().get("buyer.address.postalCode"))
        .isEqualTo(
            new FieldRule(
                "buyer.address.postalCode",
                PolicyAction.GENERALIZE,
                Optional.of(FieldRule.Method.POSTAL_PREFIX),
                2,
                "coarse destination area for risk targeting, without the buyer's address"));
    assertThat(policy.rules().get("items[].description").action()).isEqualTo(PolicyAction.MASK);
    assertThat(policy.rules().get("items[].description").method())
        .hasValue(FieldRule.Method.FREE_TEXT);
    assertThat(policy.rules().get("buyer.email"))
        .isEqualTo(new FieldRule("buyer.email", PolicyAction.DROP, Optional.empty(), 0, ""));
    assertThat(policy.rules().get("seller.type").action()).isEqualTo(PolicyAction.KEEP);
    assertThat(policy.rules().get("payment.payerCountry"))
        .isEqualTo(
            new FieldRule(
                "payment.payerCountry",
                PolicyAction.KEEP,
                Optional.empty(),
                0,
                "three-way match of the payer's country with the destination (CESOP payer's"
                    + " Member State); a country only, never the payer's account"));
    assertThat(policy.rules().get("payment.paymentId").action()).isEqualTo(PolicyAction.DROP);
  }

  @Test
  void hashesTheExactBytesOfTheShippedPolicy() throws Exception {
    byte[] content = PolicySources.builtin("customs-default");

    assertThat(TestPrivacy.customsDefault().sha256())
        .isEqualTo(sha256(content))
        .matches("[A-Za-z0-9_-]{43}");
  }

  @Test
  void hashChangesWhenOneByteOfTheFileChanges() throws Exception {
    byte[] content = PolicySources.builtin("customs-default");
    byte[] edited = content.clone();
    // The first byte is the '#' of the header comment: the rules stay the same.
    assertThat(edited[0]).isEqualTo((byte) '#');
    edited[1] = (byte) (edited[1] == ' ' ? '#' : ' ');

    MinimizationPolicy original = MinimizationPolicy.parse(content, "original.yaml");
    MinimizationPolicy changed = MinimizationPolicy.parse(edited, "edited.yaml");

    assertThat(changed.rules()).isEqualTo(original.rules());
    assertThat(changed.sha256()).isNotEqualTo(original.sha256()).isEqualTo(sha256(edited));
  }

  @Test
  void hashIsTheSameForTheSameBytes() {
    String yaml = HEAD + "  seller.name:\n    action: keep\n    purpose: exporter name\n";

    assertThat(parse(yaml).sha256()).isEqualTo(parse(yaml).sha256());
    assertThat(parse(yaml + "\n").sha256()).isNotEqualTo(parse(yaml).sha256());
  }

  // --- what a policy may say -------------------------------------------------------------------

  @Test
  void readsEveryActionAndMethod() {
    MinimizationPolicy policy =
        withRules(
            """
            seller.name:
              action: keep
              purpose: exporter name
            buyer.name:
              action: drop
              purpose: not needed
            buyer.buyerId:
              action: pseudonymize
              purpose: link orders
            buyer.address.postalCode:
              action: generalize
              method: postal-prefix
              length: 3
              purpose: destination area
            orderTime:
              action: generalize
              method: month
              purpose: valuation period
            items[].description:
              action: mask
              method: free-text
              purpose: description of goods
            buyer.phone:
              action: mask
              method: last-characters
              length: 4
              purpose: tell numbers apart
            """);

    assertThat(policy.id()).isEqualTo("test-policy");
    assertThat(policy.version()).isEqualTo(2);
    assertThat(policy.legalBasis()).isEqualTo("a stated basis");
    assertThat(policy.rules().values())
        .containsExactly(
            new FieldRule("seller.name", PolicyAction.KEEP, Optional.empty(), 0, "exporter name"),
            new FieldRule("buyer.name", PolicyAction.DROP, Optional.empty(), 0, "not needed"),
            new FieldRule(
                "buyer.buyerId", PolicyAction.PSEUDONYMIZE, Optional.empty(), 0, "link orders"),
            new FieldRule(
                "buyer.address.postalCode",
                PolicyAction.GENERALIZE,
                Optional.of(FieldRule.Method.POSTAL_PREFIX),
                3,
                "destination area"),
            new FieldRule(
                "orderTime",
                PolicyAction.GENERALIZE,
                Optional.of(FieldRule.Method.MONTH),
                0,
                "valuation period"),
            new FieldRule(
                "items[].description",
                PolicyAction.MASK,
                Optional.of(FieldRule.Method.FREE_TEXT),
                0,
                "description of goods"),
            new FieldRule(
                "buyer.phone",
                PolicyAction.MASK,
                Optional.of(FieldRule.Method.LAST_CHARACTERS),
                4,
                "tell numbers apart"));
  }

  @Test
  void acceptsDropWithoutPurpose() {
    MinimizationPolicy policy =
        withRules(
            """
            buyer.name:
              action: drop
            """);

    assertThat(policy.rules().get("buyer.name"))
        .isEqualTo(new FieldRule("buyer.name", PolicyAction.DROP, Optional.empty(), 0, ""));
  }

  @ParameterizedTest(name = "length {0}")
  @ValueSource(ints = {1, 32})
  void acceptsAPostalPrefixLengthFrom1To32(int length) {
    MinimizationPolicy policy =
        withRules(
            """
            buyer.address.postalCode:
              action: generalize
              method: postal-prefix
              length: %d
              purpose: destination area
            """
                .formatted(length));

    assertThat(policy.rules().get("buyer.address.postalCode").length()).isEqualTo(length);
  }

  @Test
  void stripsSurroundingSpaceFromTexts() {
    MinimizationPolicy policy =
        parse(
            """
            policy: test-policy
            version: 1
            legal-basis: "  a basis  "
            fields:
              seller.name:
                action: keep
                purpose: "  exporter name  "
            """);

    assertThat(policy.legalBasis()).isEqualTo("a basis");
    assertThat(policy.rules().get("seller.name").purpose()).isEqualTo("exporter name");
  }

  @Test
  void givesAFieldItDoesNotNameTheDefaultDrop() {
    MinimizationPolicy policy =
        withRules(
            """
            seller.name:
              action: keep
              purpose: exporter name
            """);

    assertThat(policy.rule("buyer.email"))
        .isEqualTo(new FieldRule("buyer.email", PolicyAction.DROP, Optional.empty(), 0, ""));
    assertThat(policy.rule("seller.name").action()).isEqualTo(PolicyAction.KEEP);
    assertThat(policy.rules()).containsOnlyKeys("seller.name");
  }

  @Test
  void rulesCannotBeChangedAfterParsing() {
    MinimizationPolicy policy =
        withRules(
            """
            seller.name:
              action: keep
              purpose: exporter name
            """);

    assertThatThrownBy(() -> policy.rules().remove("seller.name"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(policy.rules()).containsOnlyKeys("seller.name");
  }

  // --- refusals of a rule ----------------------------------------------------------------------

  static Stream<Arguments> malformedRules() {
    return Stream.of(
        Arguments.of(
            "unknown action",
            """
            seller.name:
              action: publish
              purpose: p
            """,
            "seller.name: unknown action publish"),
        Arguments.of(
            "action in upper case",
            """
            seller.name:
              action: KEEP
              purpose: p
            """,
            "seller.name: unknown action KEEP"),
        Arguments.of(
            "no action",
            """
            seller.name:
              purpose: p
            """,
            "seller.name: action is required"),
        Arguments.of(
            "unknown rule key",
            """
            seller.name:
              action: keep
              purpose: p
              reason: q
            """,
            "seller.name: unknown key reason"),
        Arguments.of(
            "keep without purpose",
            """
            seller.name:
              action: keep
            """,
            "seller.name: purpose is required"),
        Arguments.of(
            "keep with a blank purpose",
            """
            seller.name:
              action: keep
              purpose: "   "
            """,
            "seller.name: purpose is required"),
        Arguments.of(
            "pseudonymize without purpose",
            """
            buyer.buyerId:
              action: pseudonymize
            """,
            "buyer.buyerId: purpose is required"),
        Arguments.of(
            "generalize without purpose",
            """
            buyer.address.postalCode:
              action: generalize
              method: postal-prefix
              length: 2
            """,
            "buyer.address.postalCode: purpose is required"),
        Arguments.of(
            "mask without purpose",
            """
            items[].description:
              action: mask
              method: free-text
            """,
            "items[].description: purpose is required"),
        Arguments.of(
            "generalize without method",
            """
            buyer.address.postalCode:
              action: generalize
              purpose: p
            """,
            "buyer.address.postalCode: generalize needs a method"),
        Arguments.of(
            "mask without method",
            """
            items[].description:
              action: mask
              purpose: p
            """,
            "items[].description: mask needs a method"),
        Arguments.of(
            "generalize with free-text",
            """
            items[].description:
              action: generalize
              method: free-text
              purpose: p
            """,
            "items[].description: generalize has no method free-text"),
        Arguments.of(
            "generalize with last-characters",
            """
            buyer.phone:
              action: generalize
              method: last-characters
              length: 4
              purpose: p
            """,
            "buyer.phone: generalize has no method last-characters"),
        Arguments.of(
            "mask with month",
            """
            orderTime:
              action: mask
              method: month
              purpose: p
            """,
            "orderTime: mask has no method month"),
        Arguments.of(
            "mask with postal-prefix",
            """
            buyer.address.postalCode:
              action: mask
              method: postal-prefix
              length: 2
              purpose: p
            """,
            "buyer.address.postalCode: mask has no method postal-prefix"),
        Arguments.of(
            "keep with a method",
            """
            orderTime:
              action: keep
              method: month
              purpose: p
            """,
            "orderTime: keep has no method month"),
        Arguments.of(
            "unknown method",
            """
            orderTime:
              action: generalize
              method: year
              purpose: p
            """,
            "orderTime: generalize has no method year"),
        Arguments.of(
            "postal-prefix without length",
            """
            buyer.address.postalCode:
              action: generalize
              method: postal-prefix
              purpose: p
            """,
            "buyer.address.postalCode: length must be from 1 to 32"),
        Arguments.of(
            "postal-prefix of length 0",
            """
            buyer.address.postalCode:
              action: generalize
              method: postal-prefix
              length: 0
              purpose: p
            """,
            "buyer.address.postalCode: length must be from 1 to 32"),
        Arguments.of(
            "postal-prefix of length 33",
            """
            buyer.address.postalCode:
              action: generalize
              method: postal-prefix
              length: 33
              purpose: p
            """,
            "buyer.address.postalCode: length must be from 1 to 32"),
        Arguments.of(
            "postal-prefix of length as text",
            """
            buyer.address.postalCode:
              action: generalize
              method: postal-prefix
              length: "2"
              purpose: p
            """,
            "buyer.address.postalCode: length must be from 1 to 32"),
        Arguments.of(
            "last-characters without length",
            """
            buyer.phone:
              action: mask
              method: last-characters
              purpose: p
            """,
            "buyer.phone: length must be from 1 to 32"),
        Arguments.of(
            "length with month",
            """
            orderTime:
              action: generalize
              method: month
              length: 2
              purpose: p
            """,
            "orderTime: length does not apply here"),
        Arguments.of(
            "length with free-text",
            """
            items[].description:
              action: mask
              method: free-text
              length: 2
              purpose: p
            """,
            "items[].description: length does not apply here"),
        Arguments.of(
            "length with keep",
            """
            seller.name:
              action: keep
              length: 2
              purpose: p
            """,
            "seller.name: length does not apply here"),
        Arguments.of(
            "length with drop",
            """
            buyer.name:
              action: drop
              length: 2
            """,
            "buyer.name: length does not apply here"),
        Arguments.of(
            "empty segment in a path",
            """
            buyer..name:
              action: drop
            """,
            "buyer..name is not a field path"),
        Arguments.of(
            "path ending in a dot",
            """
            buyer.:
              action: drop
            """,
            "buyer. is not a field path"),
        Arguments.of(
            "path with a space",
            """
            buyer name:
              action: drop
            """,
            "buyer name is not a field path"),
        Arguments.of(
            "rule that is not a mapping",
            """
            seller.name: keep
            """,
            "seller.name must be a mapping"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedRules")
  void refusesAMalformedRuleNamingTheSourceAndTheRule(String name, String rules, String message) {
    assertThatThrownBy(() -> withRules(rules))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith(SOURCE + ": ")
        .hasMessageContaining(message);
  }

  /**
   * Regression: the message used to be the first line of SnakeYAML's, "while constructing a
   * mapping", which does not say which key is duplicated.
   */
  @Test
  void refusesADuplicateFieldNamingTheField() {
    String rules =
        """
        seller.name:
          action: keep
          purpose: p
        seller.name:
          action: drop
        """;

    assertThatThrownBy(() -> withRules(rules))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith(SOURCE + ": ")
        .hasMessageContaining("seller.name");
  }

  @Test
  void refusesADuplicateFieldAsUnreadable() {
    String rules =
        """
        seller.name:
          action: keep
          purpose: p
        seller.name:
          action: drop
        """;

    assertThatThrownBy(() -> withRules(rules))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith(SOURCE + ": not a readable policy file");
  }

  @Test
  void refusesADuplicateKeyInsideARule() {
    assertThatThrownBy(
            () ->
                withRules(
                    """
                    seller.name:
                      action: drop
                      action: keep
                      purpose: p
                    """))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith(SOURCE + ": not a readable policy file");
  }

  // --- refusals of the file --------------------------------------------------------------------

  static Stream<Arguments> malformedFiles() {
    return Stream.of(
        Arguments.of(
            "id in upper case with a space",
            """
            policy: Customs Default
            version: 1
            legal-basis: b
            fields:
              buyer.name:
                action: drop
            """,
            "policy must be lower-case letters, digits and dashes, not Customs Default"),
        Arguments.of(
            "id starting with a dash",
            """
            policy: -customs
            version: 1
            legal-basis: b
            fields:
              buyer.name:
                action: drop
            """,
            "policy must be lower-case letters, digits and dashes, not -customs"),
        Arguments.of(
            "id of 64 characters",
            """
            policy: %s
            version: 1
            legal-basis: b
            fields:
              buyer.name:
                action: drop
            """
                .formatted("p".repeat(64)),
            "policy must be lower-case letters, digits and dashes"),
        Arguments.of(
            "no id",
            """
            version: 1
            legal-basis: b
            fields:
              buyer.name:
                action: drop
            """,
            "the file: policy is required"),
        Arguments.of(
            "version 0",
            """
            policy: p
            version: 0
            legal-basis: b
            fields:
              buyer.name:
                action: drop
            """,
            "version must be a positive whole number"),
        Arguments.of(
            "negative version",
            """
            policy: p
            version: -1
            legal-basis: b
            fields:
              buyer.name:
                action: drop
            """,
            "version must be a positive whole number"),
        Arguments.of(
            "version not a number",
            """
            policy: p
            version: one
            legal-basis: b
            fields:
              buyer.name:
                action: drop
            """,
            "version must be a positive whole number"),
        Arguments.of(
            "version with a fraction",
            """
            policy: p
            version: 1.5
            legal-basis: b
            fields:
              buyer.name:
                action: drop
            """,
            "version must be a positive whole number"),
        Arguments.of(
            "version as text",
            """
            policy: p
            version: "1"
            legal-basis: b
            fields:
              buyer.name:
                action: drop
            """,
            "version must be a positive whole number"),
        Arguments.of(
            "no version",
            """
            policy: p
            legal-basis: b
            fields:
              buyer.name:
                action: drop
            """,
            "version must be a positive whole number"),
        Arguments.of(
            "no legal basis",
            """
            policy: p
            version: 1
            fields:
              buyer.name:
                action: drop
            """,
            "the file: legal-basis is required"),
        Arguments.of(
            "empty fields",
            """
            policy: p
            version: 1
            legal-basis: b
            fields: {}
            """,
            "fields names no field"),
        Arguments.of(
            "fields without value",
            """
            policy: p
            version: 1
            legal-basis: b
            fields:
            """,
            "fields must be a mapping"),
        Arguments.of(
            "fields as a list",
            """
            policy: p
            version: 1
            legal-basis: b
            fields:
              - buyer.name
            """,
            "fields must be a mapping"),
        Arguments.of(
            "no fields",
            """
            policy: p
            version: 1
            legal-basis: b
            """,
            "fields must be a mapping"),
        Arguments.of(
            "unknown top-level key",
            """
            policy: p
            version: 1
            legal-basis: b
            owner: x
            fields:
              buyer.name:
                action: drop
            """,
            "the file: unknown key owner"),
        Arguments.of(
            "a list, not a mapping",
            """
            - just
            - a list
            """,
            "the file must be a mapping"),
        Arguments.of("plain text, not a mapping", "just some text\n", "the file must be a mapping"),
        Arguments.of("an empty file", "", "the file must be a mapping"),
        Arguments.of("not YAML", "policy: [unclosed\n", "not a readable policy file"),
        Arguments.of(
            "aliases (expansion attacks)",
            """
            policy: p
            version: 1
            legal-basis: b
            rule: &r
              action: drop
            fields:
              buyer.name: *r
            """,
            "not a readable policy file"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedFiles")
  void refusesAMalformedFileNamingTheSourceAndTheKey(String name, String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith(SOURCE + ": ")
        .hasMessageContaining(message);
  }

  @Test
  void acceptsAnIdOf63Characters() {
    String id = "p".repeat(63);
    MinimizationPolicy policy =
        parse(
            """
            policy: %s
            version: 7
            legal-basis: b
            fields:
              seller.name:
                action: keep
                purpose: p
            """
                .formatted(id));

    assertThat(policy.id()).isEqualTo(id);
    assertThat(policy.version()).isEqualTo(7);
  }
}
