package org.parcelgate.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.protocol.Checkpoint;
import org.parcelgate.protocol.CheckpointVerifier;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.LogName;
import org.parcelgate.store.LogQuery;
import org.parcelgate.store.LogRow;
import org.parcelgate.store.StoredCheckpoint;
import org.parcelgate.testing.MutableClock;
import org.parcelgate.testing.TestPki;

/** Officers' reads recorded in the access log of a real embedded store, never in the other. */
class OfficerReadsTest {
  private static final Instant START = Instant.parse("2026-12-03T09:00:00Z");

  @TempDir Path data;
  private final MutableClock clock = new MutableClock(START);
  private GatewayStore store;
  private PrivacyLogs logs;
  private CheckpointVerifier verifier;

  @BeforeEach
  void open() throws Exception {
    store = EmbeddedStore.open(data, clock);
    GatewaySigningKeys keys =
        GatewaySigningKeys.load(TestPki.shared().gatewaySigningKey(), Optional.empty());
    verifier = new CheckpointVerifier(keys.publishedKeys());
    logs = PrivacyLogs.create(store, keys, "parcelgate-test", verifier, clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static OfficerReads.Read read(String officer, String query) {
    return new OfficerReads.Read(
        officer, LogName.MINIMIZATION, "entries", query, Optional.of("m-1"), Optional.empty());
  }

  @Test
  void recordsAReadInTheAccessLogOnly() {
    assertThat(logs.reads().record(read("privacy-officer", "marketplace=m-1"))).isTrue();

    assertThat(logs.minimization().size()).isZero();
    assertThat(logs.access().size()).isEqualTo(1);
    LogRow row = logs.access().entries(LogQuery.all(10)).get(0);
    assertThat(row.entry())
        .isEqualTo(
            "{\"kind\":\"read\",\"time\":\"2026-12-03T09:00:00Z\",\"officer\":\"privacy-officer\","
                + "\"log\":\"minimization\",\"resource\":\"entries\",\"query\":\"marketplace=m-1\"}");
    assertThat(logs.access().entries(LogQuery.all(10).withMarketplace("m-1")))
        .as("found by the marketplace the read was filtered by")
        .hasSize(1);
  }

  @Test
  void aRepeatWithinTheRepeatPeriodIsNotRecordedAgain() {
    logs.reads().record(read("privacy-officer", "marketplace=m-1"));
    clock.advance(OfficerReads.REPEAT.minusSeconds(1));

    assertThat(logs.reads().record(read("privacy-officer", "marketplace=m-1"))).isFalse();
    assertThat(logs.access().size()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    assertThat(logs.reads().record(read("privacy-officer", "marketplace=m-1"))).isTrue();
    assertThat(logs.access().size()).isEqualTo(2);
  }

  @Test
  void anotherQueryOrAnotherOfficerIsRecorded() {
    logs.reads().record(read("privacy-officer", "marketplace=m-1"));

    assertThat(logs.reads().record(read("privacy-officer", "marketplace=m-1&kind=read"))).isTrue();
    assertThat(logs.reads().record(read("privacy-officer-2", "marketplace=m-1"))).isTrue();
    assertThat(logs.access().size()).isEqualTo(3);
  }

  @Test
  void aClockThatWentBackRecordsTheReadAgain() {
    logs.reads().record(read("privacy-officer", "marketplace=m-1"));
    clock.advance(Duration.ofMinutes(-1));

    assertThat(logs.reads().record(read("privacy-officer", "marketplace=m-1"))).isTrue();
  }

  @Test
  void theAccessLogHasCheckpointsOfItsOwnNamedForIt() {
    logs.reads().record(read("privacy-officer", "marketplace=m-1"));
    logs.reads().record(read("privacy-officer", "marketplace=m-2"));

    StoredCheckpoint access = logs.access().checkpoint();
    StoredCheckpoint minimization = logs.minimization().checkpoint();

    assertThat(access.treeSize()).isEqualTo(2);
    assertThat(minimization.treeSize()).isZero();
    Checkpoint content = verifier.verify(access.jws(), CheckpointVerifier.ACCESS_LOG_NAME);
    assertThat(content.treeSize()).isEqualTo(2);
    assertThatThrownBy(() -> verifier.verify(access.jws()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the checkpoint is one of the access log, not of the minimization log");
    assertThatThrownBy(() -> verifier.verify(minimization.jws(), "access"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(logs.access().verify().verified()).isTrue();
    assertThat(logs.minimization().verify().verified()).isTrue();
  }

  @Test
  void eachLogSignsItsCheckpointAsASignedNoteTooWithTheSameTreeHead() {
    logs.reads().record(read("privacy-officer", "marketplace=m-1"));
    for (SignedLog log : List.of(logs.access(), logs.minimization())) {
      StoredCheckpoint checkpoint = log.checkpoint();

      String note = log.note(checkpoint);
      SignedNote.VerifierKey key = SignedNote.VerifierKey.parse(log.noteKey());
      SignedNote.CheckpointBody body =
          SignedNote.checkpoint(SignedNote.parse(note).verifiedText(key));

      assertThat(body.origin()).isEqualTo("parcelgate-test/" + log.name().wireName() + "-log");
      assertThat(key.name()).isEqualTo(body.origin());
      assertThat(body.treeSize()).isEqualTo(checkpoint.treeSize());
      assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(body.rootHash()))
          .isEqualTo(checkpoint.rootHash());
      assertThat(log.note(checkpoint)).as("Ed25519 is deterministic").isEqualTo(note);
      assertThatThrownBy(
              () ->
                  SignedNote.parse(note.replace("\n" + checkpoint.treeSize() + "\n", "\n9\n"))
                      .verifiedText(key))
          .hasMessageContaining("does not verify");
    }
    assertThat(logs.access().noteKey()).isNotEqualTo(logs.minimization().noteKey());
  }

  @Test
  void refusesToRecordReadsInTheMinimizationLog() {
    assertThatThrownBy(() -> new OfficerReads(logs.minimization(), clock))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
