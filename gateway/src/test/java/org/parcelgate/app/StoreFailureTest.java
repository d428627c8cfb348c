package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.GatewayProcess;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * A real gateway whose store cannot write: its database locked by another connection, its disk
 * full. Requests get {@code 503 store_unavailable} with {@code Retry-After} instead of hanging or a
 * 500, readiness falls and names the cause, the log has the engine's cause, and the gateway
 * recovers by itself once the disk can write again.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class StoreFailureTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final AtomicInteger FIRST_ID = new AtomicInteger(700_000);

  private final Identity alpha = PKI.identity("marketplace-alpha");

  @Test
  void aDatabaseLockedElsewhereGets503WithRetryAfterTurnsNotReadyAndRecoversByItself(Vertx vertx)
      throws Exception {
    Map<String, String> env = environment();
    Path data = Path.of(env.get("PARCELGATE_STORE_DATA_DIRECTORY"));
    TestGateway.Running gateway =
        Await.result(TestGateway.start(vertx, env, java.time.Clock.systemUTC()));
    WebClient ops = ops(vertx, gateway.opsPort());
    try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, gateway.partnerPort())) {
      assertThat(Await.result(postBatch(client)).statusCode()).isEqualTo(202);

      try (Connection other = EmbeddedStore.connect(data)) {
        execute(other, "BEGIN EXCLUSIVE");

        // Bounded waits (Await: 30 s) that fail only on a hang; the store's deadline is 1 s.
        assertRefusedAsStoreUnavailable(Await.result(postBatch(client)));
        assertRefusedAsStoreUnavailable(Await.result(whoami(client, token())));
        JsonObject ready = readiness(ops, 503);
        assertThat(ready.getString("status")).isEqualTo("unavailable");
        JsonObject store = ready.getJsonObject("store");
        assertThat(store.getString("status")).isEqualTo("unavailable");
        assertThat(store.getString("reason")).isIn("locked", "timeout");
        assertThat(store.getString("detail")).isNotBlank();
        assertThat(Await.result(ops.get("/metrics").send()).bodyAsString())
            .contains("parcelgate_store_unavailable 1.0");

        execute(other, "COMMIT");
      }

      Await.until(() -> readinessStatus(ops) == 200, "the probe finds the store writable again");
      assertThat(readiness(ops, 200).getJsonObject("store").getString("status"))
          .isEqualTo("available");
      assertThat(Await.result(postBatch(client)).statusCode()).isEqualTo(202);
    } finally {
      ops.close();
      Await.result(gateway.gateway().stop());
    }
  }

  @Test
  void aTokenRefusedBecauseTheStoreCouldNotWriteIsNotSpent(Vertx vertx) throws Exception {
    Map<String, String> env = environment();
    Path data = Path.of(env.get("PARCELGATE_STORE_DATA_DIRECTORY"));
    TestGateway.Running gateway =
        Await.result(TestGateway.start(vertx, env, java.time.Clock.systemUTC()));
    WebClient ops = ops(vertx, gateway.opsPort());
    try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, gateway.partnerPort())) {
      String token = token();
      try (Connection other = EmbeddedStore.connect(data)) {
        execute(other, "BEGIN EXCLUSIVE");
        assertRefusedAsStoreUnavailable(Await.result(whoami(client, token)));
        execute(other, "COMMIT");
      }
      Await.until(() -> readinessStatus(ops) == 200, "the probe finds the store writable again");

      // The same token again: its first use was never recorded, so it is no replay.
      HttpResponse<Buffer> again = Await.result(whoami(client, token));
      assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
      // Now it is spent.
      assertThat(Await.result(whoami(client, token)).bodyAsJsonObject().getString("code"))
          .isEqualTo("token_replayed");
    } finally {
      ops.close();
      Await.result(gateway.gateway().stop());
    }
  }

  @Test
  void aFullDiskGets503NamesSqliteFullInTheLogAndRecoversWhenSpaceIsFreed(Vertx vertx)
      throws Exception {
    requireRoot("mounts a 4 MiB tmpfs as the data directory's disk and fills it");
    Path mount = TestPki.temporaryDirectory("parcelgate-full-disk");
    run("mount", "-t", "tmpfs", "-o", "size=4m", "parcelgate-test", mount.toString());
    Path log = TestPki.temporaryDirectory("parcelgate-full-disk-log").resolve("gateway.log");
    int partnerPort = GatewayProcess.freePort();
    try (GatewayProcess gateway =
            GatewayProcess.launch(
                PKI,
                mount.resolve("data"),
                log,
                partnerPort,
                GatewayProcess.freePort(),
                Map.of(
                    "PARCELGATE_STORE_TIMEOUT", "2s",
                    "PARCELGATE_STORE_PROBE_INTERVAL", "300ms"));
        PartnerClient client = PartnerClient.of(vertx, PKI, alpha, partnerPort)) {
      gateway.awaitReady(vertx);
      WebClient ops = ops(vertx, gateway.opsPort());
      try {
        assertThat(Await.result(postBatch(client)).statusCode()).isEqualTo(202);

        Path filler = fill(mount);
        assertRefusedAsStoreUnavailable(Await.result(postBatch(client)));
        JsonObject store = readiness(ops, 503).getJsonObject("store");
        assertThat(store.getString("reason")).isEqualTo("disk_full");
        assertThat(store.getString("code")).isEqualTo("SQLITE_FULL");
        String logged = Files.readString(log);
        assertThat(logged)
            .contains("store unavailable: SQLITE_FULL")
            .contains("database or disk is full")
            .doesNotContain("SQLState null");

        Files.delete(filler);
        Await.until(
            () -> readinessStatus(ops) == 200,
            "the probe finds room on the disk again",
            Duration.ofSeconds(20));
        assertThat(Await.result(postBatch(client)).statusCode()).isEqualTo(202);
        assertThat(Files.readString(log)).contains("store available again");
      } finally {
        ops.close();
      }
    } finally {
      run("umount", mount.toString());
    }
  }

  @Test
  void aStalledDiskGets503WithinTheDeadlineWithoutHoldingTheWorkersAndRecoversWhenItMovesAgain(
      Vertx vertx) throws Exception {
    requireRoot("mounts an ext4 image and freezes it (fsfreeze): every write to it blocks");
    Path directory = TestPki.temporaryDirectory("parcelgate-stalled-disk");
    Path image = directory.resolve("disk.img");
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(64L * 1024 * 1024);
    }
    run("mkfs.ext4", "-q", "-F", image.toString());
    Path mount = Files.createDirectories(directory.resolve("mnt"));
    run("mount", "-o", "loop", image.toString(), mount.toString());
    Path log = directory.resolve("gateway.log");
    int partnerPort = GatewayProcess.freePort();
    boolean frozen = false;
    GatewayProcess gateway =
        GatewayProcess.launch(
            PKI,
            mount.resolve("data"),
            log,
            partnerPort,
            GatewayProcess.freePort(),
            Map.of(
                "PARCELGATE_STORE_TIMEOUT", "2s",
                "PARCELGATE_STORE_PROBE_INTERVAL", "300ms",
                // All 30 requests below come from one partner; its limit of requests in flight
                // (16 by default) would answer the rest 429 before they reach the store.
                "PARCELGATE_PARTNER_API_MAX_REQUESTS_IN_FLIGHT_PER_PARTNER", "64"));
    List<PartnerClient> clients = new ArrayList<>();
    WebClient ops = ops(vertx, gateway.opsPort());
    try {
      gateway.awaitReady(vertx);
      for (int i = 0; i < 6; i++) {
        clients.add(PartnerClient.of(vertx, PKI, alpha, partnerPort));
      }
      assertThat(Await.result(postBatch(clients.get(0))).statusCode()).isEqualTo(202);

      run("fsfreeze", "-f", mount.toString());
      frozen = true;
      // More requests at once than the worker pool has threads (20), each needing a write that
      // the disk never finishes: all are answered, none hangs (Await: 30 s; the deadline is 2 s).
      List<io.vertx.core.Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        answers.add(whoami(clients.get(i % clients.size()), token()));
      }
      for (io.vertx.core.Future<HttpResponse<Buffer>> answer : answers) {
        assertRefusedAsStoreUnavailable(Await.result(answer));
      }
      assertRefusedAsStoreUnavailable(Await.result(postBatch(clients.get(0))));
      assertThat(Await.result(clients.get(0).get(PartnerApiRouter.JWKS_PATH, null)).statusCode())
          .isEqualTo(200);
      JsonObject store = readiness(ops, 503).getJsonObject("store");
      assertThat(store.getString("reason")).isEqualTo("timeout");

      run("fsfreeze", "-u", mount.toString());
      frozen = false;
      Await.until(
          () -> readinessStatus(ops) == 200,
          "the probe finds the disk writing again",
          Duration.ofSeconds(20));
      assertThat(Await.result(postBatch(clients.get(0))).statusCode()).isEqualTo(202);
      assertThat(Files.readString(log)).contains("store unavailable: deadline");
    } finally {
      if (frozen) {
        run("fsfreeze", "-u", mount.toString());
      }
      clients.forEach(PartnerClient::close);
      ops.close();
      gateway.close();
      run("umount", mount.toString());
      Files.delete(image);
    }
  }

  @Test
  void aStoreThatCannotBeOpenedStopsTheStartNamingTheSqliteCauseAndTheFile(Vertx vertx)
      throws Exception {
    Map<String, String> env = environment();
    Path data = Path.of(env.get("PARCELGATE_STORE_DATA_DIRECTORY"));
    // A directory where the database file belongs.
    Files.createDirectories(data.resolve("parcelgate.sqlite"));

    Throwable failure = Await.failure(TestGateway.start(vertx, env, java.time.Clock.systemUTC()));

    assertThat(failure.getMessage())
        .contains("SQLITE_CANTOPEN")
        .contains(data.resolve("parcelgate.sqlite").toAbsolutePath().toString())
        .doesNotContain("SQLState");
  }

  /**
   * Fails, rather than skips, where the test cannot make its real fault: CI runs the tests as root.
   */
  private static void requireRoot(String why) {
    assertThat(System.getProperty("user.name"))
        .as("this test " + why + ", which needs root (CI runs the tests as root); run it as root")
        .isEqualTo("root");
  }

  private static Map<String, String> environment() {
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_STORE_TIMEOUT", "1s");
    env.put("PARCELGATE_STORE_PROBE_INTERVAL", "300ms");
    return env;
  }

  private void assertRefusedAsStoreUnavailable(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isEqualTo("1");
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("store_unavailable");
  }

  private io.vertx.core.Future<HttpResponse<Buffer>> postBatch(PartnerClient client) {
    byte[] body =
        Containers.write(
            SampleTransactions.batch(
                FIRST_ID.getAndAdd(10), 10, Instant.now().minus(Duration.ofHours(1))));
    return client.postBatch(
        body,
        RequestTokens.of(alpha, "ES256", TestGateway.GATEWAY_ID, Instant.now()).body(body).sign());
  }

  private String token() {
    return RequestTokens.of(alpha, "ES256", TestGateway.GATEWAY_ID, Instant.now()).sign();
  }

  private static io.vertx.core.Future<HttpResponse<Buffer>> whoami(
      PartnerClient client, String token) {
    return client.get(PartnerApiRouter.WHOAMI_PATH, token);
  }

  private static WebClient ops(Vertx vertx, int port) {
    return WebClient.create(
        vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  private static JsonObject readiness(WebClient ops, int status) {
    HttpResponse<Buffer> ready = Await.result(ops.get("/health/ready").send());
    assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(status);
    return ready.bodyAsJsonObject();
  }

  private static int readinessStatus(WebClient ops) {
    return Await.result(ops.get("/health/ready").send()).statusCode();
  }

  private static void execute(Connection connection, String sql) throws Exception {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** Writes a file until the disk has no room left; returns it. */
  private static Path fill(Path mount) throws IOException {
    Path filler = mount.resolve("filler");
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) {
        throw full;
      }
    }
    // The last partial chunk: fill to the last byte.
    try (OutputStream out =
        Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
      while (true) {
        out.write(0);
        out.flush();
      }
    } catch (IOException full) {
      // No space left.
    }
    return filler;
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
  }
}
