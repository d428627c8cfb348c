package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.file.CodecFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.BatchEndpoints;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.GatewayProcess;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * Kills a real gateway process (SIGKILL) while batches are being committed, restarts it on the same
 * data directory and checks every batch is either whole or absent, and every batch acknowledged
 * before the kill is still there.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class CrashConsistencyTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final int BATCHES = 24;
  private static final int RECORDS = 200;

  private final Identity alpha = PKI.identity("marketplace-alpha");

  @Test
  void batchIsWholeOrAbsentAfterAKillMidIngest(Vertx vertx) throws Exception {
    Path data = TestPki.temporaryDirectory("crash-data");
    Path log = data.resolve("gateway.log");
    int partnerPort = GatewayProcess.freePort();
    int opsPort = GatewayProcess.freePort();
    List<byte[]> bodies = new ArrayList<>();
    List<List<Transaction>> contents = new ArrayList<>();
    Instant ordered = Instant.now().minusSeconds(600);
    for (int b = 0; b < BATCHES; b++) {
      List<Transaction> records = SampleTransactions.batch(50_000 + b * RECORDS, RECORDS, ordered);
      contents.add(records);
      bodies.add(Containers.write(records));
    }

    GatewayProcess first = GatewayProcess.launch(PKI, data, log, partnerPort, opsPort, Map.of());
    List<Integer> acknowledged = new ArrayList<>();
    try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, partnerPort)) {
      first.awaitReady(vertx);
      AtomicInteger answered = new AtomicInteger();
      List<Future<HttpResponse<Buffer>>> inFlight = new ArrayList<>();
      for (byte[] body : bodies) {
        Future<HttpResponse<Buffer>> sent = post(client, body);
        sent.onSuccess(response -> answered.incrementAndGet());
        inFlight.add(sent);
      }
      Await.until(() -> answered.get() >= 3, "the first batches are acknowledged");
      first.kill();
      for (int b = 0; b < BATCHES; b++) {
        Future<HttpResponse<Buffer>> sent = inFlight.get(b);
        try {
          HttpResponse<Buffer> response =
              sent.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
          if (response.statusCode() == 202) {
            acknowledged.add(b);
          }
        } catch (Exception killed) {
          // No answer: the batch may or may not have been committed.
        }
      }
    }
    assertThat(acknowledged).isNotEmpty().hasSizeLessThan(BATCHES);

    try (GatewayProcess second =
            GatewayProcess.launch(PKI, data, log, partnerPort, opsPort, Map.of());
        PartnerClient client = PartnerClient.of(vertx, PKI, alpha, partnerPort)) {
      second.awaitReady(vertx);
      for (int b = 0; b < BATCHES; b++) {
        HttpResponse<Buffer> retry = Await.result(post(client, bodies.get(b)));
        JsonObject outcome = retry.bodyAsJsonObject();
        if (acknowledged.contains(b)) {
          assertThat(retry.statusCode())
              .as("batch %d was acknowledged before the kill", b)
              .isEqualTo(200);
        }
        assertThat(retry.statusCode()).isIn(200, 202);
        assertThat(outcome.getInteger("accepted")).as("batch %d is whole", b).isEqualTo(RECORDS);
        // Every record of it is stored: the same records in other bytes are all recognized as
        // unchanged.
        byte[] otherBytes =
            Containers.write(contents.get(b), Containers.v2(), CodecFactory.nullCodec());
        JsonObject again = Await.result(post(client, otherBytes)).bodyAsJsonObject();
        assertThat(again.getInteger("unchanged")).as("records of batch %d", b).isEqualTo(RECORDS);
      }
    }
  }

  private Future<HttpResponse<Buffer>> post(PartnerClient client, byte[] body) {
    String token =
        RequestTokens.of(alpha, "ES256", TestGateway.GATEWAY_ID, Instant.now()).body(body).sign();
    return client
        .request(HttpMethod.POST, BatchEndpoints.BATCHES_PATH)
        .putHeader("Authorization", "Bearer " + token)
        .putHeader("Content-Type", BatchEndpoints.MEDIA_TYPE)
        .sendBuffer(Buffer.buffer(body));
  }
}
