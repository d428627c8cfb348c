package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.BatchEndpoints;
import org.parcelgate.metrics.GatewayMetrics;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.NoBlockedThreads;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;
import org.parcelgate.workers.WorkerKind;

/**
 * A full worker pool answers 503 overloaded with Retry-After, stores nothing of the refused
 * request, and takes the same batch once the pool has room; a blocked event loop is counted and
 * fails the test that caused it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class WorkerOverloadTest {
  private static final SamplePki PKI = TestPki.shared();

  @Test
  void aFullIngestPoolRefusesWithOverloadedAndStoresNothingUntilThereIsRoom(Vertx vertx)
      throws Exception {
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_WORKERS_INGEST_THREADS", "1");
    env.put("PARCELGATE_WORKERS_INGEST_QUEUE", "0");
    TestGateway.Running gateway = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
    try {
      CountDownLatch release = new CountDownLatch(1);
      Future<Void> occupying =
          gateway
              .gateway()
              .workers()
              .get(WorkerKind.INGEST)
              .submit(
                  () -> {
                    release.await(60, TimeUnit.SECONDS);
                    return null;
                  });
      byte[] body = Containers.write(records(3));

      HttpResponse<Buffer> refused = post(vertx, gateway, body);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
      JsonObject problem = refused.bodyAsJsonObject();
      assertThat(problem.getString("code")).isEqualTo("overloaded");
      assertThat(problem.getString("detail")).contains("ingest");
      assertThat(refusedBy(gateway, "ingest")).isEqualTo(1.0);

      release.countDown();
      Await.result(occupying);
      // 202, not 200: the refused request stored nothing, so this is the batch's first storing.
      HttpResponse<Buffer> accepted = post(vertx, gateway, body);
      assertThat(accepted.statusCode()).isEqualTo(202);
      assertThat(accepted.bodyAsJsonObject().getInteger("accepted")).isEqualTo(3);
      assertThat(refusedBy(gateway, "ingest")).isEqualTo(1.0);
    } finally {
      Await.result(gateway.gateway().stop());
    }
  }

  @Test
  void aBlockedEventLoopIsCountedAndFailsTheTest(Vertx vertx) {
    TestGateway.Running gateway = Await.result(TestGateway.start(vertx, PKI));
    try {
      // Longer than the event loops' limit (2 s by default) and the checker's interval (1 s).
      io.vertx.core.Promise<Void> spun = io.vertx.core.Promise.promise();
      vertx
          .getOrCreateContext()
          .runOnContext(
              ignored -> {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3_500);
                while (System.nanoTime() < until) {
                  Thread.onSpinWait();
                }
                spun.complete();
              });
      Await.result(spun.future());
      Await.until(
          () ->
              gateway
                      .meters()
                      .find(GatewayMetrics.THREADS_BLOCKED)
                      .tag("thread", "event-loop")
                      .counters()
                      .stream()
                      .mapToDouble(Counter::count)
                      .sum()
                  > 0,
          "a blocked-thread warning");
      org.assertj.core.api.Assertions.assertThatThrownBy(NoBlockedThreads::check)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("blocked-thread warning");
      NoBlockedThreads.expectWarnings();
    } finally {
      Await.result(gateway.gateway().stop());
    }
  }

  private static double refusedBy(TestGateway.Running gateway, String pool) {
    return gateway.meters().get(GatewayMetrics.WORKERS_REFUSED).tag("pool", pool).counter().count();
  }

  private static List<Transaction> records(int count) {
    List<Transaction> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(SampleTransactions.valid(91_000 + i, Instant.now().minusSeconds(3600)));
    }
    return records;
  }

  private static HttpResponse<Buffer> post(Vertx vertx, TestGateway.Running gateway, byte[] body) {
    Identity identity = PKI.identity("marketplace-alpha");
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      String token =
          RequestTokens.of(identity, "ES256", TestGateway.GATEWAY_ID, Instant.now())
              .body(body)
              .sign();
      return Await.result(
          client
              .request(io.vertx.core.http.HttpMethod.POST, BatchEndpoints.BATCHES_PATH)
              .putHeader("Authorization", "Bearer " + token)
              .putHeader("Content-Type", BatchEndpoints.MEDIA_TYPE)
              .sendBuffer(Buffer.buffer(body)));
    }
  }
}
