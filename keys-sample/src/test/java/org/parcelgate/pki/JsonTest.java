package org.parcelgate.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void printsMembersInInsertionOrderAndPlainListsOnOneLine() {
    Object value =
        Json.object(
            "z",
            "last?",
            "a",
            List.of("x", "y"),
            "n",
            1,
            "o",
            List.of(Map.of("k", true)),
            "e",
            null);

    String json = Json.pretty(value);

    assertThat(json)
        .isEqualTo(
            """
            {
              "z": "last?",
              "a": ["x", "y"],
              "n": 1,
              "o": [
                {
                  "k": true
                }
              ],
              "e": null
            }
            """);
  }

  @Test
  void escapesStringsAndParsesBack() {
    String text = "quote \" backslash \\ newline \n tab \t bell \u0007 é";

    String json = Json.pretty(Json.object("text", text));

    assertThat(json).contains("\\u0007").doesNotContain("\n tab");
    assertThat(Json.parse(json)).containsEntry("text", text);
  }

  @Test
  void ordersJwkMembersWithTypeAndIdFirst() {
    assertThat(Json.ordered(SigningKeys.es256("k")).keySet())
        .containsExactly("kty", "kid", "use", "alg", "crv", "x", "y", "d");
  }
}
