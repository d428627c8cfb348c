package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.privacy.LogEntries;
import org.parcelgate.privacy.OfficerReads;
import org.parcelgate.privacy.PrivacyLogs;
import org.parcelgate.privacy.SignedLog;
import org.parcelgate.protocol.CheckpointVerifier;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.signing.CheckpointSigner;
import org.parcelgate.signing.GatewaySigner;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.signing.LogNoteSigner;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.LogAppend;
import org.parcelgate.store.LogName;
import org.parcelgate.store.LogRow;
import org.parcelgate.store.StoredCheckpoint;
import org.parcelgate.testing.MutableClock;
import org.parcelgate.testing.TestPki;
import org.parcelgate.witness.Witness;

/** The offline verification of an exported minimization log, as an auditor runs it. */
class VerifyLogCommandTest {
  @TempDir Path directory;
  private List<String> lines;
  private Path checkpoint;
  private Path keys;
  private String note;
  private String noteKey;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void exportALog() throws Exception {
    GatewaySigningKeys signing =
        GatewaySigningKeys.load(TestPki.shared().gatewaySigningKey(), Optional.empty());
    MutableClock clock = new MutableClock(Instant.parse("2026-11-28T09:00:00Z"));
    try (GatewayStore store = EmbeddedStore.open(directory.resolve("data"), clock)) {
      SignedLog log =
          new SignedLog(
              LogName.MINIMIZATION,
              store,
              new CheckpointSigner(new GatewaySigner(signing, "parcelgate-test")),
              new CheckpointVerifier(signing.publishedKeys()),
              LogNoteSigner.derivedFrom(signing),
              "parcelgate-test",
              clock);
      for (int i = 0; i < 9; i++) {
        clock.advance(Duration.ofMinutes(1));
        store.appendLog(LogName.MINIMIZATION, read("entries", "recipient=customs-" + i, clock));
      }
      StoredCheckpoint signed = log.checkpoint();
      note = log.note(signed);
      noteKey = log.noteKey();
      // One more entry after the checkpoint: exported, not covered.
      store.appendLog(LogName.MINIMIZATION, read("export", "format=jsonl", clock));
      lines =
          new ArrayList<>(
              store.logRange(LogName.MINIMIZATION, 0, 10).stream().map(LogRow::entry).toList());
      checkpoint = directory.resolve("checkpoint.json");
      Files.writeString(
          checkpoint, "{\"treeSize\":" + signed.treeSize() + ",\"jws\":\"" + signed.jws() + "\"}");
    }
    keys = directory.resolve("jwks.json");
    Files.writeString(keys, signing.publishedKeys().toString());
  }

  /** A read entry, as the minimization log held them before the access log existed. */
  private static LogAppend read(String resource, String query, MutableClock clock) {
    return LogEntries.read(
        clock.instant(), "privacy-officer", "minimization", resource, query, null, null);
  }

  @Test
  void verifiesAnUntouchedExport() throws Exception {
    assertThat(run(export(lines))).isZero();
    assertThat(output())
        .startsWith("VERIFIED: the first 9 entries match the checkpoint signed at")
        .contains("1 later entries are not covered by it");
  }

  @Test
  void verifiesAnExportInSeveralPages() throws Exception {
    Path first = directory.resolve("page-1.jsonl");
    Files.writeString(first, String.join("\n", lines.subList(0, 4)) + "\n");
    Path second = export(lines.subList(4, lines.size()));

    int status =
        VerifyLogCommand.run(
            List.of(
                "--log", first.toString(),
                "--log", second.toString(),
                "--checkpoint", checkpoint.toString(),
                "--keys", keys.toString()),
            print(out),
            print(err));

    assertThat(status).as(output()).isZero();
  }

  @Test
  void acceptsTheBareCheckpointJws() throws Exception {
    String json = Files.readString(checkpoint);
    String jws = json.substring(json.indexOf("\"jws\":\"") + 7, json.length() - 2);
    Files.writeString(checkpoint, jws + "\n");

    assertThat(run(export(lines))).isZero();
  }

  @Test
  void detectsAnEditedEntry() throws Exception {
    lines.set(4, lines.get(4).replace("customs-4", "customs-5"));

    assertThat(run(export(lines))).isEqualTo(1);
    assertThat(output()).startsWith("NOT VERIFIED: the first 9 entries do not match");
  }

  @Test
  void detectsADeletedEntry() throws Exception {
    lines.remove(2);

    assertThat(run(export(lines))).isEqualTo(1);
  }

  @Test
  void detectsEntriesDeletedFromTheEnd() throws Exception {
    assertThat(run(export(lines.subList(0, 8)))).isEqualTo(1);
    assertThat(output()).contains("the export holds 8 entries but the checkpoint covers 9");
  }

  @Test
  void verifiesAnExportWithoutAFinalNewline() throws Exception {
    Path export = directory.resolve("unterminated.jsonl");
    Files.writeString(export, String.join("\n", lines));

    assertThat(run(export)).as(output()).isZero();
  }

