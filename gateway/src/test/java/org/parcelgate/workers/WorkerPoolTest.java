package org.parcelgate.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.testing.Await;

class WorkerPoolTest {
  private Vertx vertx;
  private WorkerPools pools;
  private final List<WorkerKind> refusals = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Map<WorkerKind, WorkerPools.Size> sizes = new EnumMap<>(WorkerKind.class);
    for (WorkerKind kind : WorkerKind.values()) {
      sizes.put(kind, new WorkerPools.Size(1, 1));
    }
    pools =
        WorkerPools.create(
            vertx,
            new WorkerPools.Settings(sizes, Duration.ofSeconds(3), Duration.ofSeconds(60)),
            kind -> {
              synchronized (refusals) {
                refusals.add(kind);
              }
            });
  }

  @AfterEach
  void stop() {
    Await.result(pools.close());
    Await.result(vertx.close());
  }

  @Test
  void refusesWorkBeyondItsThreadsAndQueueAtOnceWithOverloadedAndRetryAfter() throws Exception {
    WorkerPool ingest = pools.get(WorkerKind.INGEST);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    Future<String> first =
        ingest.submit(
            () -> {
              running.countDown();
              release.await(30, TimeUnit.SECONDS);
              return "first";
            });
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    Future<String> queued = ingest.submit(() -> "queued");
    Future<String> refused = ingest.submit(() -> "never runs");

    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause())
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.problem()).isEqualTo(ProblemCode.OVERLOADED);
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
              assertThat(e.detail()).contains("ingest");
            });
    assertThat(refusals).containsExactly(WorkerKind.INGEST);
    assertThat(ingest.pending()).isEqualTo(2);
    assertThat(ingest.queued()).isEqualTo(1);

    release.countDown();
    assertThat(Await.result(first)).isEqualTo("first");
    assertThat(Await.result(queued)).isEqualTo("queued");
    assertThat(ingest.pending()).isZero();
    assertThat(Await.result(ingest.submit(() -> "again"))).isEqualTo("again");
  }

  @Test
  void aFullPoolDoesNotDelayAnotherKindOfWork() throws Exception {
    WorkerPool privacy = pools.get(WorkerKind.PRIVACY);
    CountDownLatch release = new CountDownLatch(1);
    Future<Void> slowVerification =
        privacy.submit(
            () -> {
              release.await(30, TimeUnit.SECONDS);
              return null;
            });
    Future<Void> waiting = privacy.submit(() -> null);

    assertThat(Await.result(pools.get(WorkerKind.AUTH).submit(() -> "token checked")))
        .isEqualTo("token checked");
    assertThat(privacy.submit(() -> null).failed()).isTrue();

    release.countDown();
    Await.result(slowVerification);
    Await.result(waiting);
  }

  @Test
  void failedWorkReleasesItsPlace() {
    WorkerPool feeds = pools.get(WorkerKind.FEEDS);
    for (int i = 0; i < 5; i++) {
      Future<Object> failed =
          feeds.submit(
              () -> {
                throw new IllegalStateException("boom");
              });
      assertThat(Await.failure(failed)).hasMessage("boom");
    }
    assertThat(feeds.pending()).isZero();
  }
}
