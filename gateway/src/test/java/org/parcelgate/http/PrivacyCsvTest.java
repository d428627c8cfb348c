package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrivacyCsvTest {
  private static String line(String... cells) {
    StringBuilder out = new StringBuilder();
    PrivacyEndpoints.csvLine(out, List.of(cells), List.of());
    return out.toString();
  }

  @Test
  void writesPlainCellsAsTheyAre() {
    assertThat(line("7", "buyer.buyerId", "pseudonymize"))
        .isEqualTo("7,buyer.buyerId,pseudonymize\r\n");
  }

  @Test
  void quotesCellsThatWouldBreakTheRow() {
    assertThat(line("a,b", "say \"x\"", "two\nlines"))
        .isEqualTo("\"a,b\",\"say \"\"x\"\"\",\"two\nlines\"\r\n");
  }

  @Test
  void neutralizesCellsASpreadsheetWouldRunAsFormulas() {
    assertThat(line("=HYPERLINK(\"x\")", "+1", "@SUM(A1)", "-2"))
        .isEqualTo("\"'=HYPERLINK(\"\"x\"\")\",'+1,'@SUM(A1),'-2\r\n");
  }
}
