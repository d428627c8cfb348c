package org.parcelgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.conformance.Conformance.assertProblem;
import static org.parcelgate.conformance.Conformance.json;
import static org.parcelgate.conformance.Conformance.partner;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.schema.Transaction;

/**
 * Protocol section 3, schemas: the writer schemas a marketplace may write with, listed and served
 * to every role, each under the SHA-256 of its Parsing Canonical Form.
 */
@ExtendWith(ConformanceReport.class)
class SchemaConformanceTest {
  private static final List<String> ROLES =
      List.of("marketplace-alpha", "customs-nl", "privacy-officer");

  @Test
  void servesEveryListedSchemaUnderItsOwnFingerprintToEveryRole() throws Exception {
    for (String name : ROLES) {
      Partners reader = partner(name);
      HttpResponse<String> list = reader.get("/v1/schemas", reader.token().sign());
      assertThat(list.statusCode()).as("%s: %s", name, list.body()).isEqualTo(200);
      List<?> schemas = (List<?>) json(list).get("schemas");
      assertThat(schemas).as(name).isNotEmpty();
      for (Object entry : schemas) {
        String fingerprint = (String) ((Map<?, ?>) entry).get("fingerprint");
        HttpResponse<String> answer =
            reader.get("/v1/schemas/" + fingerprint, reader.token().sign());
        assertThat(answer.statusCode()).as("%s %s", name, fingerprint).isEqualTo(200);
        assertThat(fingerprint(new Schema.Parser().parse(answer.body())))
            .as("the schema served under %s", fingerprint)
            .isEqualTo(fingerprint);
      }
    }
  }

  @Test
  void listsTheCurrentTransactionSchemaAsTheNewest() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    Map<String, Object> list = json(alpha.get("/v1/schemas", alpha.token().sign()));
    assertThat(list.get("newest")).isEqualTo(fingerprint(Transaction.getClassSchema()));
  }

  @Test
  void refusesAnUnknownOrMalformedFingerprint() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    assertProblem(
        "unknown",
        alpha.get("/v1/schemas/" + "0".repeat(64), alpha.token().sign()),
        404,
        "unknown_schema");
    for (String malformed : List.of("abc", "0".repeat(63) + "g", "F".repeat(64))) {
      assertProblem(
          malformed,
          alpha.get("/v1/schemas/" + malformed, alpha.token().sign()),
          400,
          "invalid_request");
    }
  }

  private static String fingerprint(Schema schema) throws Exception {
    byte[] form = SchemaNormalization.toParsingForm(schema).getBytes(StandardCharsets.UTF_8);
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(form));
  }
}
