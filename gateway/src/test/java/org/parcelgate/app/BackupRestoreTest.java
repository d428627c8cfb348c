package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.privacy.LogVerifier;
import org.parcelgate.protocol.Checkpoint;
import org.parcelgate.protocol.CheckpointVerifier;
import org.parcelgate.protocol.MerkleTree;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.store.EmbeddedBackup;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * An online backup of the embedded store while marketplaces push over mutual TLS, restored into a
 * new data directory: the gateway started from it serves every batch receipted before the backup
 * began, and its minimization log verifies and extends the checkpoint handed out before.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class BackupRestoreTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final Identity ALPHA = PKI.identity("marketplace-alpha");
  private static final int PUSHERS = 3;
  private static final AtomicInteger NEXT = new AtomicInteger(70_000);

  private record Receipted(String batchId, String receipt) {}

  @Test
  void restoredBackupServesEveryBatchReceiptedBeforeItAndItsLogVerifies(Vertx vertx)
      throws Exception {
    Path original = TestPki.temporaryDirectory("backup-source");
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_STORE_DATA_DIRECTORY", original.toString());
    TestGateway.Running source = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));

    ConcurrentLinkedQueue<Receipted> receipted = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean pushing = new AtomicBoolean(true);
    ExecutorService pushers = Executors.newFixedThreadPool(PUSHERS);
    for (int i = 0; i < PUSHERS; i++) {
      pushers.execute(() -> push(vertx, source.partnerPort(), pushing, receipted, failures));
    }
    Path backup = TestPki.temporaryDirectory("backup").resolve("parcelgate-backup.sqlite");
    JsonObject handedOut;
    List<Receipted> before;
    EmbeddedBackup.Summary backedUp;
    int receiptedDuringBackup;
    try {
      Await.until(() -> receipted.size() >= 6, "batches receipted", Duration.ofSeconds(60));
      handedOut = get(vertx, source.partnerPort(), "privacy-officer", "/v1/privacy/checkpoint");
      before = List.copyOf(receipted);

      backedUp = EmbeddedBackup.backup(original, backup);
      receiptedDuringBackup = receipted.size() - before.size();

      int after = receipted.size();
      Await.until(
          () -> receipted.size() >= after + 6,
          "pushes go on after the backup",
          Duration.ofSeconds(60));
    } finally {
      pushing.set(false);
      pushers.shutdown();
      assertThat(pushers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      Await.result(source.gateway().stop());
    }
    assertThat(failures).as("every push during the test was receipted").isEmpty();
    assertThat(backedUp.batches()).isGreaterThanOrEqualTo(before.size());
    assertThat(backedUp.checkpointSize()).isGreaterThanOrEqualTo(handedOut.getLong("treeSize"));
    System.out.printf(
        "backup: %d batches receipted before it, %d while it ran, %d in the copy%n",
        before.size(), receiptedDuringBackup, backedUp.batches());

    Path restored = TestPki.temporaryDirectory("backup-restored").resolve("data");
    EmbeddedBackup.Summary summary = EmbeddedBackup.restore(backup, restored);
    assertThat(summary.batches()).isEqualTo(backedUp.batches());

    env.put("PARCELGATE_STORE_DATA_DIRECTORY", restored.toString());
    TestGateway.Running copy = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
    try {
      for (Receipted batch : before) {
        JsonObject served =
            get(vertx, copy.partnerPort(), "marketplace-alpha", "/v1/batches/" + batch.batchId());
        assertThat(served.getString("batchId")).isEqualTo(batch.batchId());
        assertThat(served.getString("receipt")).isEqualTo(batch.receipt());
      }

      JsonObject checkpoint =
          get(vertx, copy.partnerPort(), "privacy-officer", "/v1/privacy/checkpoint");
      JWKSet keys =
          JWKSet.parse(
              raw(vertx, copy.partnerPort(), "privacy-officer", PartnerApiRouter.JWKS_PATH)
                  .bodyAsString());
      Checkpoint verified = new CheckpointVerifier(keys).verify(checkpoint.getString("jws"));
      List<String> lines =
          List.of(
              raw(vertx, copy.partnerPort(), "privacy-officer", "/v1/privacy/export?format=jsonl")
                  .bodyAsString()
                  .split("\n"));
      LogVerifier.Result result = LogVerifier.verify(lines, verified);
      assertThat(result.verified()).as(result.message()).isTrue();
      assertThat(result.covered()).isEqualTo(checkpoint.getLong("treeSize"));

      long first = handedOut.getLong("treeSize");
      long second = checkpoint.getLong("treeSize");
      JsonObject consistency =
          get(
              vertx,
              copy.partnerPort(),
              "privacy-officer",
              "/v1/privacy/proofs/consistency?first=" + first + "&second=" + second);
      assertThat(
              MerkleTree.verifyConsistency(
                  first,
                  second,
                  decode(handedOut.getString("rootHash")),
                  decode(checkpoint.getString("rootHash")),
                  consistency.getJsonArray("proof").stream()
                      .map(String.class::cast)
                      .map(BackupRestoreTest::decode)
                      .toList()))
          .as("the restored log extends the checkpoint handed out before the backup")
          .isTrue();
    } finally {
      Await.result(copy.gateway().stop());
    }
  }

  /** Pushes batches of two fresh records one after another until told to stop. */
  private static void push(
      Vertx vertx,
      int port,
      AtomicBoolean pushing,
      ConcurrentLinkedQueue<Receipted> receipted,
      ConcurrentLinkedQueue<String> failures) {
    try (PartnerClient client = PartnerClient.of(vertx, PKI, ALPHA, port)) {
      while (pushing.get()) {
        List<Transaction> records = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          records.add(
              SampleTransactions.valid(NEXT.getAndIncrement(), Instant.now().minusSeconds(3600)));
        }
        byte[] body = Containers.write(records);
        String token =
            RequestTokens.of(ALPHA, "ES256", TestGateway.GATEWAY_ID, Instant.now())
                .body(body)
                .sign();
        HttpResponse<Buffer> answer = Await.result(client.postBatch(body, token));
        if (answer.statusCode() != 202) {
          failures.add(answer.statusCode() + " " + answer.bodyAsString());
          return;
        }
        JsonObject outcome = answer.bodyAsJsonObject();
        receipted.add(new Receipted(outcome.getString("batchId"), outcome.getString("receipt")));
      }
    } catch (RuntimeException e) {
      failures.add(e.toString());
    }
  }

  private static JsonObject get(Vertx vertx, int port, String partner, String path) {
    HttpResponse<Buffer> response = raw(vertx, port, partner, path);
    assertThat(response.statusCode()).as(path + ": " + response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> raw(Vertx vertx, int port, String partner, String path) {
    Identity identity = PKI.identity(partner);
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, port)) {
      String alg = identity.signingKeys().get(0).getAlgorithm().getName();
      String token = RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now()).sign();
      return Await.result(client.get(path, token));
    }
  }

  private static byte[] decode(String base64url) {
    return Base64.getUrlDecoder().decode(base64url);
  }
}
