package org.parcelgate.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PseudonymizerTest {
  private static byte[] secret(char fill) {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) fill);
    return secret;
  }

  private final Pseudonymizer customsNl = new Pseudonymizer("customs-nl", 1, secret('a'));

  @Test
  void sameValueInSameFieldGivesTheSamePseudonym() {
    assertThat(customsNl.pseudonym("buyer.email", "marketplace-alpha", "buyer@mail.example"))
        .isEqualTo(customsNl.pseudonym("buyer.email", "marketplace-alpha", "buyer@mail.example"))
        .startsWith("p1_")
        .hasSize(3 + 43)
        .doesNotContain("buyer");
  }

  @Test
  void otherValuesAndOtherFieldsGiveOtherPseudonyms() {
    assertThat(customsNl.pseudonym("buyer.email", "marketplace-alpha", "a@mail.example"))
        .isNotEqualTo(customsNl.pseudonym("buyer.email", "marketplace-alpha", "b@mail.example"))
        .isNotEqualTo(customsNl.pseudonym("buyer.buyerId", "marketplace-alpha", "a@mail.example"));
  }

  @Test
  void theSameIdAtTwoMarketplacesIsNotOneBuyer() {
    assertThat(customsNl.pseudonym("buyer.buyerId", "marketplace-alpha", "buyer-7"))
        .isNotEqualTo(customsNl.pseudonym("buyer.buyerId", "marketplace-beta", "buyer-7"));
  }

  @Test
  void twoRecipientsCannotLinkTheirPseudonyms() {
    Pseudonymizer customsDe = new Pseudonymizer("customs-de", 1, secret('b'));
    assertThat(customsNl.pseudonym("buyer.buyerId", "marketplace-alpha", "buyer-7"))
        .isNotEqualTo(customsDe.pseudonym("buyer.buyerId", "marketplace-alpha", "buyer-7"));
  }

  @Test
  void rotationChangesEveryPseudonymAndNamesTheVersion() {
    Pseudonymizer rotated = new Pseudonymizer("customs-nl", 2, secret('c'));
    String before = customsNl.pseudonym("buyer.buyerId", "marketplace-alpha", "buyer-7");
    String after = rotated.pseudonym("buyer.buyerId", "marketplace-alpha", "buyer-7");
    assertThat(after).startsWith("p2_");
    assertThat(after.substring(3)).isNotEqualTo(before.substring(3));
  }

  @Test
  void refusesShortSecretsAndNeverShowsTheSecret() {
    assertThatThrownBy(() -> new Pseudonymizer("customs-nl", 1, new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(customsNl.toString())
        .doesNotContain(new String(secret('a'), StandardCharsets.ISO_8859_1));
  }
}
