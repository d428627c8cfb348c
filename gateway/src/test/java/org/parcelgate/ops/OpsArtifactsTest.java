package org.parcelgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.app.Gateway;
import org.parcelgate.app.Main;
import org.parcelgate.config.ConfigLoader;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.CustomsReceiver;
import org.parcelgate.testing.GatewayProcess;
import org.parcelgate.testing.MetricsScrape;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The operator files shipped in {@code ops/}: the Prometheus alert rules pass {@code promtool check
 * rules} and their unit tests ({@code promtool test rules}), and every metric the rules and the
 * Grafana dashboard query is one a real gateway exports, so neither can drift from the code.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class OpsArtifactsTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final Path OPS = projectRoot().resolve("ops");
  private static final Path ALERTS = OPS.resolve("prometheus/alerts.yml");
  private static final Path ALERT_TESTS = OPS.resolve("prometheus/alerts.test.yml");
  private static final Path DASHBOARD = OPS.resolve("grafana/parcelgate.json");
  private static final Pattern METRIC =
      Pattern.compile("\\b(?:parcelgate|vertx|jvm|process|system)_[a-zA-Z0-9_]+\\b");

  @Test
  void alertRulesPassPromtoolCheck() throws Exception {
    assertThat(promtool("check", "rules", ALERTS.getFileName().toString())).contains("SUCCESS");
  }

  @Test
  void alertRulesPassTheirPromtoolUnitTests() throws Exception {
    assertThat(promtool("test", "rules", ALERT_TESTS.getFileName().toString())).contains("SUCCESS");
  }

  @Test
  void everyMetricOfTheRulesAndTheDashboardIsExportedByTheGateway(Vertx vertx) throws Exception {
    Set<String> used = new TreeSet<>();
    used.addAll(metrics(alertExpressions()));
    used.addAll(metrics(dashboardExpressions()));
    assertThat(used)
        .as("the rules and the dashboard query the gateway's metrics")
        .contains(
            "parcelgate_tls_server_certificate_expiry_seconds",
            "parcelgate_tls_crl_next_update_seconds",
            "parcelgate_delivery_dead_letters",
            "parcelgate_partner_requests_total");

    MetricsScrape scrape = scrapeOfAGatewayThatPushes(vertx);

    assertThat(scrape.sampleNames()).containsAll(used);
  }

  /**
   * A gateway as {@link Main} starts it (Vert.x and JVM meters on), pushing to one recipient, after
   * one partner request and one certificate seen.
   */
  private static MetricsScrape scrapeOfAGatewayThatPushes(Vertx vertx) throws IOException {
    Map<String, String> env = TestGateway.environment(PKI);
    // Nothing is stored, so nothing is pushed: the endpoint need not answer.
    env.putAll(
        CustomsReceiver.pushEnvironment(
            PKI,
            "customs-nl",
            "https://localhost:" + GatewayProcess.freePort() + "/parcelgate/records"));
    // A witness, unreachable: its submission counters are there from the start.
    env.put(
        "PARCELGATE_PRIVACY_WITNESSES",
        "http://127.0.0.1:"
            + GatewayProcess.freePort()
            + "/ "
            + org.parcelgate.witness.Witness.open(
                    "dpa.example/witness",
                    List.of(),
                    java.nio.file.Files.createTempDirectory("ops-witness"),
                    Clock.systemUTC())
                .verifierKey()
                .encode());
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx gatewayVertx = Main.instrumentedVertx(meters);
    try {
      Gateway gateway =
          Await.result(
              ConfigLoader.load(gatewayVertx, Optional.empty(), env)
                  .compose(
                      config -> Gateway.start(gatewayVertx, config, meters, Clock.systemUTC())));
      try {
        Identity alpha = PKI.identity("marketplace-alpha");
        String token =
            RequestTokens.of(alpha, "ES256", TestGateway.GATEWAY_ID, Instant.now()).sign();
        try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, gateway.partnerPort())) {
          assertThat(Await.result(client.get(PartnerApiRouter.WHOAMI_PATH, token)).statusCode())
              .isEqualTo(200);
        }
        MetricsScrape.of(vertx, gateway.opsPort());
        return MetricsScrape.of(vertx, gateway.opsPort());
      } finally {
        Await.result(gateway.stop());
      }
    } finally {
      Await.result(gatewayVertx.close());
    }
  }

  /** The {@code expr} of every rule, one-line or block. */
  private static List<String> alertExpressions() throws IOException {
    List<String> expressions = new ArrayList<>();
    List<String> lines = Files.readAllLines(ALERTS, StandardCharsets.UTF_8);
    Pattern expr = Pattern.compile("^(\\s*)expr:\\s*(.*)$");
    for (int i = 0; i < lines.size(); i++) {
      Matcher start = expr.matcher(lines.get(i));
      if (!start.matches()) {
        continue;
      }
      if (!start.group(2).equals("|") && !start.group(2).equals(">-")) {
        expressions.add(start.group(2));
        continue;
      }
      StringBuilder block = new StringBuilder();
      int indent = start.group(1).length();
      while (i + 1 < lines.size()
          && (lines.get(i + 1).isBlank() || leading(lines.get(i + 1)) > indent)) {
        block.append(lines.get(++i)).append('\n');
      }
      expressions.add(block.toString());
    }
    assertThat(expressions).as("expressions in %s", ALERTS).hasSizeGreaterThanOrEqualTo(6);
    return expressions;
  }

  /** The query of every panel target and template variable. */
  private static List<String> dashboardExpressions() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD, StandardCharsets.UTF_8));
    List<String> expressions = new ArrayList<>();
    for (Object panel : dashboard.getJsonArray("panels")) {
      JsonArray targets = ((JsonObject) panel).getJsonArray("targets", new JsonArray());
      for (Object target : targets) {
        expressions.add(((JsonObject) target).getString("expr"));
      }
    }
    for (Object variable : dashboard.getJsonObject("templating").getJsonArray("list")) {
      String definition = ((JsonObject) variable).getString("definition");
      if (definition != null) {
        expressions.add(definition);
      }
    }
    assertThat(expressions).as("queries in %s", DASHBOARD).hasSizeGreaterThanOrEqualTo(10);
    return expressions;
  }

  private static Set<String> metrics(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String expression : expressions) {
      Matcher name = METRIC.matcher(expression);
      while (name.find()) {
        names.add(name.group());
      }
    }
    return names;
  }

  private static int leading(String line) {
    int spaces = 0;
    while (spaces < line.length() && line.charAt(spaces) == ' ') {
      spaces++;
    }
    return spaces;
  }

  /** Runs promtool in ops/prometheus; fails with its output unless it exits 0. */
  private static String promtool(String... arguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("promtool");
    command.addAll(List.of(arguments));
    Process process =
        new ProcessBuilder(command)
            .directory(OPS.resolve("prometheus").toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(process.exitValue()).as("promtool %s:%n%s", command, output).isZero();
    return output;
  }

  /** The project root: the gateway module's parent, where the tests run. */
  private static Path projectRoot() {
    Path module = Path.of("").toAbsolutePath();
    Path root = Files.isDirectory(module.resolve("ops")) ? module : module.getParent();
    if (!Files.isDirectory(root.resolve("ops"))) {
      throw new IllegalStateException("no ops/ directory beside " + module);
    }
    return root;
  }
}
