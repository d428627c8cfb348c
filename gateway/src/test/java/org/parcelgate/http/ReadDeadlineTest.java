package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;
import org.parcelgate.testing.TlsSockets;

/**
 * Slow clients over real mutual TLS: a request whose headers or body arrive a byte at a time is cut
 * off at its read deadline (1 s here) with {@code 408 request_timeout} and a closed connection,
 * although each byte keeps the idle timeout from firing. Its siblings: a connection idle between
 * requests for longer than the header deadline is kept, and a request refused before its body was
 * read cannot keep its connection by dribbling the rest.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class ReadDeadlineTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final Identity ALPHA = PKI.identity("marketplace-alpha");

  /** Each byte this much after the last: well inside the idle timeout, far too slow overall. */
  private static final long BYTE_INTERVAL_MILLIS = 100;

  /** A header that takes 40 s to dribble: only a deadline ends the request before that. */
  private static final String SLOW_HEADER = "X-Slow: " + "s".repeat(400) + "\r\n";

  private static TestGateway.Running gateway;
  private static ScheduledExecutorService dribblers;

  @BeforeAll
  static void start(Vertx vertx) {
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_PARTNER_API_HEADER_TIMEOUT", "1s");
    env.put("PARCELGATE_PARTNER_API_BODY_TIMEOUT", "1s");
    gateway = Await.result(TestGateway.start(vertx, env, java.time.Clock.systemUTC()));
    dribblers = Executors.newScheduledThreadPool(2);
  }

  @AfterAll
  static void stop() {
    dribblers.shutdownNow();
    Await.result(gateway.gateway().stop());
  }

  @Test
  void answersRequestTimeoutAndClosesWhenHeadersArriveOneByteAtATime() throws IOException {
    double timeoutsBefore = requestTimeouts();
    try (SSLSocket socket = connect(ALPHA)) {
      TlsSockets.write(socket, "GET " + PartnerApiRouter.WHOAMI_PATH + " HTTP/1.1\r\n");
      AtomicInteger sent = new AtomicInteger();
      ScheduledFuture<?> dribbling = dribble(socket, SLOW_HEADER, sent);

      TlsSockets.Response response = TlsSockets.read(socket);

      assertThat(sent.get()).isLessThan(SLOW_HEADER.length());
      assertThat(response.status()).isEqualTo(408);
      assertThat(response.header("content-type")).isEqualTo(Problems.MEDIA_TYPE);
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(response.json().getString("code")).isEqualTo("request_timeout");
      assertThat(TlsSockets.closedByPeer(socket)).isTrue();
      dribbling.cancel(false);
    }
    Await.until(
        () -> requestTimeouts() == timeoutsBefore + 1, "the header timeout is counted as a 408");
  }

  @Test
  void answersRequestTimeoutAndClosesWhenTheBodyArrivesOneByteAtATime() throws IOException {
    String body = "b".repeat(400);
    try (SSLSocket socket = connect(ALPHA)) {
      TlsSockets.write(
          socket,
          TlsSockets.head(
                  "POST",
                  BatchEndpoints.BATCHES_PATH,
                  Map.of(
                      "Authorization",
                      "Bearer " + token(body.getBytes(StandardCharsets.US_ASCII)),
                      "Content-Type",
                      BatchEndpoints.MEDIA_TYPE,
                      "Content-Length",
                      Integer.toString(body.length())))
              + "\r\n");
      AtomicInteger sent = new AtomicInteger();
      ScheduledFuture<?> dribbling = dribble(socket, body, sent);

      TlsSockets.Response response = TlsSockets.read(socket);

      assertThat(sent.get()).isLessThan(body.length());
      assertThat(response.status()).isEqualTo(408);
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(response.json().getString("code")).isEqualTo("request_timeout");
      assertThat(response.json().getString("requestId")).isEqualTo(response.header("x-request-id"));
      assertThat(TlsSockets.closedByPeer(socket)).isTrue();
      dribbling.cancel(false);
    }
    Await.until(() -> bodyMemoryInUse() == 0, "the timed-out body's reservation is given back");
  }

  @Test
  void closesAConnectionWhoseRefusedRequestKeepsDribblingItsBody() throws IOException {
    String body = "b".repeat(400);
    try (SSLSocket socket = connect(PKI.identity("unregistered"))) {
      TlsSockets.write(
          socket,
          TlsSockets.head(
                  "POST",
                  BatchEndpoints.BATCHES_PATH,
                  Map.of("Content-Length", Integer.toString(body.length())))
              + "\r\n");
      TlsSockets.Response refused = TlsSockets.read(socket);
      assertThat(refused.json().getString("code")).isEqualTo("unknown_client");

      AtomicInteger sent = new AtomicInteger();
      ScheduledFuture<?> dribbling = dribble(socket, body, sent);

      assertThat(TlsSockets.closedByPeer(socket)).isTrue();
      assertThat(sent.get()).isLessThan(body.length());
      dribbling.cancel(false);
    }
  }

  @Test
  void keepsAConnectionIdleBetweenRequestsForLongerThanTheHeaderTimeout() throws Exception {
    try (SSLSocket socket = connect(ALPHA)) {
      assertThat(whoami(socket).status()).isEqualTo(200);

      // Idle for twice the header timeout, then a whole request at once.
      ScheduledFuture<TlsSockets.Response> second =
          dribblers.schedule(() -> whoami(socket), 2, TimeUnit.SECONDS);

      assertThat(second.get(TlsSockets.READ_BOUND_MILLIS, TimeUnit.MILLISECONDS).status())
          .isEqualTo(200);
    }
  }

  private static SSLSocket connect(Identity identity) throws IOException {
    return TlsSockets.open(PKI, identity, gateway.partnerPort(), "TLSv1.3");
  }

  private static TlsSockets.Response whoami(SSLSocket socket) throws IOException {
    String token = RequestTokens.of(ALPHA, "ES256", TestGateway.GATEWAY_ID, Instant.now()).sign();
    TlsSockets.write(
        socket,
        TlsSockets.head(
                "GET", PartnerApiRouter.WHOAMI_PATH, Map.of("Authorization", "Bearer " + token))
            + "\r\n");
    return TlsSockets.read(socket);
  }

  private static String token(byte[] body) {
    return RequestTokens.of(ALPHA, "ES256", TestGateway.GATEWAY_ID, Instant.now())
        .body(body)
        .sign();
  }

  /**
   * Writes {@code text} one byte every {@link #BYTE_INTERVAL_MILLIS} on a scheduler thread, until
   * done or the connection fails; {@code sent} counts the bytes written.
   */
  private static ScheduledFuture<?> dribble(SSLSocket socket, String text, AtomicInteger sent) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    return dribblers.scheduleAtFixedRate(
        () -> {
          int next = sent.get();
          if (next >= bytes.length) {
            throw new IllegalStateException("the whole text was sent"); // ends the schedule
          }
          try {
            TlsSockets.write(socket, new byte[] {bytes[next]});
            sent.incrementAndGet();
          } catch (IOException closed) {
            throw new IllegalStateException("the connection is closed", closed);
          }
        },
        0,
        BYTE_INTERVAL_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  private static double requestTimeouts() {
    return gateway
        .meters()
        .get("parcelgate.requests")
        .tag("reason", "request_timeout")
        .counter()
        .count();
  }

  private static double bodyMemoryInUse() {
    return gateway.meters().get("parcelgate.body.memory.in_use").gauge().value();
  }
}
