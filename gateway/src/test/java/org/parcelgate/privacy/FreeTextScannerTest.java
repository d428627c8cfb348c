package org.parcelgate.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FreeTextScannerTest {
  private final FreeTextScanner scanner = new FreeTextScanner();

  @Test
  void masksEmailAddresses() {
    FreeTextScanner.Result result =
        scanner.scan("Wooden toy, questions to jan.jansen+shop@mail.example please");
    assertThat(result.text()).isEqualTo("Wooden toy, questions to [email] please");
    assertThat(result.counts()).isEqualTo(Map.of(FreeTextScanner.Kind.EMAIL, 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+31 6 1234 5678", "+49 (30) 123-4567", "0612345678", "06-12.34.56.78"})
  void masksPhoneNumbers(String phone) {
    FreeTextScanner.Result result = scanner.scan("Ceramic mug, call " + phone + " on delivery");
    assertThat(result.text()).isEqualTo("Ceramic mug, call [phone] on delivery");
    assertThat(result.counts()).containsEntry(FreeTextScanner.Kind.PHONE, 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"NX1234567", "AB123456", "X1234567Y"})
  void masksIdentityDocumentLikeNumbers(String id) {
    FreeTextScanner.Result result = scanner.scan("Gift for passport " + id + " holder");
    assertThat(result.text()).isEqualTo("Gift for passport [id] holder");
    assertThat(result.counts()).containsEntry(FreeTextScanner.Kind.ID_NUMBER, 1);
  }

  @Test
  void leavesOrdinaryDescriptionsAndHsCodesAlone() {
    for (String text :
        new String[] {
          "Bluetooth over-ear headphones with charging case",
          "USB-C charging cable, braided, 2 m",
          "Stainless steel kitchen knife set, 5 pieces, HS 82119200",
          "LED desk lamp 5W, 220-240 V"
        }) {
      FreeTextScanner.Result result = scanner.scan(text);
      assertThat(result.text()).as(text).isEqualTo(text);
      assertThat(result.total()).isZero();
    }
  }

  @Test
  void countsEveryKindInOneText() {
    FreeTextScanner.Result result =
        scanner.scan("a@b.example, c@d.example, +33 1 23 45 67 89, ID AB1234567");
    assertThat(result.counts())
        .containsEntry(FreeTextScanner.Kind.EMAIL, 2)
        .containsEntry(FreeTextScanner.Kind.PHONE, 1)
        .containsEntry(FreeTextScanner.Kind.ID_NUMBER, 1);
    assertThat(result.text())
        .doesNotContain("@")
        .doesNotContain("45 67")
        .doesNotContain("AB1234567");
  }
}
