package org.parcelgate.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.parcelgate.http.CustomsEndpoints;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.protocol.Digests;
import org.parcelgate.protocol.JoseTypes;
import org.parcelgate.protocol.SignatureAlgorithms;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.CustomsReceiver;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * Every object the gateway signs, against what docs/protocol.md says it holds: receipts (section
 * 6), checkpoints of the minimization log (section 7), feed pages in JSON and Avro with their
 * signed cursors (section 8), and the request tokens of push deliveries (section 9). The table
 * below is written from those sections: each object's protected header and claims, every member
 * with its documented value, and nothing else, since the document promises exactly these members.
 *
 * <p>The objects come from a gateway started in-process, over mutual TLS as each partner reads
 * them, and from a WireMock customs endpoint that requires the gateway's client certificate, as the
 * push tests do. Each is verified with the keys the gateway publishes.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class SignedObjectContractTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final String RECIPIENT = "customs-nl";
  private static final String MARKETPLACE = "marketplace-alpha";
  private static final String PUSH_PATH = "/customs/parcelgate";
  private static final int RECORDS = 4;
  private static final String PRICE_PAGE = CustomsEndpoints.PRICE_PATH + "?cursor=0&limit=2";
  private static final String SELLER_PAGE = CustomsEndpoints.SELLER_PATH + "?limit=1";

  private static WireMockServer customs;
  private static TestGateway.Running gateway;

  /** When the gateway started and when the last object was fetched, in seconds. */
  private static long startedSecond;

  private static long finishedSecond;

  private static JWKSet publishedKeys;
  private static JWK activeKey;
  private static final Map<String, Obtained> OBTAINED = new LinkedHashMap<>();

  /**
   * A signed object as the gateway produced it, with what its documented values are compared to:
   * the surroundings it came with (the batch answer, the page's body and headers, the delivery).
   *
   * @param jws the compact JWS; for a detached one, its middle part is empty
   * @param payload the detached payload, or null
   */
  private record Obtained(String jws, byte[] payload, JsonObject context) {}

  /** One documented member: how its value is checked against what the object came with. */
  @FunctionalInterface
  private interface Rule {
    void check(String member, Object actual, Obtained obtained);
  }

  /**
   * One signed object as docs/protocol.md describes it.
   *
   * @param detached whether the payload is detached (then it has no claims: the payload is a body)
   */
  private record Contract(
      String object,
      JOSEObjectType type,
      boolean detached,
      Map<String, Rule> header,
      Map<String, Rule> claims) {
    @Override
    public String toString() {
      return object;
    }
  }

  // --- the table, from docs/protocol.md ---------------------------------------------------------

  static Stream<Contract> documentedSignedObjects() {
    return Stream.of(
        // Section 6, "The receipt".
        new Contract(
            "receipt",
            JoseTypes.RECEIPT,
            false,
            gatewayKeyHeader("parcelgate-receipt+jwt").rules,
            new Members()
                .with("iss", is(TestGateway.GATEWAY_ID))
                .with("sub", is(MARKETPLACE))
                .with("iat", secondOf("receivedAt"))
                .with("jti", from("batchId"))
                .with("batch_id", from("batchId"))
                .with("body_sha256", from("bodySha256"))
                .with("request_jti", from("requestJti"))
                .with("writer_schema", from("writerSchema"))
                .with("records", from("records"))
                .with("accepted", from("accepted"))
                .with("unchanged", from("unchanged"))
                .with("rejected", from("rejected"))
                .rules),
        // Section 7, "The checkpoint".
        new Contract(
            "checkpoint",
            JoseTypes.CHECKPOINT,
            false,
            gatewayKeyHeader("parcelgate-checkpoint+jwt").rules,
            new Members()
                .with("iss", is(TestGateway.GATEWAY_ID))
                .with("iat", secondOf("time"))
                .with("log", is("minimization"))
                .with("tree_size", from("treeSize"))
                .with("root_hash", from("rootHash"))
                .rules),
        // Section 8, "Verifying a page": one row per feed and form.
        feedPage("price feed page, JSON", PRICE_PAGE),
        feedPage("price feed page, Avro", PRICE_PAGE),
        feedPage("seller feed page, JSON", SELLER_PAGE),
        feedPage("seller feed page, Avro", SELLER_PAGE),
        // Section 9, "The request", with the token rules of section 2.
        pushToken("push token, price delivery"),
        pushToken("push token, seller delivery"));
  }

  /** {@code alg} and {@code kid} of the gateway's active signing key, and the {@code typ}. */
  private static Members gatewayKeyHeader(String typ) {
    return new Members()
        .with(
            "alg",
            (member, actual, obtained) ->
                assertThat(actual)
                    .as(member)
                    .isEqualTo(SignatureAlgorithms.require(activeKey).getName()))
        .with(
            "kid",
            (member, actual, obtained) -> {
              assertThat(actual).as(member).isEqualTo(activeKey.getKeyID());
              assertThat(publishedKeys.getKeyByKeyId((String) actual))
                  .as("%s among /.well-known/jwks.json", member)
                  .isNotNull();
            })
        .with("typ", is(typ));
  }

  private static Contract feedPage(String object, String request) {
    return new Contract(
        object,
        JoseTypes.FEED_PAGE,
        true,
        gatewayKeyHeader("parcelgate-feed+jws")
            .with("iss", is(TestGateway.GATEWAY_ID))
            .with("aud", is(RECIPIENT))
            .with("iat", signedDuringTheTest())
            .with("request", is(request))
            // JSON: the body's; Avro: the HTTP headers', which the signature must vouch for.
            .with("next_cursor", from("nextCursor"))
            .with("more", from("more"))
            .rules,
        Map.of());
  }

  private static Contract pushToken(String object) {
    return new Contract(
        object,
        JoseTypes.REQUEST,
        false,
        gatewayKeyHeader("parcelgate-request+jwt").rules,
        new Members()
            .with("iss", is(TestGateway.GATEWAY_ID))
            .with("sub", is(TestGateway.GATEWAY_ID))
            .with("aud", is(RECIPIENT))
            .with("iat", signedDuringTheTest())
            .with(
                "exp",
                (member, actual, obtained) ->
                    assertThat(number(actual))
                        .as("%s, 60 s after iat", member)
                        .isEqualTo(number(claims(obtained).getValue("iat")) + 60))
            .with(
                "jti",
                (member, actual, obtained) ->
                    assertThat(actual)
                        .as("%s: 1 to 128 printable ASCII characters", member)
                        .asString()
                        .matches("[!-~]{1,128}"))
            .with("body_sha256", from("bodySha256"))
            .with("cnf", from("cnf"))
            .rules);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documentedSignedObjects")
  void holdsExactlyWhatTheProtocolDocumentSays(Contract contract) throws Exception {
    Obtained obtained = OBTAINED.get(contract.object());
    assertThat(obtained).as("the gateway produced a %s", contract.object()).isNotNull();
    String[] parts = obtained.jws().split("\\.", -1);
    assertThat(parts).as("compact serialization").hasSize(3);

    JsonObject header = json(parts[0]);
    check(contract.header(), header, obtained, "protected header");
    if (contract.detached()) {
      assertThat(parts[1]).as("a detached payload leaves the middle part empty").isEmpty();
    } else {
      check(contract.claims(), json(parts[1]), obtained, "claims");
    }

    JWSObject jws =
        contract.detached()
            ? JWSObject.parse(obtained.jws(), new Payload(obtained.payload()))
            : JWSObject.parse(obtained.jws());
    JWK key = publishedKeys.getKeyByKeyId(header.getString("kid"));
    assertThat(jws.verify(SignatureAlgorithms.verifierFor(key.toPublicJWK())))
        .as("the signature verifies with the published key")
        .isTrue();
  }

  /**
   * The table names every type of object the protocol defines ({@link JoseTypes}), and no other.
   */
  @Test
  void theTableCoversEveryTypeTheGatewaySigns() throws IllegalAccessException {
    List<String> defined = new ArrayList<>();
    for (Field field : JoseTypes.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.get(null) instanceof JOSEObjectType t) {
        defined.add(t.getType());
      }
    }
    assertThat(documentedSignedObjects().map(contract -> contract.type().getType()).distinct())
        .containsExactlyInAnyOrderElementsOf(defined);
    assertThat(documentedSignedObjects().map(Contract::object))
        .containsExactlyElementsOf(OBTAINED.keySet());
  }

  private static void check(
      Map<String, Rule> documented, JsonObject actual, Obtained obtained, String part) {
    assertThat(actual.fieldNames())
        .as("the members of the %s, no more, no fewer", part)
        .containsExactlyInAnyOrderElementsOf(documented.keySet());
    documented.forEach(
        (member, rule) -> rule.check(part + " " + member, actual.getValue(member), obtained));
  }

  // --- rules ------------------------------------------------------------------------------------

  /** The documented members of a header or claims set, in the document's order. */
  private static final class Members {
    private final Map<String, Rule> rules = new LinkedHashMap<>();

    Members with(String member, Rule rule) {
      rules.put(member, rule);
      return this;
    }
  }

  /** Exactly this value, of this JSON type. */
  private static Rule is(Object expected) {
    return (member, actual, obtained) -> assertThat(actual).as(member).isEqualTo(expected);
  }

  /** The value the object came with under {@code key}, of the same JSON type. */
  private static Rule from(String key) {
    return (member, actual, obtained) -> {
      Object expected = obtained.context().getValue(key);
      assertThat(expected).as("%s is in the context of %s", key, member).isNotNull();
      if (expected instanceof Number e && actual instanceof Number a) {
        assertThat(a.longValue()).as(member).isEqualTo(e.longValue());
      } else {
        assertThat(actual).as(member).isEqualTo(expected);
      }
    };
  }

  /** A NumericDate: the second of the ISO-8601 instant the object came with under {@code key}. */
  private static Rule secondOf(String key) {
    return (member, actual, obtained) ->
        assertThat(number(actual))
            .as(member)
            .isEqualTo(Instant.parse(obtained.context().getString(key)).getEpochSecond());
  }

  /** A NumericDate between the gateway's start and the last fetch. */
  private static Rule signedDuringTheTest() {
    return (member, actual, obtained) ->
        assertThat(number(actual)).as(member).isBetween(startedSecond, finishedSecond);
  }

  private static long number(Object value) {
    assertThat(value).as("a JSON number").isInstanceOf(Number.class);
    assertThat(value).as("a whole number").isNotInstanceOf(Double.class);
    return ((Number) value).longValue();
  }

  private static JsonObject claims(Obtained obtained) {
    return json(obtained.jws().split("\\.", -1)[1]);
  }

  private static JsonObject json(String base64Url) {
    return new JsonObject(Buffer.buffer(Base64.getUrlDecoder().decode(base64Url)));
  }

  // --- obtaining each object
  // ----------------------------------------------------------------------

  @BeforeAll
  static void obtainEverySignedObject(Vertx vertx) throws Exception {
    startedSecond = Instant.now().getEpochSecond();
    activeKey = GatewaySigningKeys.load(PKI.gatewaySigningKey(), Optional.empty()).activeKey();
    customs = CustomsReceiver.start(PKI);
    customs.stubFor(post(urlEqualTo(PUSH_PATH)).willReturn(aResponse().withStatus(200)));
    Map<String, String> env =
        CustomsReceiver.pushEnvironment(
            PKI, RECIPIENT, "https://localhost:" + customs.httpsPort() + PUSH_PATH);
    gateway = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
    int port = gateway.partnerPort();
    publishedKeys =
        JWKSet.parse(
            Partners.get(vertx, PKI, RECIPIENT, port, PartnerApiRouter.JWKS_PATH, null)
                .bodyAsString());

    receipt(vertx, port);
    checkpoint(vertx, port);
    feedPage(vertx, port, "price feed page, JSON", PRICE_PAGE, null);
    feedPage(vertx, port, "price feed page, Avro", PRICE_PAGE, "application/avro");
    feedPage(vertx, port, "seller feed page, JSON", SELLER_PAGE, null);
    feedPage(vertx, port, "seller feed page, Avro", SELLER_PAGE, "application/avro");
    pushTokens();
    finishedSecond = Instant.now().getEpochSecond();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      Await.result(gateway.gateway().stop());
    }
    if (customs != null) {
      customs.stop();
    }
  }

  private static void receipt(Vertx vertx, int port) {
    Identity alpha = PKI.identity(MARKETPLACE);
    byte[] body =
        Containers.write(
            SampleTransactions.batch(0, RECORDS, Instant.now().minus(2, ChronoUnit.HOURS)));
    String requestJti = UUID.randomUUID().toString();
    String token =
        RequestTokens.of(alpha, "ES256", TestGateway.GATEWAY_ID, Instant.now())
            .body(body)
            .jti(requestJti)
            .sign();
    HttpResponse<Buffer> answer;
    try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, port)) {
      answer = Await.result(client.postBatch(body, token));
    }
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(202);
    JsonObject batch = answer.bodyAsJsonObject();
    assertThat(batch.getInteger("accepted")).isEqualTo(RECORDS);
    OBTAINED.put(
        "receipt",
        new Obtained(
            batch.getString("receipt"),
            null,
            batch
                .copy()
                .put("bodySha256", Digests.sha256Base64Url(body))
                .put("requestJti", requestJti)));
  }

  private static void checkpoint(Vertx vertx, int port) {
    HttpResponse<Buffer> answer =
        Partners.get(vertx, PKI, "privacy-officer", port, "/v1/privacy/checkpoint", null);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    JsonObject checkpoint = answer.bodyAsJsonObject();
    OBTAINED.put("checkpoint", new Obtained(checkpoint.getString("jws"), null, checkpoint));
  }

  private static void feedPage(Vertx vertx, int port, String object, String path, String accept) {
    HttpResponse<Buffer> answer = Partners.get(vertx, PKI, RECIPIENT, port, path, accept);
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    byte[] body = answer.body().getBytes();
    JsonObject context;
    if (accept == null) {
      JsonObject page = answer.bodyAsJsonObject();
      context =
          new JsonObject()
              .put("nextCursor", page.getString("nextCursor"))
              .put("more", page.getBoolean("more"));
    } else {
      String more = answer.getHeader("Parcelgate-More");
      assertThat(more).isIn("true", "false");
      context =
          new JsonObject()
              .put("nextCursor", answer.getHeader("Parcelgate-Next-Cursor"))
              .put("more", Boolean.parseBoolean(more));
    }
    OBTAINED.put(
        object, new Obtained(answer.getHeader(CustomsEndpoints.SIGNATURE_HEADER), body, context));
  }

  private static void pushTokens() {
    Await.until(
        () -> feeds().containsAll(List.of("price", "seller")),
        "a price and a seller delivery pushed");
    Set<String> jtis = new HashSet<>();
    JsonObject cnf =
        new JsonObject().put("x5t#S256", Digests.thumbprint(PKI.identity("gateway-client").x509()));
    for (String feed : List.of("price", "seller")) {
      ServeEvent delivery =
          customs.getAllServeEvents().stream()
              .filter(event -> feed.equals(feedOf(event)))
              .findFirst()
              .orElseThrow();
      String token =
          Objects.requireNonNull(delivery.getRequest().getHeader("Authorization"))
              .substring("Bearer ".length());
      jtis.add(json(token.split("\\.")[1]).getString("jti"));
      OBTAINED.put(
          "push token, " + feed + " delivery",
          new Obtained(
              token,
              null,
              new JsonObject()
                  .put("bodySha256", Digests.sha256Base64Url(delivery.getRequest().getBody()))
                  .put("cnf", cnf)));
    }
    assertThat(jtis).as("a fresh jti for every push").hasSize(2);
  }

  private static List<String> feeds() {
    List<String> feeds = new ArrayList<>();
    customs.getAllServeEvents().forEach(event -> feeds.add(feedOf(event)));
    return feeds;
  }

  private static String feedOf(ServeEvent event) {
    return new JsonObject(Buffer.buffer(event.getRequest().getBody())).getString("feed");
  }
}
