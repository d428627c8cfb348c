package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.ProjectFiles;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The OpenAPI description served at {@code /v1/openapi.json} is the partner API: the same endpoints
 * the router serves, every problem code and no other, the roles of every operation.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class OpenApiDocumentTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final Set<String> ROLES = Set.of("marketplace", "customs", "privacy-officer");
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static Vertx vertx;
  private static TestGateway.Running gateway;
  private static JsonObject document;

  @BeforeAll
  static void start() throws IOException {
    vertx = Vertx.vertx();
    gateway = Await.result(TestGateway.start(vertx, PKI));
    document = new JsonObject(Buffer.buffer(served()));
  }

  private static byte[] served() throws IOException {
    try (InputStream in =
        PartnerApiRouter.class.getResourceAsStream(PartnerApiRouter.OPENAPI_RESOURCE)) {
      return in.readAllBytes();
    }
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
    Await.result(vertx.close());
  }

  @Test
  void servesTheDocumentToAnyRegisteredCertificateWithoutAToken() {
    try (PartnerClient client =
        PartnerClient.of(vertx, PKI, PKI.identity("marketplace-beta"), gateway.partnerPort())) {
      HttpResponse<Buffer> response =
          Await.result(client.request(HttpMethod.GET, PartnerApiRouter.OPENAPI_PATH).send());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/openapi+json");
      assertThat(response.bodyAsJsonObject()).isEqualTo(document);
    }
    assertThat(document.getString("openapi")).isEqualTo("3.1.0");
    assertThat(document.getJsonObject("info").getString("title")).isNotBlank();
  }

  @Test
  void publishedCopyInDocsIsTheServedDocument() throws IOException {
    Path published = ProjectFiles.resolve("docs/openapi.json");

    assertThat(Files.readString(published))
        .as(
            "docs/openapi.json must be a byte-for-byte copy of the served description ("
                + PartnerApiRouter.OPENAPI_RESOURCE
                + " in gateway/src/main/resources): copy it over")
        .isEqualTo(new String(served(), StandardCharsets.UTF_8));
  }

  @Test
  void describesExactlyTheEndpointsTheRouterServes() {
    assertThat(documented()).isEqualTo(normalized(gateway.gateway().partnerEndpoints()));
  }

  @Test
  void answersEveryDocumentedOperationWithoutNotFound() {
    for (String endpoint : documented()) {
      String[] parts = endpoint.split(" ", 2);
      String path = parts[1].replace("{}", "no-such-batch");
      String partner = partnerFor(parts[1]);
      HttpResponse<Buffer> response = call(HttpMethod.valueOf(parts[0]), path, partner);

      assertThat(response.statusCode())
          .as(endpoint + " as " + partner + ": " + response.bodyAsString())
          .isIn(expected(parts[1]));
    }
  }

  @Test
  void answersAMethodTheDocumentDoesNotListWithMethodNotAllowed() {
    HttpResponse<Buffer> response = call(HttpMethod.DELETE, "/v1/whoami", "marketplace-alpha");

    assertThat(documented()).doesNotContain("DELETE /v1/whoami");
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("method_not_allowed");
  }

  @Test
  void answersEveryOtherMethodOnEveryDocumentedPathWithMethodNotAllowed() {
    for (String endpoint : documented()) {
      String path = endpoint.split(" ", 2)[1];
      if (documented().contains("DELETE " + path)) {
        continue;
      }
      HttpResponse<Buffer> response =
          call(HttpMethod.DELETE, path.replace("{}", "no-such-batch"), partnerFor(path));

      assertThat(response.statusCode()).as("DELETE " + path).isEqualTo(405);
    }
  }

  @Test
  void refusesEveryRoleAnOperationDoesNotNameAndServesTheOnesItNames() {
    forEachOperation(
        (name, operation) -> {
          String[] parts = name.split(" ", 2);
          HttpMethod method = HttpMethod.valueOf(parts[0].toUpperCase(java.util.Locale.ROOT));
          String path = parts[1].replaceAll("\\{[^}]+}", "no-such-batch");
          List<?> roles = operation.getJsonArray("x-parcelgate-roles").getList();
          for (String role : ROLES) {
            HttpResponse<Buffer> response = call(method, path, partnerOfRole(role));
            boolean refused =
                response.statusCode() == 403
                    && "forbidden".equals(response.bodyAsJsonObject().getString("code"));
            assertThat(refused)
                .as(name + " as " + role + ": " + response.bodyAsString())
                .isEqualTo(!roles.contains(role));
          }
        });
  }

  @Test
  void listsEveryProblemCodeAndNoOther() {
    JsonArray codes =
        document
            .getJsonObject("components")
            .getJsonObject("schemas")
            .getJsonObject("Problem")
            .getJsonObject("properties")
            .getJsonObject("code")
            .getJsonArray("enum");

    assertThat(codes.stream().map(String.class::cast).toList())
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(ProblemCode.values()).map(ProblemCode::code).toList());
  }

  @Test
  void everyOperationNamesItsRolesAndOnlyCodesOfTheirStatus() {
    Map<String, Integer> statusOf =
        Arrays.stream(ProblemCode.values())
            .collect(Collectors.toMap(ProblemCode::code, ProblemCode::status));
    Set<String> used = new TreeSet<>();
    forEachOperation(
        (name, operation) -> {
          assertThat(
                  operation.getJsonArray("x-parcelgate-roles").stream()
                      .map(String.class::cast)
                      .toList())
              .as(name)
              .isNotEmpty()
              .allSatisfy(role -> assertThat(ROLES).contains(role));
          JsonObject responses = operation.getJsonObject("responses");
          for (String status : responses.fieldNames()) {
            JsonObject response = resolve(responses.getJsonObject(status));
            JsonArray codes = response.getJsonArray("x-parcelgate-codes", new JsonArray());
            for (Object code : codes) {
              assertThat(statusOf.get((String) code))
                  .as(name + " " + code)
                  .isEqualTo(Integer.valueOf(status));
              used.add((String) code);
            }
          }
        });
    assertThat(used).as("every code is given by some operation").containsAll(statusOf.keySet());
  }

  @Test
  void everyReferenceResolves() {
    List<String> references = new ArrayList<>();
    collectReferences(document, references);

    assertThat(references).isNotEmpty();
    assertThat(references)
        .allSatisfy(reference -> assertThat(lookUp(reference)).as(reference).isNotNull());
  }

  private static SortedSet<String> documented() {
    SortedSet<String> endpoints = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(method)) {
          endpoints.add(
              method.toUpperCase(java.util.Locale.ROOT) + " " + path.replaceAll("\\{[^}]+}", "{}"));
        }
      }
    }
    return endpoints;
  }

  private static SortedSet<String> normalized(Set<String> served) {
    return served.stream()
        .map(endpoint -> endpoint.replaceAll(":[A-Za-z]+", "{}"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String partnerOfRole(String role) {
    return switch (role) {
      case "customs" -> "customs-nl";
      case "privacy-officer" -> "privacy-officer";
      default -> "marketplace-alpha";
    };
  }

  private static String partnerFor(String path) {
    if (path.startsWith("/v1/customs")) {
      return "customs-nl";
    }
    if (path.startsWith("/v1/privacy") || path.startsWith("/privacy")) {
      return "privacy-officer";
    }
    return "marketplace-alpha";
  }

  /** What a documented endpoint may answer to a right caller: never 404 for want of a route. */
  private static Set<Integer> expected(String path) {
    if (path.equals("/v1/batches")) {
      return Set.of(415); // a body without the batch media type is refused, not the path
    }
    if (path.equals("/v1/batches/{}")) {
      return Set.of(
          404); // the route exists; the batch does not (checked by its problem code below)
    }
    if (path.contains("/proofs/")) {
      return Set.of(400); // required parameters missing
    }
    if (path.equals("/privacy")) {
      return Set.of(302);
    }
    if (path.endsWith("/tile/")) {
      return Set.of(404); // the route exists; an empty tile path is no tile
    }
    if (path.equals("/v1/schemas/{}")) {
      return Set.of(400); // the route exists; the placeholder is not a fingerprint
    }
    return Set.of(200);
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String partner) {
    Identity identity = PKI.identity(partner);
    String alg = identity.signingKeys().get(0).getAlgorithm().getName();
    RequestTokens token = RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now());
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      var request =
          client
              .request(method, path)
              .putHeader("Authorization", "Bearer " + token.body(new byte[0]).sign())
              .putHeader("X-Parcelgate-Page", "1")
              .followRedirects(false);
      HttpResponse<Buffer> response = Await.result(request.send());
      return response;
    }
  }

  private static void forEachOperation(java.util.function.BiConsumer<String, JsonObject> check) {
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (METHODS.contains(method)) {
          check.accept(method + " " + path, item.getJsonObject(method));
        }
      }
    }
  }

  private static JsonObject resolve(JsonObject maybeReference) {
    String reference = maybeReference.getString("$ref");
    return reference == null ? maybeReference : (JsonObject) lookUp(reference);
  }

  private static Object lookUp(String reference) {
    assertThat(reference).startsWith("#/");
    Object node = document;
    for (String part : reference.substring(2).split("/")) {
      if (!(node instanceof JsonObject object) || !object.containsKey(part)) {
        return null;
      }
      node = object.getValue(part);
    }
    return node;
  }

  private static void collectReferences(Object node, List<String> references) {
    if (node instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        if (entry.getKey().equals("$ref")) {
          references.add((String) entry.getValue());
        } else {
          collectReferences(entry.getValue(), references);
        }
      }
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> collectReferences(item, references));
    }
  }
}
