package org.parcelgate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.ProjectFiles;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The integrator examples of examples/python and examples/javascript, run as real processes
 * (Debian's Python 3, Node.js with the packages of the example's lock file, installed by
 * scripts/ensure-test-tools) against an in-process gateway over mutual TLS, with the sample
 * partners' credentials: each reaches a verified receipt for a batch the gateway then holds, and
 * fails with its exit code when a file is wrong or the gateway refuses.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class IntegratorExamplesTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final Pattern BATCH =
      Pattern.compile(
          "^batch ([0-9a-f-]{36}): HTTP 202, 3 records: 3 accepted, 0 unchanged, 0 rejected$",
          Pattern.MULTILINE);

  private static Vertx vertx;
  private static TestGateway.Running gateway;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    gateway = Await.result(TestGateway.start(vertx, PKI));
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
    Await.result(vertx.close());
  }

  /** A finished run of an example. */
  record Run(int exitCode, String stdout, String stderr) {}

  @Test
  void pythonExampleReachesAVerifiedReceipt() throws Exception {
    assertReachedVerifiedReceipt(
        python(environment("marketplace-alpha", "ES256")), "marketplace-alpha");
  }

  @Test
  void javascriptExampleReachesAVerifiedReceipt() throws Exception {
    assertReachedVerifiedReceipt(
        javascript(environment("marketplace-alpha", "EdDSA")), "marketplace-alpha");
  }

  @Test
  void javascriptExampleSignsWithAnRsaKeyToo() throws Exception {
    assertReachedVerifiedReceipt(
        javascript(environment("marketplace-beta", "PS256")), "marketplace-beta");
  }

  @Test
  void pythonExampleSignsWithAnEd25519KeyToo() throws Exception {
    assertReachedVerifiedReceipt(
        python(environment("marketplace-alpha", "EdDSA")), "marketplace-alpha");
  }

  @Test
  void pythonExampleSendsAnUncompressedContainerToo() throws Exception {
    // The default above is deflate, which Apache avro for Python ends with checksum bytes.
    assertReachedVerifiedReceipt(
        python(environment("marketplace-alpha", "ES256"), "--codec", "null"), "marketplace-alpha");
  }

  @Test
  void pythonTokenMakerPrintsATokenTheGatewayAccepts() throws Exception {
    Run run =
        run(
            environment("marketplace-alpha", "EdDSA"),
            "/usr/bin/python3",
            ProjectFiles.resolve("examples/python/make_token.py").toString());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    Identity alpha = PKI.identity("marketplace-alpha");

    try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, gateway.partnerPort())) {
      HttpResponse<Buffer> whoami = Await.result(client.get("/v1/whoami", run.stdout().trim()));
      assertThat(whoami.statusCode()).as(whoami.bodyAsString()).isEqualTo(200);
      assertThat(whoami.bodyAsJsonObject().getString("keyId"))
          .isEqualTo(alpha.signingKey("EdDSA").getKeyID());
      HttpResponse<Buffer> again = Await.result(client.get("/v1/whoami", run.stdout().trim()));
      assertThat(again.bodyAsJsonObject().getString("code")).isEqualTo("token_replayed");
    }
  }

  @Test
  void examplesExitWithTwoWhenTheKeyFileIsMissing() throws Exception {
    Map<String, String> env = environment("marketplace-alpha", "ES256");
    env.put("PARCELGATE_KEY", env.get("PARCELGATE_KEY") + ".missing");

    for (Run run : List.of(python(env), javascript(env))) {
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
      assertThat(run.stderr()).contains("--key: no such file");
      assertThat(run.stdout()).doesNotContain("RESULT");
    }
  }

  @Test
  void examplesExitWithOneWhenTheGatewayRefusesTheToken() throws Exception {
    // alpha's certificate with beta's signing key: the gateway answers 401 unknown_key.
    Map<String, String> env = environment("marketplace-alpha", "ES256");
    env.put("PARCELGATE_SIGNING_KEY", signingKeyFile(PKI.identity("marketplace-beta"), "PS256"));

    for (Run run : List.of(python(env), javascript(env))) {
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.stderr()).contains("401 unknown_key");
      assertThat(run.stdout()).doesNotContain("RESULT");
    }
  }

  @Test
  void examplesExitWithOneWhenTheGatewayIsNotTheOneTheCaVouchesFor() throws Exception {
    Map<String, String> env = environment("marketplace-alpha", "ES256");
    env.put("PARCELGATE_TRUST_ANCHOR", PKI.untrustedCaCertificate().toString());

    for (Run run : List.of(python(env), javascript(env))) {
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.stderr()).contains("TLS");
      assertThat(run.stdout()).doesNotContain("RESULT");
    }
  }

  private static void assertReachedVerifiedReceipt(Run run, String partner) {
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("receipt verified").contains("RESULT: verified receipt");
    Matcher batch = BATCH.matcher(run.stdout());
    assertThat(batch.find()).as(run.stdout()).isTrue();
    // The gateway holds the batch the example reported, as the sender's.
    Identity sender = PKI.identity(partner);
    String alg = sender.signingKeys().get(0).getAlgorithm().getName();
    String token =
        RequestTokens.of(sender, alg, TestGateway.GATEWAY_ID, Instant.now())
            .body(new byte[0])
            .sign();
    try (PartnerClient client = PartnerClient.of(vertx, PKI, sender, gateway.partnerPort())) {
      HttpResponse<Buffer> stored =
          Await.result(client.get("/v1/batches/" + batch.group(1), token));
      assertThat(stored.statusCode()).as(stored.bodyAsString()).isEqualTo(200);
      assertThat(stored.bodyAsJsonObject().getInteger("accepted")).isEqualTo(3);
    }
  }

  private static Map<String, String> environment(String partner, String alg) throws IOException {
    Identity identity = PKI.identity(partner);
    Map<String, String> env = new java.util.HashMap<>();
    env.put("PARCELGATE_URL", "https://localhost:" + gateway.partnerPort());
    env.put("PARCELGATE_TRUST_ANCHOR", PKI.trustAnchor().toString());
    env.put("PARCELGATE_CERT", identity.certificate().toString());
    env.put("PARCELGATE_KEY", identity.privateKey().toString());
    env.put("PARCELGATE_SIGNING_KEY", signingKeyFile(identity, alg));
    env.put("PARCELGATE_PARTNER", identity.partnerId());
    env.put("PARCELGATE_AUDIENCE", TestGateway.GATEWAY_ID);
    return env;
  }

  /** The sample PKI's private signing JWK file of a partner's key for an algorithm. */
  private static String signingKeyFile(Identity identity, String alg) {
    String kid = identity.signingKey(alg).getKeyID();
    Path file =
        identity.certificate().getParent().resolve("signing-" + kid + ".SAMPLE-ONLY.jwk.json");
    assertThat(file).exists();
    return file.toString();
  }

  private static Run python(Map<String, String> env, String... options) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/python3",
                ProjectFiles.resolve("examples/python/push_batch.py").toString()));
    command.addAll(List.of(options));
    return run(env, command.toArray(String[]::new));
  }

  private static Run javascript(Map<String, String> env) throws Exception {
    Path directory = ProjectFiles.resolve("examples/javascript");
    assertThat(directory.resolve("node_modules"))
        .as("node_modules of examples/javascript: scripts/ensure-test-tools installs them")
        .isDirectory();
    return run(env, "node", directory.resolve("push-batch.mjs").toString());
  }

  private static Run run(Map<String, String> env, String... command) throws Exception {
    Path stdout = Files.createTempFile("example", ".out");
    Path stderr = Files.createTempFile("example", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(new ArrayList<>(List.of(command)))
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().keySet().removeIf(name -> name.startsWith("PARCELGATE_"));
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
      }
      return new Run(
          process.exitValue(),
          Files.readString(stdout, StandardCharsets.UTF_8),
          Files.readString(stderr, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }
}
