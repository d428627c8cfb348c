package org.parcelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.app.EmbeddedGateway;
import org.parcelgate.pki.SamplePki;

/**
 * {@code parcelgate load} against a real gateway in this JVM, over mutual TLS: short runs with
 * small batches, judged by what the report counts, never by how fast it went.
 */
@Timeout(180)
class LoadCommandTest {
  private static final String GATEWAY_ID = "parcelgate-load-test";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path directory;
  private static SamplePki pki;
  private static EmbeddedGateway gateway;

  @BeforeAll
  static void startGateway() {
    pki = SamplePki.generate(directory.resolve("pki"), Clock.systemUTC());
    gateway = EmbeddedGateway.start(pki.gatewaySettings(GATEWAY_ID, directory.resolve("data")));
  }

  @AfterAll
  static void stopGateway() {
    gateway.close();
  }

  @Test
  void countsEveryRecordOfEveryMarketplaceAcceptedWithoutErrorsAndWritesTheJsonReport()
      throws IOException {
    Path report = directory.resolve("report.json");

    CommandRun run = load("--batch-size", "5", "--json", report.toString());

    assertThat(run.status).as(run.err).isEqualTo(ExitCodes.OK);
    assertThat(run.out)
        .contains("marketplace-alpha")
        .contains("marketplace-beta")
        .contains("errors: none; transport: none");
    JsonNode json = JSON.readTree(report.toFile());
    JsonNode endToEnd = json.path("endToEnd");
    assertThat(endToEnd.path("succeeded").asLong()).isPositive();
    assertThat(endToEnd.path("records").asLong())
        .isEqualTo(endToEnd.path("succeeded").asLong() * 5)
        .isEqualTo(endToEnd.path("accepted").asLong());
    assertThat(endToEnd.path("rejected").asLong()).isZero();
    assertThat(endToEnd.path("repeats").asLong()).isZero();
    assertThat(endToEnd.path("errors").size()).isZero();
    assertThat(endToEnd.path("transportErrors").size()).isZero();
    assertThat(endToEnd.path("recordsPerSecond").asDouble()).isPositive();
    assertThat(endToEnd.path("latencyMillis").path("count").asLong())
        .isEqualTo(endToEnd.path("succeeded").asLong());
    assertThat(endToEnd.path("latencyMillis").path("p50").asDouble()).isPositive();
    assertThat(endToEnd.path("latencyMillis").path("p999").asDouble())
        .isGreaterThanOrEqualTo(endToEnd.path("latencyMillis").path("p99").asDouble());
    assertThat(endToEnd.path("latencyMillis").path("max").asDouble())
        .isGreaterThanOrEqualTo(endToEnd.path("latencyMillis").path("p999").asDouble());
    assertThat(endToEnd.path("gateway").has("cpuSecondsPer1000Records")).isTrue();
    assertThat(endToEnd.path("gateway").has("peakHeapBytes")).isTrue();
    assertThat(json.path("setup").path("marketplaces").size()).isEqualTo(2);
    assertThat(json.path("floor").isNull()).isTrue();
  }

  @Test
  void sendsTheRiskTrafficWithEveryRecordAccepted() throws IOException {
    CommandRun run = load("--traffic", "risk", "--batch-size", "20", "--format", "json");

    assertThat(run.status).as(run.err).isEqualTo(ExitCodes.OK);
    JsonNode endToEnd = JSON.readTree(run.out).path("endToEnd");
    assertThat(endToEnd.path("succeeded").asLong()).isPositive();
    assertThat(endToEnd.path("records").asLong())
        .isEqualTo(endToEnd.path("succeeded").asLong() * 20)
        .isEqualTo(endToEnd.path("accepted").asLong());
    assertThat(endToEnd.path("rejected").asLong()).isZero();
    assertThat(endToEnd.path("repeats").asLong()).isZero();
    assertThat(endToEnd.path("errors").size()).isZero();
  }

  @Test
  void refusesAnUnknownTraffic() {
    CommandRun run = load("--traffic", "fraud");

    assertThat(run.status).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("--traffic is sample or risk");
  }

  @Test
  void countsRefusalsByTheirProblemCode() throws IOException {
    CommandRun run =
        load("--batch-size", "2", "--marketplaces", "marketplace-suspended", "--format", "json");

    assertThat(run.status).as(run.err).isEqualTo(ExitCodes.REFUSED);
    JsonNode endToEnd = JSON.readTree(run.out).path("endToEnd");
    assertThat(endToEnd.path("succeeded").asLong()).isZero();
    assertThat(endToEnd.path("records").asLong()).isZero();
    assertThat(endToEnd.path("errors").path("partner_suspended").asLong())
        .isPositive()
        .isEqualTo(endToEnd.path("requests").asLong());
    assertThat(endToEnd.path("transportErrors").size()).isZero();
  }

  @Test
  void countsCallsToWhoamiAsRequestsWithoutRecords() throws IOException {
    CommandRun run = load("--path", "whoami", "--format", "json");

    assertThat(run.status).as(run.err).isEqualTo(ExitCodes.OK);
    JsonNode endToEnd = JSON.readTree(run.out).path("endToEnd");
    assertThat(endToEnd.path("succeeded").asLong()).isPositive();
    assertThat(endToEnd.path("records").asLong()).isZero();
    assertThat(endToEnd.path("errors").size()).isZero();
    assertThat(json(run).path("setup").path("path").asText()).isEqualTo("/v1/whoami");
  }

  @Test
  void floorRunsTheRecordsThroughTheGatewaysPipelineInThisProcess() throws IOException {
    CommandRun run =
        new CommandRun(
            "load",
            "--pki",
            pki.root().toString(),
            "--audience",
            GATEWAY_ID,
            "--floor-only",
            "--batch-size",
            "5",
            "--concurrency",
            "2",
            "--warmup",
            "1s",
            "--duration",
            "1s",
            "--format",
            "json");

    assertThat(run.status).as(run.err).isEqualTo(ExitCodes.OK);
    JsonNode json = JSON.readTree(run.out);
    JsonNode floor = json.path("floor");
    assertThat(floor.path("records").asLong()).isPositive();
    assertThat(floor.path("accepted").asLong()).isEqualTo(floor.path("records").asLong());
    assertThat(floor.path("failures").asLong()).isZero();
    assertThat(floor.path("cpuSecondsPer1000Records").asDouble()).isPositive();
    assertThat(json.path("endToEnd").isNull()).isTrue();
  }

  @Test
  void refusesAFloorOfWhoamiCalls() {
    CommandRun run =
        new CommandRun("load", "--pki", pki.root().toString(), "--floor", "--path", "whoami");

    assertThat(run.status).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("the floor runs batches");
  }

  private static JsonNode json(CommandRun run) throws IOException {
    return JSON.readTree(run.out);
  }

  /** A short run against the test gateway: 1 s warm-up, 1 s timed, few requests in flight. */
  private static CommandRun load(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "load",
                "--url",
                "https://localhost:" + gateway.partnerPort(),
                "--ops",
                "http://127.0.0.1:" + gateway.opsPort(),
                "--pki",
                pki.root().toString(),
                "--audience",
                GATEWAY_ID,
                "--concurrency",
                "2",
                "--warmup",
                "1s",
                "--duration",
                "1s",
                "--prepare-ahead",
                "50"));
    all.addAll(List.of(args));
    return new CommandRun(all.toArray(new String[0]));
  }
}
