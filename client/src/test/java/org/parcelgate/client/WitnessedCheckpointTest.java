package org.parcelgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.app.EmbeddedGateway;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.protocol.WitnessPolicy;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.signing.LogNoteSigner;
import org.parcelgate.witness.Witness;
import org.parcelgate.witness.WitnessServer;

/** A privacy officer's client requires k of n witness cosignatures of the log's checkpoint. */
class WitnessedCheckpointTest {
  private static final String GATEWAY_ID = "parcelgate-witnessed";

  @TempDir Path directory;

  @Test
  void acceptsTheCheckpointItsWitnessCosignedAndRefusesWhenMoreAreRequired() throws Exception {
    SamplePki pki = SamplePki.generate(directory.resolve("pki"), Clock.systemUTC());
    SignedNote.VerifierKey logKey =
        LogNoteSigner.derivedFrom(
                GatewaySigningKeys.load(pki.gatewaySigningKey(), Optional.empty()))
            .verifierKey(GATEWAY_ID + "/minimization-log");
    Witness witness =
        Witness.open(
            "dpa.example/witness", List.of(logKey), directory.resolve("w"), Clock.systemUTC());
    Witness absent =
        Witness.open(
            "other.example/witness", List.of(logKey), directory.resolve("o"), Clock.systemUTC());
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server =
          WitnessServer.start(vertx, witness, "127.0.0.1", 0)
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      Map<String, String> settings = pki.gatewaySettings(GATEWAY_ID, directory.resolve("data"));
      settings.put(
          "PARCELGATE_PRIVACY_WITNESSES",
          "http://127.0.0.1:" + server.actualPort() + "/ " + witness.verifierKey().encode());
      settings.put("PARCELGATE_PRIVACY_WITNESS_INTERVAL", "1s");
      try (EmbeddedGateway gateway = EmbeddedGateway.start(settings);
          ParcelgateClient alpha = client(pki, gateway, "marketplace-alpha");
          ParcelgateClient officer = client(pki, gateway, "privacy-officer")) {
        // Six orders in a row cover every sample destination, so some go to a recipient.
        BatchResult pushed =
            alpha.push(
                SampleTransactions.batch(8_000_000, 6, Instant.now().minus(1, ChronoUnit.HOURS)));
        assertThat(pushed.answer().accepted()).isEqualTo(6);
        WitnessPolicy oneOfOne = new WitnessPolicy(logKey, List.of(witness.verifierKey()), 1);

        WitnessPolicy.Accepted accepted = null;
        String last = "";
        for (int attempt = 0; attempt < 100 && accepted == null; attempt++) {
          try {
            accepted = officer.witnessedCheckpoint(oneOfOne);
          } catch (ClientException notYet) {
            last = notYet.getMessage();
            Thread.sleep(200);
          }
        }
        assertThat(accepted).as("cosigned within 20 s; last: " + last).isNotNull();
        assertThat(accepted.witnesses()).containsExactly("dpa.example/witness");
        assertThat(accepted.checkpoint().treeSize()).isPositive();

        WitnessPolicy twoOfTwo =
            new WitnessPolicy(logKey, List.of(witness.verifierKey(), absent.verifierKey()), 2);
        assertThatThrownBy(() -> officer.witnessedCheckpoint(twoOfTwo))
            .isInstanceOf(ClientException.class)
            .hasMessageContaining("1 of the 2 witness cosignatures required");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private ParcelgateClient client(SamplePki pki, EmbeddedGateway gateway, String partner)
      throws Exception {
    Identity identity = pki.identity(partner);
    Path jwk = directory.resolve(partner + ".jwk.json");
    Files.writeString(jwk, identity.signingKey("ES256").toJSONString());
    return ParcelgateClient.builder(URI.create("https://localhost:" + gateway.partnerPort()))
        .identity(ClientIdentity.load(partner, identity.certificate(), identity.privateKey(), jwk))
        .trustAnchors(pki.trustAnchor())
        .audience(GATEWAY_ID)
        .build();
  }
}
