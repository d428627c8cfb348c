package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.auth.PartnerContext;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.protocol.Digests;
import org.parcelgate.testing.Await;

/**
 * Regression for the fault campaign of issue 12: under memory pressure, bodies lost a chunk while
 * they were collected and the token check then answered {@code 401 digest_mismatch}, telling the
 * partner its signature was wrong. A failure while a body arrives must end the request with a
 * server error, never let the incomplete body reach the next handler.
 *
 * <p>The body step runs on a plain HTTP server here, with a sink that fails at its third chunk as
 * an exhausted heap does, followed by a stand-in for the token check: {@code 401 digest_mismatch}
 * unless the body's SHA-256 is the one the request announced.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class BodyCollectionFailureTest {
  private static final int LIMIT = 1024 * 1024;

  /** Many chunks: the HTTP decoder hands a body on in pieces of at most 8 KiB. */
  private static final byte[] BODY = new byte[256 * 1024];

  static {
    new Random(12).nextBytes(BODY);
  }

  private final BodyBudget budget = new BodyBudget(2L * LIMIT);
  private final AtomicInteger reachedTokenCheck = new AtomicInteger();
  private Supplier<Throwable> thirdChunkFails;
  private HttpServer server;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) {
    Router router = Router.router(vertx);
    router
        .route()
        .handler(new BudgetedBodyHandler(budget, LIMIT, this::sink))
        .handler(
            ctx -> {
              reachedTokenCheck.incrementAndGet();
              byte[] body = PartnerContext.received(ctx);
              if (!Digests.sha256Base64Url(body).equals(ctx.request().getHeader("X-Sha256"))) {
                throw new GatewayException(ProblemCode.DIGEST_MISMATCH, "digest of another body");
              }
              ctx.response().end("stored");
            })
        .failureHandler(new ProblemHandler());
    server = Await.result(vertx.createHttpServer().requestHandler(router).listen(0));
    client =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
  }

  @AfterEach
  void stop() {
    client.close();
    Await.result(server.close());
  }

  /**
   * The production sink, except that the third append throws what {@link #thirdChunkFails} makes.
   */
  private BodySink sink(long expected) {
    BodySink real = BodySink.allocate(expected);
    AtomicInteger appends = new AtomicInteger();
    return new BodySink() {
      @Override
      public void append(Buffer chunk) {
        if (appends.incrementAndGet() == 3 && thirdChunkFails != null) {
          sneakyThrow(thirdChunkFails.get());
        }
        real.append(chunk);
      }

      @Override
      public byte[] body() {
        return real.body();
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }

  private HttpResponse<Buffer> post() {
    return Await.result(
        client
            .post("/")
            .putHeader("X-Sha256", Digests.sha256Base64Url(BODY))
            .sendBuffer(Buffer.buffer(BODY)));
  }

  @Test
  void answersOverloadedNotDigestMismatchWhenMemoryRunsOutWhileTheBodyArrives() {
    thirdChunkFails = () -> new OutOfMemoryError("Java heap space (simulated)");

    HttpResponse<Buffer> response = post();

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("overloaded");
    assertThat(response.getHeader("Retry-After")).isEqualTo("1");
    assertThat(reachedTokenCheck).hasValue(0);
    Await.until(() -> budget.inUse() == 0, "the reservation is given back");
  }

  @Test
  void answersInternalErrorNotAClientErrorWhenCollectingTheBodyFailsOtherwise() {
    thirdChunkFails = () -> new IllegalStateException("a bug in the sink (simulated)");

    HttpResponse<Buffer> response = post();

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("internal_error");
    assertThat(reachedTokenCheck).hasValue(0);
    Await.until(() -> budget.inUse() == 0, "the reservation is given back");
  }

  @Test
  void passesTheWholeBodyOnWhenNothingFails() {
    HttpResponse<Buffer> response = post();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).isEqualTo("stored");
    assertThat(reachedTokenCheck).hasValue(1);
    Await.until(() -> budget.inUse() == 0, "the reservation is given back");
  }
}
