package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.ingest.WriterSchemas;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * {@code GET /v1/schemas} and {@code GET /v1/schemas/{fingerprint}} over mutual TLS: every role
 * reads the writer schemas the gateway accepts, named by the fingerprint receipts carry; a
 * malformed fingerprint and an unknown one are refused with their own codes.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class SchemaEndpointsTest {
  private static final SamplePki PKI = TestPki.shared();

  private static Vertx vertx;
  private static TestGateway.Running gateway;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    gateway = Await.result(TestGateway.start(vertx, PKI));
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
    Await.result(vertx.close());
  }

  @Test
  void listsEveryShippedSchemaOldestFirstWithItsFingerprint() throws IOException {
    HttpResponse<Buffer> response = get("marketplace-alpha", "/v1/schemas");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    JsonObject list = response.bodyAsJsonObject();
    JsonArray schemas = list.getJsonArray("schemas");
    List<String> expected = new ArrayList<>();
    for (String resource : WriterSchemas.SHIPPED) {
      expected.add(WriterSchemas.fingerprint(shipped(resource)));
    }
    assertThat(schemas.stream().map(s -> ((JsonObject) s).getString("fingerprint")).toList())
        .containsExactlyElementsOf(expected);
    assertThat(list.getString("newest")).isEqualTo(expected.get(expected.size() - 1));
    for (int i = 0; i < schemas.size(); i++) {
      JsonObject entry = schemas.getJsonObject(i);
      assertThat(entry.getInteger("version")).isEqualTo(i + 1);
      assertThat(entry.getString("name")).isEqualTo("org.parcelgate.schema.Transaction");
      assertThat(entry.getString("href")).isEqualTo("/v1/schemas/" + expected.get(i));
    }
  }

  @Test
  void servesEachSchemaByItsFingerprintToEveryRole() throws IOException {
    for (String resource : WriterSchemas.SHIPPED) {
      Schema shipped = shipped(resource);
      String fingerprint = WriterSchemas.fingerprint(shipped);
      for (String partner : List.of("marketplace-beta", "customs-nl", "privacy-officer")) {
        HttpResponse<Buffer> response = get(partner, "/v1/schemas/" + fingerprint);

        assertThat(response.statusCode()).as(partner).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        Schema served = new Schema.Parser().parse(response.bodyAsString());
        assertThat(served).isEqualTo(shipped);
        assertThat(WriterSchemas.fingerprint(served)).isEqualTo(fingerprint);
      }
    }
  }

  @Test
  void refusesAnUnknownFingerprintWithUnknownSchema() {
    HttpResponse<Buffer> response = get("marketplace-alpha", "/v1/schemas/" + "0".repeat(64));

    assertProblem(response, 404, "unknown_schema");
  }

  @Test
  void refusesAMalformedFingerprintWithInvalidRequest() {
    for (String malformed :
        List.of("abc", "0".repeat(63), "0".repeat(65), "A".repeat(64), "g".repeat(64))) {
      HttpResponse<Buffer> response = get("marketplace-alpha", "/v1/schemas/" + malformed);

      assertProblem(response, 400, "invalid_request");
      assertThat(response.bodyAsJsonObject().getString("detail")).doesNotContain(malformed);
    }
  }

  @Test
  void refusesAReadWithoutAToken() {
    try (PartnerClient client =
        PartnerClient.of(vertx, PKI, PKI.identity("marketplace-alpha"), gateway.partnerPort())) {
      HttpResponse<Buffer> response =
          Await.result(client.request(io.vertx.core.http.HttpMethod.GET, "/v1/schemas").send());

      assertProblem(response, 401, "missing_token");
    }
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo(code);
  }

  private static Schema shipped(String resource) throws IOException {
    try (InputStream in = WriterSchemas.class.getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    }
  }

  private static HttpResponse<Buffer> get(String partner, String path) {
    Identity identity = PKI.identity(partner);
    String alg = identity.signingKeys().get(0).getAlgorithm().getName();
    String token =
        RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now())
            .body(new byte[0])
            .sign();
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      return Await.result(client.get(path, token));
    }
  }
}
