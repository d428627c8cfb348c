package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.GatewayProcess;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;
import org.parcelgate.testing.TlsSockets;

/**
 * A real gateway process on a small heap ({@value #HEAP}), started the way an operator starts it:
 * the embedded defaults (the body memory budget is a quarter of the heap) and nothing on its
 * command line but the heap size.
 *
 * <p>Regression for issue 12's fault campaign: large bodies arriving at once exhausted the heap
 * while they were collected; some requests were answered {@code 500}, others {@code 401
 * digest_mismatch} because a chunk had been dropped. Now each is either answered normally or
 * refused with {@code 503 overloaded} before its body is read; none gets a client error, none a
 * 500. And the JVM-wide refusal of TLS renegotiation holds in a JVM not started with it.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 300, timeUnit = TimeUnit.SECONDS)
class MemoryPressureProcessTest {
  private static final String HEAP = "192m";
  private static final int BODY_BYTES = 8 * 1024 * 1024;

  /** Together three times the heap; the budget (48 MiB) admits six of them at once. */
  private static final int REQUESTS = 24;

  private static final String OVERLOADED = "503 overloaded, Retry-After 1";
  private static final SamplePki PKI = TestPki.shared();

  private static GatewayProcess gateway;
  private static Path log;
  private static int opsPort;

  @BeforeAll
  static void start(Vertx vertx) throws IOException {
    Path data = TestPki.temporaryDirectory("pressure-data");
    log = data.resolve("gateway.log");
    opsPort = GatewayProcess.freePort();
    gateway =
        GatewayProcess.launch(
            PKI,
            data,
            log,
            GatewayProcess.freePort(),
            opsPort,
            Map.of("PARCELGATE_PARTNER_API_BODY_LIMIT_BYTES", Integer.toString(BODY_BYTES)),
            List.of("-Xmx" + HEAP));
    gateway.awaitReady(vertx);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    gateway.close();
  }

  @Test
  void largeBodiesAtOnceOnASmallHeapAreAnsweredOrRefusedAsOverloadedNeverDigestMismatch(Vertx vertx)
      throws IOException {
    byte[] body = new byte[BODY_BYTES];
    new Random(12).nextBytes(body);
    List<Identity> partners =
        List.of(PKI.identity("marketplace-alpha"), PKI.identity("marketplace-beta"));
    Map<SSLSocket, String> failed = new java.util.HashMap<>();
    List<SSLSocket> sockets = new ArrayList<>();
    Map<String, Integer> outcomes = new TreeMap<>();
    try {
      // Each body but its last byte, so that the gateway would hold them all at once; then the
      // last bytes. A GET with a body: the body is read and its digest checked; the answer is 200.
      for (int i = 0; i < REQUESTS; i++) {
        Identity partner = partners.get(i % 2);
        SSLSocket socket;
        try {
          socket = TlsSockets.open(PKI, partner, gateway.partnerPort(), "TLSv1.3");
        } catch (IOException e) {
          outcomes.merge("no connection: " + e.getClass().getSimpleName(), 1, Integer::sum);
          continue;
        }
        sockets.add(socket);
        String alg = partner.signingKeys().get(0).getAlgorithm().getName();
        String token =
            RequestTokens.of(partner, alg, TestGateway.GATEWAY_ID, Instant.now()).body(body).sign();
        send(
            socket,
            (TlsSockets.head(
                        "GET",
                        PartnerApiRouter.WHOAMI_PATH,
                        Map.of(
                            "Authorization",
                            "Bearer " + token,
                            "Content-Length",
                            Integer.toString(BODY_BYTES)))
                    + "\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            failed);
        send(socket, Arrays.copyOf(body, BODY_BYTES - 1), failed);
      }
      for (SSLSocket socket : sockets) {
        send(socket, new byte[] {body[BODY_BYTES - 1]}, failed);
      }
      for (SSLSocket socket : sockets) {
        outcomes.merge(failed.getOrDefault(socket, outcome(socket)), 1, Integer::sum);
      }
    } finally {
      for (SSLSocket socket : sockets) {
        socket.close();
      }
    }

    assertThat(outcomes.keySet()).as("outcomes %s", outcomes).containsOnly("200", OVERLOADED);
    assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
    WebClient ops =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(opsPort));
    try {
      Await.until(
          () ->
              Await.result(ops.get("/metrics").send())
                  .bodyAsString()
                  .contains("\nparcelgate_body_memory_in_use_bytes 0.0\n"),
          "the budget is empty once every request has ended");
    } finally {
      ops.close();
    }
  }

  /** Writes unless an earlier write to the socket failed; a failure is the request's outcome. */
  private static void send(SSLSocket socket, byte[] bytes, Map<SSLSocket, String> failed) {
    if (failed.containsKey(socket)) {
      return;
    }
    try {
      TlsSockets.write(socket, bytes);
    } catch (IOException e) {
      failed.put(socket, "closed while sent: " + e.getClass().getSimpleName());
    }
  }

  /** What became of the request on the socket: its status and code, or why there was none. */
  private static String outcome(SSLSocket socket) {
    TlsSockets.Response response;
    try {
      response = TlsSockets.read(socket);
    } catch (IOException e) {
      return "no answer: " + e.getClass().getSimpleName();
    }
    if (response.status() == 200) {
      return "200";
    }
    String code = response.status() + " " + response.json().getString("code");
    return response.status() == 503
        ? code + ", Retry-After " + response.header("retry-after")
        : code;
  }

  @Test
  void refusesTls12RenegotiationInAGatewayJvmNotStartedWithTheSwitch() throws IOException {
    Identity alpha = PKI.identity("marketplace-alpha");
    try (SSLSocket socket = TlsSockets.open(PKI, alpha, gateway.partnerPort(), "TLSv1.2")) {
      assertThat(whoami(socket, alpha).status()).isEqualTo(200);

      socket.startHandshake();

      assertThatThrownBy(() -> whoami(socket, alpha)).isInstanceOf(IOException.class);
    }
  }

  private static TlsSockets.Response whoami(SSLSocket socket, Identity identity)
      throws IOException {
    String token =
        RequestTokens.of(identity, "ES256", TestGateway.GATEWAY_ID, Instant.now()).sign();
    TlsSockets.write(
        socket,
        TlsSockets.head(
                "GET", PartnerApiRouter.WHOAMI_PATH, Map.of("Authorization", "Bearer " + token))
            + "\r\n");
    return TlsSockets.read(socket);
  }
}
