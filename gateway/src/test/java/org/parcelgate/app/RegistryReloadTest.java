package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.pki.SigningKeys;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The partner registry changes while the gateway runs: suspension, key rotation, a broken file, the
 * file watcher.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RegistryReloadTest {
  private static final SamplePki PKI = TestPki.shared();

  private final Identity alpha = PKI.identity("marketplace-alpha");
  private Path registryFile;
  private JsonObject original;
  private TestGateway.Running gateway;
  private PartnerClient alphaClient;
  private WebClient ops;

  @BeforeEach
  void start(Vertx vertx) throws IOException {
    registryFile = TestPki.temporaryDirectory("registry").resolve("partners.json");
    Files.copy(PKI.registry(), registryFile);
    original = new JsonObject(Files.readString(registryFile));
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_REGISTRY_FILE", registryFile.toString());
    env.put("PARCELGATE_REGISTRY_RELOAD_INTERVAL", "200ms");
    gateway = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
    alphaClient = PartnerClient.of(vertx, PKI, alpha, gateway.partnerPort());
    ops =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(gateway.opsPort()));
  }

  @AfterEach
  void stop() {
    alphaClient.close();
    ops.close();
    Await.result(gateway.gateway().stop());
  }

  private int whoamiStatus(RequestTokens token) {
    return Await.result(alphaClient.get(PartnerApiRouter.WHOAMI_PATH, token.sign())).statusCode();
  }

  private RequestTokens alphaToken(String alg) {
    return RequestTokens.of(alpha, alg, TestGateway.GATEWAY_ID, Instant.now());
  }

  private JsonObject alphaEntry(JsonObject registry) {
    JsonArray partners = registry.getJsonArray("partners");
    for (int i = 0; i < partners.size(); i++) {
      if (partners.getJsonObject(i).getString("id").equals(alpha.partnerId())) {
        return partners.getJsonObject(i);
      }
    }
    throw new AssertionError("alpha missing from the sample registry");
  }

  private HttpResponse<Buffer> reloadCommand(JsonObject registry) throws IOException {
    Files.writeString(registryFile, registry.encodePrettily());
    return Await.result(
        ops.post("/admin/registry/reload")
            .putHeader("Authorization", TestGateway.ADMIN_AUTHORIZATION)
            .send());
  }

  @Test
  void suspendingAPartnerTakesEffectOnReload() throws IOException {
    assertThat(whoamiStatus(alphaToken("ES256"))).isEqualTo(200);
    JsonObject changed = original.copy();
    alphaEntry(changed).put("status", "suspended");

    HttpResponse<Buffer> reload = reloadCommand(changed);

    assertThat(reload.statusCode()).isEqualTo(200);
    assertThat(reload.bodyAsJsonObject().getString("status")).isEqualTo("reloaded");
    assertThat(whoamiStatus(alphaToken("ES256"))).isEqualTo(403);
  }

  @Test
  void brokenFileIsRefusedAndTheOldRegistryStays() throws IOException {
    Files.writeString(registryFile, "{\"partners\": [ {\"id\": \"half-written\"");
    HttpResponse<Buffer> reload =
        Await.result(
            ops.post("/admin/registry/reload")
                .putHeader("Authorization", TestGateway.ADMIN_AUTHORIZATION)
                .send());

    assertThat(reload.statusCode()).isEqualTo(422);
    assertThat(reload.bodyAsJsonObject().getString("status")).isEqualTo("refused");
    assertThat(whoamiStatus(alphaToken("ES256"))).isEqualTo(200);
  }

  @Test
  void fileWithPrivateKeyIsRefused() throws IOException {
    JsonObject changed = original.copy();
    alphaEntry(changed)
        .getJsonObject("jwks")
        .getJsonArray("keys")
        .add(new JsonObject(SigningKeys.es256("leaked").toJSONString()));

    assertThat(reloadCommand(changed).statusCode()).isEqualTo(422);
    assertThat(whoamiStatus(alphaToken("ES256"))).isEqualTo(200);
  }

  @Test
  void rotatesKeyByAddingThenRemovingKid() throws IOException {
    var next = SigningKeys.es256("marketplace-alpha-es256-2");
    RequestTokens withNext =
        alphaToken("ES256").signWith(next, com.nimbusds.jose.JWSAlgorithm.ES256);
    assertThat(whoamiStatus(withNext)).isEqualTo(401);

    JsonObject added = original.copy();
    JsonArray keys = alphaEntry(added).getJsonObject("jwks").getJsonArray("keys");
    keys.add(new JsonObject(next.toPublicJWK().toJSONString()));
    assertThat(reloadCommand(added).statusCode()).isEqualTo(200);
    assertThat(
            whoamiStatus(alphaToken("ES256").signWith(next, com.nimbusds.jose.JWSAlgorithm.ES256)))
        .isEqualTo(200);
    assertThat(whoamiStatus(alphaToken("ES256"))).isEqualTo(200);

    JsonObject removed = added.copy();
    JsonArray remaining = alphaEntry(removed).getJsonObject("jwks").getJsonArray("keys");
    remaining.remove(0);
    assertThat(reloadCommand(removed).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> old =
        Await.result(alphaClient.get(PartnerApiRouter.WHOAMI_PATH, alphaToken("ES256").sign()));
    assertThat(old.bodyAsJsonObject().getString("code")).isEqualTo("unknown_key");
  }

  @Test
  void watcherPicksUpAChangedFileWithoutACommand() throws IOException {
    JsonObject changed = original.copy();
    alphaEntry(changed).put("status", "suspended");
    Files.writeString(registryFile, changed.encodePrettily());

    Await.until(
        () -> whoamiStatus(alphaToken("ES256")) == 403,
        "the watcher reloads the suspended partner");
  }
}