  @Test
  void detectsLineEndingsRewrittenToCarriageReturnAndNewline() throws Exception {
    Path export = directory.resolve("crlf.jsonl");
    Files.writeString(export, String.join("\r\n", lines) + "\r\n");

    assertThat(run(export)).isEqualTo(1);
    assertThat(output()).startsWith("NOT VERIFIED: the first 9 entries do not match");
  }

  @Test
  void detectsAnEmptyLineInsertedBetweenEntries() throws Exception {
    lines.add(3, "");

    assertThat(run(export(lines))).isEqualTo(1);
  }

  @Test
  void detectsReorderedEntries() throws Exception {
    Collections.swap(lines, 0, 1);

    assertThat(run(export(lines))).isEqualTo(1);
  }

  @Test
  void refusesACheckpointCheckedWithKeysThatDidNotSignIt() throws Exception {
    Files.writeString(
        keys,
        new JWKSet(new ECKeyGenerator(Curve.P_256).keyID("gateway-es256-1").generate())
            .toPublicJWKSet()
            .toString());

    assertThat(run(export(lines))).isEqualTo(1);
    assertThat(output()).isEqualTo("NOT VERIFIED: the checkpoint's signature is not valid\n");
  }

  @Test
  void refusesTheCheckpointOfAnotherLog() throws Exception {
    assertThat(run(export(lines), checkpoint, "--log-name", "access")).isEqualTo(1);
    assertThat(output())
        .isEqualTo(
            "NOT VERIFIED: the checkpoint is one of the minimization log, not of the access log\n");
  }

  @Test
  void verifiesAnExportOfTheAccessLogAgainstItsCheckpoint() throws Exception {
    GatewaySigningKeys signing =
        GatewaySigningKeys.load(TestPki.shared().gatewaySigningKey(), Optional.empty());
    MutableClock clock = new MutableClock(Instant.parse("2026-12-03T09:00:00Z"));
    List<String> exported;
    Path accessCheckpoint = directory.resolve("access-checkpoint.json");
    try (GatewayStore store = EmbeddedStore.open(directory.resolve("access"), clock)) {
      PrivacyLogs logs =
          PrivacyLogs.create(
              store,
              signing,
              "parcelgate-test",
              new CheckpointVerifier(signing.publishedKeys()),
              clock);
      for (int i = 0; i < 5; i++) {
        clock.advance(Duration.ofMinutes(1));
        logs.reads()
            .record(
                new OfficerReads.Read(
                    "privacy-officer",
                    LogName.MINIMIZATION,
                    "entries",
                    "recipient=customs-" + i,
                    Optional.empty(),
                    Optional.of("customs-" + i)));
      }
      Files.writeString(accessCheckpoint, logs.access().checkpoint().jws());
      exported = store.logRange(LogName.ACCESS, 0, 5).stream().map(LogRow::entry).toList();
    }

    assertThat(run(export(exported), accessCheckpoint, "--log-name", "access"))
        .as(output())
        .isZero();
    assertThat(output()).startsWith("VERIFIED: the first 5 entries match the checkpoint");
  }

  @Test
  void requiresTheWitnessesCosignaturesOfTheCheckpointItIsGiven() throws Exception {
    Witness witness =
        Witness.open(
            "dpa.example/witness",
            List.of(SignedNote.VerifierKey.parse(noteKey)),
            directory.resolve("witness"),
            Clock.systemUTC());
    Witness.Answer cosigned = witness.addCheckpoint("old 0\n\n" + note);
    assertThat(cosigned.status()).as(cosigned.body()).isEqualTo(200);
    Path witnessed = directory.resolve("witnessed.note");
    Files.writeString(witnessed, note + cosigned.body());
    String witnessKey = witness.verifierKey().encode();

    assertThat(runRequiring(witnessed, witnessKey)).as(output()).isZero();
    assertThat(output())
        .contains("and the first 9 entries match the checkpoint cosigned by dpa.example/witness");

    out.reset();
    Files.writeString(witnessed, note);
    assertThat(runRequiring(witnessed, witnessKey)).isEqualTo(1);
    assertThat(output()).contains("NOT VERIFIED: 0 of the 1 witness cosignatures required");
  }

  /** The command on the fixture's export, requiring one cosignature of this witness. */
  private int runRequiring(Path witnessed, String witnessKey) throws Exception {
    return run(
        export(lines),
        checkpoint,
        "--witnessed",
        witnessed.toString(),
        "--log-key",
        noteKey,
        "--witness-key",
        witnessKey,
        "--require",
        "1");
  }

  @Test
  void explainsMissingOptions() {
    assertThat(VerifyLogCommand.run(List.of("--log", "x"), print(out), print(err))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
  }

  private Path export(List<String> exported) throws Exception {
    Path file = directory.resolve("export.jsonl");
    Files.writeString(file, exported.isEmpty() ? "" : String.join("\n", exported) + "\n");
    return file;
  }

  private int run(Path export) {
    return run(export, checkpoint);
  }

  /** The command on one export file, a checkpoint, the gateway's keys and {@code more} options. */
  private int run(Path export, Path checkpointFile, String... more) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--log",
            export.toString(),
            "--checkpoint",
            checkpointFile.toString(),
            "--keys",
            keys.toString()));
    args.addAll(List.of(more));
    return VerifyLogCommand.run(args, print(out), print(err));
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
