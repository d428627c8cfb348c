package org.parcelgate.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.protocol.Checkpoint;
import org.parcelgate.protocol.CheckpointVerifier;
import org.parcelgate.protocol.MerkleTree;
import org.parcelgate.signing.CheckpointSigner;
import org.parcelgate.signing.GatewaySigner;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.signing.LogNoteSigner;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.store.GatewayStore;
import org.parcelgate.store.LogName;
import org.parcelgate.store.LogQuery;
import org.parcelgate.store.LogRow;
import org.parcelgate.store.StoredCheckpoint;
import org.parcelgate.testing.MutableClock;
import org.parcelgate.testing.TestPki;

/**
 * The signed logs over a real embedded store: checkpoints, proofs, and detection of every kind of
 * tampering with the stored entries (on the minimization log's tables); the access log is a tree of
 * its own with checkpoints of its own.
 */
class SignedLogTest {
  private static final Instant START = Instant.parse("2026-11-28T09:00:00Z");

  @TempDir Path data;
  private final MutableClock clock = new MutableClock(START);
  private GatewayStore store;
  private SignedLog log;
  private CheckpointVerifier verifier;

  @BeforeEach
  void open() throws Exception {
    store = EmbeddedStore.open(data, clock);
    GatewaySigningKeys keys =
        GatewaySigningKeys.load(TestPki.shared().gatewaySigningKey(), Optional.empty());
    verifier = new CheckpointVerifier(keys.publishedKeys());
    log =
        new SignedLog(
            LogName.MINIMIZATION,
            store,
            new CheckpointSigner(new GatewaySigner(keys, "parcelgate-test")),
            verifier,
            LogNoteSigner.derivedFrom(keys),
            "parcelgate-test",
            clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void append(int count) {
    for (int i = 0; i < count; i++) {
      clock.advance(Duration.ofMinutes(1));
      log.append(
          LogEntries.read(
              clock.instant(),
              "privacy-officer",
              "minimization",
              "entries",
              "marketplace=m-" + i,
              "m-" + i,
              null));
    }
  }

  @Test
  void appendsEntriesAtConsecutiveIndexes() {
    append(3);

    assertThat(log.size()).isEqualTo(3);
    assertThat(store.logRange(LogName.MINIMIZATION, 0, 3))
        .extracting(LogRow::index)
        .containsExactly(0L, 1L, 2L);
    assertThat(store.logRange(LogName.MINIMIZATION, 0, 3).get(2).entry())
        .isEqualTo(
            "{\"kind\":\"read\",\"time\":\"2026-11-28T09:03:00Z\",\"officer\":\"privacy-officer\","
                + "\"log\":\"minimization\",\"resource\":\"entries\",\"query\":\"marketplace=m-2\"}");
  }

  @Test
  void signsACheckpointOnlyWhenTheLogGrew() {
    append(5);
    StoredCheckpoint first = log.checkpoint();
    clock.advance(Duration.ofMinutes(5));

    assertThat(log.checkpoint()).isEqualTo(first);
    Checkpoint content = verifier.verify(first.jws());
    assertThat(content.treeSize()).isEqualTo(5);
    assertThat(content.rootHash()).isEqualTo(first.rootHash());
    assertThat(content.issuer()).isEqualTo("parcelgate-test");

    append(2);
    StoredCheckpoint second = log.checkpoint();
    assertThat(second.treeSize()).isEqualTo(7);
    assertThat(store.checkpoints(LogName.MINIMIZATION))
        .extracting(StoredCheckpoint::treeSize)
        .containsExactly(5L, 7L);
  }

  @Test
  void inclusionProofsVerifyAgainstTheCheckpointForEveryEntry() {
    append(13);
    StoredCheckpoint checkpoint = log.checkpoint();
    byte[] root = decode(checkpoint.rootHash());

    for (long index = 0; index < 13; index++) {
      SignedLog.InclusionProof proof = log.inclusionProof(index, 13);
      byte[] leaf =
          LogEntries.leafHash(
              store.logRange(LogName.MINIMIZATION, index, index + 1).get(0).entry());
      assertThat(proof.leafHash()).isEqualTo(encode(leaf));
      assertThat(
              MerkleTree.verifyInclusion(
                  leaf, index, 13, proof.auditPath().stream().map(this::decode).toList(), root))
          .as("entry %d", index)
          .isTrue();
    }
  }

  @Test
  void consistencyProofShowsALaterCheckpointOnlyAppends() {
    append(6);
    StoredCheckpoint older = log.checkpoint();
    append(5);
    StoredCheckpoint newer = log.checkpoint();

    SignedLog.ConsistencyProof proof = log.consistencyProof(6, 11);

    assertThat(
            MerkleTree.verifyConsistency(
                6,
                11,
                decode(older.rootHash()),
                decode(newer.rootHash()),
                proof.proof().stream().map(this::decode).toList()))
        .isTrue();
  }

  @Test
  void refusesProofsOutsideTheLog() {
    append(3);

    assertThatThrownBy(() -> log.inclusionProof(3, 3)).satisfies(this::invalidRange);
    assertThatThrownBy(() -> log.inclusionProof(0, 4)).satisfies(this::invalidRange);
    assertThatThrownBy(() -> log.consistencyProof(0, 3)).satisfies(this::invalidRange);
    assertThatThrownBy(() -> log.consistencyProof(3, 2)).satisfies(this::invalidRange);
  }

  @Test
  void verifiesAnUntouchedLog() {
    append(4);
    log.checkpoint();
    append(3);
    log.checkpoint();

    SignedLog.Verification result = log.verify();

    assertThat(result.problems()).isEmpty();
    assertThat(result.verified()).isTrue();
    assertThat(result.treeSize()).isEqualTo(7);
    assertThat(result.checkpoint()).hasValueSatisfying(c -> assertThat(c.treeSize()).isEqualTo(7));
  }

  @Test
  void detectsAnEditedEntry() throws Exception {
    append(5);
    log.checkpoint();

    sql("UPDATE minimization_log SET entry = REPLACE(entry, 'm-2', 'm-9') WHERE log_index = 2");

    assertThat(log.verify().problems()).contains("entry 2 does not match its leaf hash");
  }

  @Test
  void detectsAnEditedEntryWhoseLeafHashWasRecomputed() throws Exception {
    append(5);
    log.checkpoint();
    String edited = store.logRange(LogName.MINIMIZATION, 2, 3).get(0).entry().replace("m-2", "m-9");

    try (Connection connection = EmbeddedStore.connect(data);
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE minimization_log SET entry = ?, leaf_hash = ? WHERE log_index = 2")) {
      update.setString(1, edited);
      update.setBytes(2, LogEntries.leafHash(edited));
      update.executeUpdate();
    }

    SignedLog.Verification result = log.verify();
    assertThat(result.verified()).isFalse();
    assertThat(result.problems())
        .containsExactly(
            "the first 5 entries do not match the root hash of their signed checkpoint",
            "the stored tree node at level 1, index 1 does not match the leaf hashes below it:"
                + " checkpoints and proofs computed from it are wrong");
  }

  @Test
  void detectsADeletedEntry() throws Exception {
    append(5);
    log.checkpoint();

    sql("DELETE FROM minimization_log WHERE log_index = 1");

    SignedLog.Verification result = log.verify();
    assertThat(result.verified()).isFalse();
    assertThat(result.problems()).contains("entry 1 is missing");
  }

  @Test
  void detectsTheLastEntriesDeleted() throws Exception {
    append(5);
    log.checkpoint();

    sql("DELETE FROM minimization_log WHERE log_index >= 3");

    assertThat(log.verify().problems())
        .contains("checkpoint of size 5 covers entries the log no longer holds");
  }

  @Test
  void detectsReorderedEntries() throws Exception {
    append(5);
    log.checkpoint();

    // Swap entries 1 and 3, each with its own (correct) leaf hash.
    sql("UPDATE minimization_log SET log_index = 99 WHERE log_index = 1");
    sql("UPDATE minimization_log SET log_index = 1 WHERE log_index = 3");
    sql("UPDATE minimization_log SET log_index = 3 WHERE log_index = 99");

    SignedLog.Verification result = log.verify();
    assertThat(result.verified()).isFalse();
    assertThat(result.problems())
        .containsExactly(
            "the first 5 entries do not match the root hash of their signed checkpoint",
            "the stored tree node at level 1, index 0 does not match the leaf hashes below it:"
                + " checkpoints and proofs computed from it are wrong");
  }

  @Test
  void detectsATamperedTreeNodeWhileTheEntriesAreIntact() throws Exception {
    append(6);
    log.checkpoint();

    sql("UPDATE log_node SET hash = X'00' WHERE node_level = 2 AND node_index = 0");

    SignedLog.Verification result = log.verify();
    assertThat(result.verified()).isFalse();
    assertThat(result.problems())
        .containsExactly(
            "the stored tree node at level 2, index 0 does not match the leaf hashes below it:"
                + " checkpoints and proofs computed from it are wrong");
  }

  @Test
  void detectsAMissingTreeNode() throws Exception {
    append(6);

    sql("DELETE FROM log_node WHERE node_level = 1 AND node_index = 2");

    assertThat(log.verify().problems())
        .containsExactly(
            "the stored tree node at level 1, index 2 is missing: checkpoints and proofs computed"
                + " from it are wrong");
  }

  @Test
  void detectsACheckpointNotSignedByTheGateway() throws Exception {
    append(3);
    StoredCheckpoint genuine = log.checkpoint();
    ECKey other = new ECKeyGenerator(Curve.P_256).keyID("gateway-es256-1").generate();
    GatewaySigningKeys forged = forgedKeys(other);
    String jws =
        new CheckpointSigner(new GatewaySigner(forged, "parcelgate-test"))
            .sign("minimization", 3, genuine.rootHash(), START);

    try (Connection connection = EmbeddedStore.connect(data);
        PreparedStatement update =
            connection.prepareStatement("UPDATE log_checkpoint SET checkpoint_jws = ?")) {
      update.setString(1, jws);
      update.executeUpdate();
    }

    assertThat(log.verify().problems())
        .containsExactly("checkpoint of size 3: the checkpoint's signature is not valid");
  }

  @Test
  void filtersEntriesByKindAndTimeNewestFirst() {
    append(4);

    List<LogRow> rows =
        log.entries(
            LogQuery.all(10)
                .withKindBetween(
                    LogEntries.READ,
                    START.plus(Duration.ofMinutes(2)),
                    START.plus(Duration.ofMinutes(4))));

    assertThat(rows).extracting(LogRow::index).containsExactly(2L, 1L);
    assertThat(log.entries(LogQuery.all(2))).extracting(LogRow::index).containsExactly(3L, 2L);
  }

  private GatewaySigningKeys forgedKeys(ECKey key) throws Exception {
    Path file = Files.createTempFile(data, "forged", ".jwk.json");
    Files.writeString(file, new JWKSet(key).toString(false));
    return GatewaySigningKeys.load(file, Optional.empty());
  }

  private void invalidRange(Throwable thrown) {
    assertThat(thrown).isInstanceOf(GatewayException.class);
    assertThat(((GatewayException) thrown).problem()).isEqualTo(ProblemCode.INVALID_LOG_RANGE);
  }

  private void sql(String statement) throws Exception {
    try (Connection connection = EmbeddedStore.connect(data)) {
      connection.createStatement().execute(statement);
    }
  }

  private byte[] decode(String base64) {
    return Base64.getUrlDecoder().decode(base64);
  }

  private static String encode(byte[] hash) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
  }
}
