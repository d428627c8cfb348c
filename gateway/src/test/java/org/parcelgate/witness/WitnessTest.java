package org.parcelgate.witness;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.protocol.MerkleTree;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.signing.LogNoteSigner;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.ProjectFiles;
import org.parcelgate.testing.TestPki;

/**
 * Two witnesses over HTTP, as the gateway's logs would meet them: they cosign a log's checkpoints
 * as it grows, and refuse a rollback (409), a fork (422), an unknown log (404) and a checkpoint the
 * log did not sign (403), keeping what they cosigned across a restart.
 */
@ExtendWith(VertxExtension.class)
class WitnessTest {
  private static final String ORIGIN = "parcelgate-test/minimization-log";
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

  @TempDir Path directory;
  private Vertx vertx;
  private LogNoteSigner log;
  private SignedNote.VerifierKey logKey;
  private final List<byte[]> leaves = new ArrayList<>();
  private final List<Witness> witnesses = new ArrayList<>();
  private final List<URI> urls = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start(Vertx shared) throws Exception {
    vertx = shared;
    log =
        LogNoteSigner.derivedFrom(
            GatewaySigningKeys.load(TestPki.shared().gatewaySigningKey(), Optional.empty()));
    logKey = log.verifierKey(ORIGIN);
    for (int i = 0; i < 40; i++) {
      leaves.add(MerkleTree.leafHash(("entry-" + i).getBytes(StandardCharsets.UTF_8)));
    }
    for (String name : List.of("dpa.example/witness", "customs.example/witness")) {
      Witness witness = open(name);
      witnesses.add(witness);
      HttpServer server = Await.result(WitnessServer.start(vertx, witness, "127.0.0.1", 0));
      urls.add(URI.create("http://127.0.0.1:" + server.actualPort() + "/"));
    }
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private Witness open(String name) throws Exception {
    return Witness.open(
        name,
        List.of(logKey),
        directory.resolve(name.replace('/', '_')),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private String note(int size) {
    return log.signCheckpoint(ORIGIN, size, MerkleTree.root(leaves.subList(0, size)));
  }

  private static String body(long old, List<byte[]> proof, String note) {
    StringBuilder body = new StringBuilder("old ").append(old).append('\n');
    proof.forEach(hash -> body.append(Base64.getEncoder().encodeToString(hash)).append('\n'));
    return body.append('\n').append(note).toString();
  }

  private HttpResponse<String> add(int witness, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(urls.get(witness).resolve("add-checkpoint"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Cosigns size 5, then 9 (with the consistency proof from 5), at witness {@code w}. */
  private void cosignFiveThenNine(int w) throws Exception {
    assertThat(add(w, body(0, List.of(), note(5))).statusCode()).isEqualTo(200);
    assertThat(
            add(w, body(5, MerkleTree.consistencyProof(leaves.subList(0, 9), 5), note(9)))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void twoWitnessesCosignTheGrowingLogAndTheirCosignaturesVerify() throws Exception {
    for (int w = 0; w < 2; w++) {
      HttpResponse<String> first = add(w, body(0, List.of(), note(5)));
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      SignedNote cosigned = SignedNote.parse(note(5) + first.body());
      assertThat(cosigned.cosignedAt(witnesses.get(w).verifierKey())).isEqualTo(NOW);
      assertThat(cosigned.verifiedText(logKey)).startsWith(ORIGIN + "\n5\n");

      HttpResponse<String> next =
          add(w, body(5, MerkleTree.consistencyProof(leaves.subList(0, 9), 5), note(9)));
      assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
      assertThat(SignedNote.parse(note(9) + next.body()).cosignedAt(witnesses.get(w).verifierKey()))
          .isEqualTo(NOW);
    }
    // Each witness's cosignature verifies with its own key only.
    String byFirst = add(0, body(9, List.of(), note(9))).body();
    assertThat(SignedNote.parse(note(9) + byFirst).cosignedAt(witnesses.get(0).verifierKey()))
        .isEqualTo(NOW);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SignedNote.parse(note(9) + byFirst).cosignedAt(witnesses.get(1).verifierKey()))
        .hasMessageContaining("no cosignature by customs.example/witness");
  }

  @Test
  void aPythonVerifierWrittenFromTheSpecificationsAcceptsTheNotesAndCosignatures()
      throws Exception {
    String cosigned = note(5);
    for (int w = 0; w < 2; w++) {
      HttpResponse<String> answer = add(w, body(0, List.of(), note(5)));
      assertThat(answer.statusCode()).isEqualTo(200);
      cosigned += answer.body();
    }
    Path file = directory.resolve("cosigned.note");
    Files.writeString(file, cosigned);

    Python verified = python(file, 2);
    assertThat(verified.status).as(verified.out).isZero();
    assertThat(verified.out)
        .startsWith("VERIFIED: " + ORIGIN + " at size 5")
        .contains("cosigned by customs.example/witness, dpa.example/witness");

    Files.writeString(file, cosigned.replace("\n5\n", "\n6\n"));
    Python tampered = python(file, 0);
    assertThat(tampered.status).isEqualTo(1);
    assertThat(tampered.out).contains("NOT VERIFIED: the log's signature does not verify");

    Files.writeString(file, note(5));
    Python uncosigned = python(file, 1);
    assertThat(uncosigned.status).isEqualTo(1);
    assertThat(uncosigned.out).contains("0 of the 1 cosignatures required");
  }

  private record Python(int status, String out) {}

  /** examples/python/verify_checkpoint_note.py on a note, with both witnesses' keys. */
  private Python python(Path note, int require) throws Exception {
    Process process =
        new ProcessBuilder(
                "/usr/bin/python3",
                ProjectFiles.resolve("examples/python/verify_checkpoint_note.py").toString(),
                "--note",
                note.toString(),
                "--log-key",
                logKey.encode(),
                "--witness-key",
                witnesses.get(0).verifierKey().encode(),
                "--witness-key",
                witnesses.get(1).verifierKey().encode(),
                "--require",
                Integer.toString(require))
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Python(process.waitFor(), out);
  }

  @Test
  void refusesARollback() throws Exception {
    cosignFiveThenNine(0);

    HttpResponse<String> stale =
        add(0, body(5, MerkleTree.consistencyProof(leaves.subList(0, 7), 5), note(7)));
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(stale.headers().firstValue("Content-Type")).hasValue("text/x.tlog.size");
    assertThat(stale.body()).isEqualTo("9\n");

    HttpResponse<String> smaller = add(0, body(9, List.of(), note(7)));
    assertThat(smaller.statusCode()).isEqualTo(400);
  }

  @Test
  void refusesAFork() throws Exception {
    cosignFiveThenNine(0);
    List<byte[]> forked = new ArrayList<>(leaves);
    forked.set(7, MerkleTree.leafHash("another entry 7".getBytes(StandardCharsets.UTF_8)));

    String sameSize = log.signCheckpoint(ORIGIN, 9, MerkleTree.root(forked.subList(0, 9)));
    HttpResponse<String> fork = add(0, body(9, List.of(), sameSize));
    assertThat(fork.statusCode()).isEqualTo(422);
    assertThat(fork.body()).contains("fork");

    String larger = log.signCheckpoint(ORIGIN, 12, MerkleTree.root(forked.subList(0, 12)));
    HttpResponse<String> grown =
        add(0, body(9, MerkleTree.consistencyProof(forked.subList(0, 12), 9), larger));
    assertThat(grown.statusCode()).isEqualTo(422);

    // Still the log it cosigned: the honest next checkpoint is cosigned.
    assertThat(
            add(0, body(9, MerkleTree.consistencyProof(leaves.subList(0, 12), 9), note(12)))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void refusesAnUnknownLogAndACheckpointTheLogDidNotSign() throws Exception {
    String unknown =
        log.signCheckpoint("elsewhere.example/log", 5, MerkleTree.root(leaves.subList(0, 5)));
    assertThat(add(0, body(0, List.of(), unknown)).statusCode()).isEqualTo(404);

    String genuine = note(5);
    int at = genuine.lastIndexOf(' ') + 1;
    char flipped = genuine.charAt(at + 10) == 'A' ? 'B' : 'A';
    String forged = genuine.substring(0, at + 10) + flipped + genuine.substring(at + 11);
    HttpResponse<String> bad = add(0, body(0, List.of(), forged));
    assertThat(bad.statusCode()).isEqualTo(403);

    String unsigned =
        genuine.substring(0, genuine.indexOf('\u2014')) + "\u2014 other.example/key AAAAAAAA\n";
    assertThat(add(0, body(0, List.of(), unsigned)).statusCode()).isEqualTo(403);
    assertThat(add(0, "old 01\n\n" + genuine).statusCode()).isEqualTo(400);
  }

  @Test
  void keepsWhatItCosignedAndItsKeyAcrossARestart() throws Exception {
    cosignFiveThenNine(0);
    Path keyFile = directory.resolve("dpa.example_witness").resolve(Witness.KEY_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");

    Witness again = open("dpa.example/witness");

    assertThat(again.verifierKey().encode()).isEqualTo(witnesses.get(0).verifierKey().encode());
    Witness.Answer answer = again.addCheckpoint(body(0, List.of(), note(5)));
    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.body()).isEqualTo("9\n");
  }

  @Test
  void servesTheLatestCosignedCheckpointToMonitors() throws Exception {
    cosignFiveThenNine(1);

    HttpResponse<String> latest =
        http.send(
            HttpRequest.newBuilder(urls.get(1).resolve(Witness.sha256Hex(ORIGIN) + "/checkpoint"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(latest.statusCode()).isEqualTo(200);
    SignedNote note = SignedNote.parse(latest.body());
    assertThat(SignedNote.checkpoint(note.verifiedText(logKey)).treeSize()).isEqualTo(9);
    assertThat(note.cosignedAt(witnesses.get(1).verifierKey())).isEqualTo(NOW);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(
                            urls.get(0).resolve(Witness.sha256Hex(ORIGIN) + "/checkpoint"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .as("the other witness cosigned nothing yet")
        .isEqualTo(404);
  }
}
