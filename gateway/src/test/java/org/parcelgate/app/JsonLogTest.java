package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.logging.LogKeys;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.GatewayProcess;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.TestPki;

/**
 * With {@code log.format: json} every line the gateway writes is one JSON object, and every line
 * logged on behalf of a request names that request: many requests in flight at once, on several
 * event loops and worker threads, each line carries the id its own request was answered with.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class JsonLogTest {
  private static final SamplePki PKI = TestPki.shared();

  /**
   * All at once from one partner, but no more than it may have in flight
   * (partner-api.max-requests-in-flight-per-partner, 16 by default): the 17th could be a 429.
   */
  private static final int REQUESTS = 16;

  private static final String BAD_TOKEN =
      "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJl";

  /** One answered request: what it was, its id and the batch it stored, if any. */
  private record Answer(boolean batch, String requestId, String batchId) {}

  @Test
  void everyLineIsJsonAndRequestLinesCarryTheirOwnRequestId(Vertx vertx) throws Exception {
    Path data = TestPki.temporaryDirectory("json-log");
    Path log = data.resolve("gateway.log");
    GatewayProcess gateway =
        GatewayProcess.launch(
            PKI,
            data,
            log,
            GatewayProcess.freePort(),
            GatewayProcess.freePort(),
            Map.of("PARCELGATE_LOG_FORMAT", "json"));
    List<Answer> answers;
    try {
      gateway.awaitReady(vertx);
      Identity alpha = PKI.identity("marketplace-alpha");
      List<Future<Answer>> inFlight = new ArrayList<>();
      Instant ordered = Instant.now().minus(1, ChronoUnit.HOURS);
      try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, gateway.partnerPort())) {
        for (int i = 0; i < REQUESTS; i++) {
          if (i % 2 == 0) {
            inFlight.add(
                Partners.pushBatch(
                        vertx,
                        PKI,
                        "marketplace-alpha",
                        gateway.partnerPort(),
                        SampleTransactions.batch(i * 10, 2, ordered))
                    .map(JsonLogTest::batchAnswer));
          } else {
            inFlight.add(
                client
                    .get(PartnerApiRouter.WHOAMI_PATH, BAD_TOKEN)
                    .map(
                        response -> {
                          assertThat(response.statusCode()).isEqualTo(401);
                          return new Answer(false, requestId(response), null);
                        }));
          }
        }
        answers = Await.result(Future.all(inFlight)).list();
      }
    } finally {
      gateway.close();
    }

    List<JsonObject> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      try {
        lines.add(new JsonObject(line));
      } catch (DecodeException e) {
        throw new AssertionError("not one JSON object: " + line, e);
      }
    }
    assertThat(lines)
        .allSatisfy(
            line -> assertThat(line.fieldNames()).contains("time", "level", "logger", "message"));
    assertThat(lines).anyMatch(line -> line.getString("message").contains(" stopped"));
    assertThat(String.join("\n", Files.readAllLines(log))).doesNotContain(BAD_TOKEN);
    List<JsonObject> requestLines =
        lines.stream()
            .filter(
                line ->
                    line.getString("logger").endsWith(".ProblemHandler")
                        || line.getString("logger").endsWith(".BatchEndpoints"))
            .toList();
    assertThat(requestLines).hasSize(REQUESTS);
    assertThat(requestLines)
        .allSatisfy(
            line -> {
              assertThat(line.getString(LogKeys.REQUEST_ID)).isNotBlank();
              assertThat(line.getString(LogKeys.PARTNER)).isEqualTo("marketplace-alpha");
            });
    for (Answer answer : answers) {
      List<JsonObject> own =
          requestLines.stream()
              .filter(line -> answer.requestId().equals(line.getString(LogKeys.REQUEST_ID)))
              .toList();
      assertThat(own).as("the lines of request %s", answer.requestId()).hasSize(1);
      String message = own.get(0).getString("message");
      if (answer.batch()) {
        assertThat(message).startsWith("batch " + answer.batchId() + " from marketplace-alpha");
      } else {
        assertThat(message).startsWith("refused GET " + PartnerApiRouter.WHOAMI_PATH);
      }
    }
  }

  private static Answer batchAnswer(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    return new Answer(true, requestId(response), response.bodyAsJsonObject().getString("batchId"));
  }

  private static String requestId(HttpResponse<Buffer> response) {
    String id = response.getHeader("X-Request-Id");
    assertThat(id).isNotBlank();
    return id;
  }
}
