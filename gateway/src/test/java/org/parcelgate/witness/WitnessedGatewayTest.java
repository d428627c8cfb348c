package org.parcelgate.witness;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.signing.LogNoteSigner;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * A gateway configured with two witnesses submits both logs' checkpoints to them as the logs grow,
 * and publishes the checkpoints they cosigned, whose cosignatures verify with the witnesses' keys.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class WitnessedGatewayTest {
  private static final SamplePki PKI = TestPki.shared();

  @TempDir Path directory;

  @Test
  void submitsBothLogsToItsWitnessesAndPublishesTheCosignedCheckpoints(Vertx vertx)
      throws Exception {
    LogNoteSigner notes =
        LogNoteSigner.derivedFrom(
            GatewaySigningKeys.load(PKI.gatewaySigningKey(), Optional.empty()));
    List<SignedNote.VerifierKey> logKeys =
        List.of(
            notes.verifierKey(TestGateway.GATEWAY_ID + "/minimization-log"),
            notes.verifierKey(TestGateway.GATEWAY_ID + "/access-log"));
    List<Witness> witnesses = new ArrayList<>();
    List<String> configured = new ArrayList<>();
    for (String name : List.of("dpa.example/witness", "customs.example/witness")) {
      Witness witness =
          Witness.open(name, logKeys, directory.resolve(name.replace('/', '_')), Clock.systemUTC());
      HttpServer server = Await.result(WitnessServer.start(vertx, witness, "127.0.0.1", 0));
      witnesses.add(witness);
      configured.add(
          "http://127.0.0.1:" + server.actualPort() + "/ " + witness.verifierKey().encode());
    }
    Map<String, String> environment = TestGateway.environment(PKI);
    environment.put("PARCELGATE_PRIVACY_WITNESSES", String.join(",", configured));
    environment.put("PARCELGATE_PRIVACY_WITNESS_INTERVAL", "1s");
    TestGateway.Running gateway =
        Await.result(TestGateway.start(vertx, environment, Clock.systemUTC()));
    try {
      push(vertx, gateway, 900);
      JsonObject first =
          awaitWitnessed(vertx, gateway, "/v1/privacy/checkpoint", w -> w.getLong("treeSize") > 0);
      assertCosignedByBoth(first, logKeys.get(0), witnesses);

      push(vertx, gateway, 910);
      long before = first.getLong("treeSize");
      JsonObject grown =
          awaitWitnessed(
              vertx, gateway, "/v1/privacy/checkpoint", w -> w.getLong("treeSize") > before);
      assertCosignedByBoth(grown, logKeys.get(0), witnesses);

      // An officer's read grows the access log: it is witnessed too.
      assertThat(officer(vertx, gateway, "/v1/privacy/entries").statusCode()).isEqualTo(200);
      JsonObject access =
          awaitWitnessed(
              vertx, gateway, "/v1/privacy/access/checkpoint", w -> w.getLong("treeSize") > 0);
      assertCosignedByBoth(access, logKeys.get(1), witnesses);
      assertThat(gateway.meters().scrape())
          .containsPattern(
              "parcelgate_witness_submissions_total\\{log=\"minimization\",result=\"cosigned\","
                  + "witness=\"dpa.example/witness\"\\} [1-9]");
    } finally {
      Await.result(gateway.gateway().stop());
    }
  }

  private static void assertCosignedByBoth(
      JsonObject witnessed, SignedNote.VerifierKey logKey, List<Witness> witnesses) {
    assertThat(witnessed.getJsonArray("witnesses").getList())
        .containsExactlyInAnyOrder("customs.example/witness", "dpa.example/witness");
    SignedNote note = SignedNote.parse(witnessed.getString("note"));
    SignedNote.CheckpointBody body = SignedNote.checkpoint(note.verifiedText(logKey));
    assertThat(body.treeSize()).isEqualTo(witnessed.getLong("treeSize"));
    for (Witness witness : witnesses) {
      assertThat(note.cosignedAt(witness.verifierKey()))
          .isBetween(Instant.now().minusSeconds(120), Instant.now().plusSeconds(5));
    }
  }

  /** Asks for the checkpoint until its witnessed member has both witnesses and passes the test. */
  private static JsonObject awaitWitnessed(
      Vertx vertx, TestGateway.Running gateway, String path, Predicate<JsonObject> wanted)
      throws InterruptedException {
    for (int attempt = 0; attempt < 150; attempt++) {
      JsonObject answer = officer(vertx, gateway, path).bodyAsJsonObject();
      JsonObject witnessed = answer.getJsonObject("witnessed");
      if (witnessed != null
          && witnessed.getJsonArray("witnesses").size() == 2
          && wanted.test(witnessed)) {
        return witnessed;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the witnesses did not cosign " + path + " in time");
  }

  private static HttpResponse<Buffer> officer(
      Vertx vertx, TestGateway.Running gateway, String path) {
    Identity identity = PKI.identity("privacy-officer");
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      String alg = identity.signingKeys().get(0).getAlgorithm().getName();
      String token = RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now()).sign();
      return Await.result(client.get(path, token));
    }
  }

  private static void push(Vertx vertx, TestGateway.Running gateway, int seed) {
    List<Transaction> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      records.add(SampleTransactions.valid(seed + i, Instant.now().minusSeconds(3600)));
    }
    byte[] body = Containers.write(records);
    Identity alpha = PKI.identity("marketplace-alpha");
    try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, gateway.partnerPort())) {
      String token =
          RequestTokens.of(alpha, "ES256", TestGateway.GATEWAY_ID, Instant.now()).body(body).sign();
      assertThat(Await.result(client.postBatch(body, token)).statusCode()).isEqualTo(202);
    }
  }
}
