package org.parcelgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.parcelgate.risk.Flag;
import org.parcelgate.testing.ProjectFiles;

/**
 * The flag vocabulary is part of the feed contract: docs/protocol.md's table and the OpenAPI
 * description name exactly the flags the gateway writes, each with its category.
 */
class RiskVocabularyContractTest {
  private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z_]+)` \\| `([a-z_]+)` \\|");

  @Test
  void protocolDocumentListsEveryFlagWithItsCategoryAndNoOther() throws IOException {
    String protocol = Files.readString(ProjectFiles.resolve("docs/protocol.md"));
    String section = protocol.substring(protocol.indexOf("**The flag vocabulary.**"));
    List<String> rows = new ArrayList<>();
    Matcher row =
        ROW.matcher(section.substring(0, section.indexOf("\n\n", section.indexOf("| ---"))));
    while (row.find()) {
      rows.add(row.group(1) + " " + row.group(2));
    }

    assertThat(rows)
        .containsExactlyElementsOf(
            Arrays.stream(Flag.values())
                .map(flag -> flag.wireName() + " " + flag.category().wireName())
                .toList());
  }

  @Test
  void openApiNamesEveryFlagAndCategory() throws IOException {
    JsonNode schemas =
        new ObjectMapper()
            .readTree(ProjectFiles.resolve("docs/openapi.json").toFile())
            .path("components")
            .path("schemas");

    assertThat(schemas.path("RiskFlag").path("examples"))
        .extracting(JsonNode::asText)
        .containsExactlyElementsOf(Arrays.stream(Flag.values()).map(Flag::wireName).toList());
    assertThat(schemas.path("RiskFinding").path("properties").path("category").path("examples"))
        .extracting(JsonNode::asText)
        .containsExactlyElementsOf(
            Arrays.stream(Flag.Category.values()).map(Flag.Category::wireName).toList());
  }
}
