package org.parcelgate.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.parcelgate.testing.TestPrivacy;

class MinimizationPolicyTest {
  private static final String HEAD =
      "policy: test-policy\nversion: 2\nlegal-basis: a stated basis\nfields:\n";

  private static MinimizationPolicy parse(String yaml) {
    return MinimizationPolicy.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml");
  }

  @Test
  void parsesTheShippedCustomsPolicy() {
    MinimizationPolicy policy = TestPrivacy.customsDefault();

    assertThat(policy.id()).isEqualTo("customs-default");
    assertThat(policy.version()).isEqualTo(1);
    assertThat(policy.legalBasis()).startsWith("Customs risk analysis");
    assertThat(policy.rule("buyer.buyerId").action()).isEqualTo(PolicyAction.PSEUDONYMIZE);
    assertThat(policy.rule("buyer.address.postalCode").method())
        .hasValue(FieldRule.Method.POSTAL_PREFIX);
    assertThat(policy.rule("buyer.address.postalCode").length()).isEqualTo(2);
    assertThat(policy.rule("items[].description").method()).hasValue(FieldRule.Method.FREE_TEXT);
  }

  @Test
  void dropsAFieldItDoesNotName() {
    MinimizationPolicy policy = parse(HEAD + "  seller.name:\n    action: keep\n    purpose: p\n");

    assertThat(policy.rule("buyer.name").action()).isEqualTo(PolicyAction.DROP);
  }

  @Test
  void hashesTheExactBytesOfTheFile() {
    String yaml = HEAD + "  seller.name:\n    action: keep\n    purpose: p\n";
    MinimizationPolicy policy = parse(yaml);

    assertThat(policy.sha256()).isEqualTo("" + parse(yaml).sha256()).hasSize(43);
    assertThat(parse(yaml + "# a comment\n").sha256()).isNotEqualTo(policy.sha256());
  }

  @Test
  void acceptsDropWithoutPurpose() {
    assertThat(parse(HEAD + "  buyer.name:\n    action: drop\n").rule("buyer.name").purpose())
        .isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "unknown action|  seller.name:\\n    action: publish\\n    purpose: p\\n|unknown action publish",
        "keep without purpose|  seller.name:\\n    action: keep\\n|purpose is required",
        "pseudonymize without purpose|  buyer.buyerId:\\n    action: pseudonymize\\n|purpose is required",
        "generalize without method|  buyer.address.postalCode:\\n    action: generalize\\n    purpose: p\\n|generalize needs a method",
        "mask without method|  items[].description:\\n    action: mask\\n    purpose: p\\n|mask needs a method",
        "method of another action|  items[].description:\\n    action: generalize\\n    method: free-text\\n    purpose: p\\n|generalize has no method free-text",
        "postal prefix without length|  buyer.address.postalCode:\\n    action: generalize\\n    method: postal-prefix\\n    purpose: p\\n|length must be from 1 to 32",
        "postal prefix of 0|  buyer.address.postalCode:\\n    action: generalize\\n    method: postal-prefix\\n    length: 0\\n    purpose: p\\n|length must be from 1 to 32",
        "postal prefix of 33|  buyer.address.postalCode:\\n    action: generalize\\n    method: postal-prefix\\n    length: 33\\n    purpose: p\\n|length must be from 1 to 32",
        "length where none applies|  orderTime:\\n    action: generalize\\n    method: month\\n    length: 2\\n    purpose: p\\n|length does not apply here",
        "unknown rule key|  seller.name:\\n    action: keep\\n    purpose: p\\n    reason: q\\n|unknown key reason",
        "malformed path|  buyer..name:\\n    action: drop\\n|buyer..name is not a field path",
        "rule not a mapping|  seller.name: keep\\n|seller.name must be a mapping",
        "duplicate field|  seller.name:\\n    action: keep\\n    purpose: p\\n  seller.name:\\n    action: drop\\n|not a readable policy file"
      })
  void refusesAMalformedRule(String name, String rule, String message) {
    assertThatThrownBy(() -> parse(HEAD + rule.replace("\\n", "\n")))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("test.yaml: ")
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bad id|policy: Customs Default\\nversion: 1\\nlegal-basis: b\\nfields:\\n  a:\\n    action: drop\\n|policy must be lower-case",
        "version 0|policy: p\\nversion: 0\\nlegal-basis: b\\nfields:\\n  a:\\n    action: drop\\n|version must be a positive whole number",
        "version not a number|policy: p\\nversion: one\\nlegal-basis: b\\nfields:\\n  a:\\n    action: drop\\n|version must be a positive whole number",
        "no legal basis|policy: p\\nversion: 1\\nfields:\\n  a:\\n    action: drop\\n|legal-basis is required",
        "empty fields|policy: p\\nversion: 1\\nlegal-basis: b\\nfields: {}\\n|fields names no field",
        "unknown top-level key|policy: p\\nversion: 1\\nlegal-basis: b\\nowner: x\\nfields:\\n  a:\\n    action: drop\\n|unknown key owner",
        "not a mapping|- just\\n- a list\\n|the file must be a mapping",
        "not YAML|policy: [unclosed\\n|not a readable policy file"
      })
  void refusesAMalformedFile(String name, String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml.replace("\\n", "\n")))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("test.yaml: ")
        .hasMessageContaining(message);
  }
}
