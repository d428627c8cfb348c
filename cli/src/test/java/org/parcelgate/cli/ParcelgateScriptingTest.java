package org.parcelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.app.EmbeddedGateway;
import org.parcelgate.client.Batches;
import org.parcelgate.client.ClientIdentity;
import org.parcelgate.client.TransactionJson;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.protocol.Digests;
import org.parcelgate.protocol.Receipt;
import picocli.CommandLine;

/**
 * The command as scripts and people in other directories use it: tokens for other tools, settings
 * from the environment and a profile, an installation found from anywhere, receipts kept, JSON
 * output, and local mistakes named as local mistakes. Against a real gateway over mutual TLS.
 */
@Timeout(180)
class ParcelgateScriptingTest {
  private static final String GATEWAY_ID = "parcelgate-scripting-test";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path directory;

  /** An installation: the directory the script would pass as parcelgate.home. */
  private static Path home;

  private static SamplePki pki;
  private static EmbeddedGateway gateway;
  private static String url;

  @BeforeAll
  static void startGateway() {
    home = directory.resolve("installation");
    pki = SamplePki.generate(home.resolve("keys-sample/generated"), Clock.systemUTC());
    gateway = EmbeddedGateway.start(pki.gatewaySettings(GATEWAY_ID, directory.resolve("data")));
    url = "https://localhost:" + gateway.partnerPort();
  }

  @AfterAll
  static void stopGateway() {
    gateway.close();
  }

  @Test
  void printsATokenTheGatewayAcceptsOnce() throws Exception {
    CommandRun token = run(Map.of(), "token", "--as", "customs-nl", "--alg", "ES256");

    HttpResponse<String> first = call("customs-nl", "GET", token.out.trim(), null);
    HttpResponse<String> again = call("customs-nl", "GET", token.out.trim(), null);

    assertThat(token.status).isEqualTo(ExitCodes.OK);
    assertThat(token.out.lines().toList()).hasSize(1);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(first.body()).path("partnerId").asText()).isEqualTo("customs-nl");
    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(again.body()).contains("token_replayed");
  }

  @Test
  void bindsATokenToTheBodyItWasMadeFor() throws Exception {
    Path body = directory.resolve("body.json");
    Files.writeString(body, "{\"records\":[]}");
    String forBody = run(Map.of(), "token", "--method", "POST", "--body", body.toString()).out;
    String forOtherBytes =
        run(Map.of(), "token", "--method", "POST", "--body", body.toString()).out;
    String withoutBody = run(Map.of(), "token", "--method", "POST").out;

    HttpResponse<String> accepted =
        call("marketplace-alpha", "POST", forBody.trim(), Files.readAllBytes(body));
    HttpResponse<String> otherBytes =
        call("marketplace-alpha", "POST", forOtherBytes.trim(), "{}".getBytes());
    HttpResponse<String> emptyBody =
        call("marketplace-alpha", "POST", withoutBody.trim(), new byte[0]);

    // The token passed every check; only routing refuses a POST to whoami.
    assertThat(accepted.statusCode()).isEqualTo(405);
    assertThat(otherBytes.statusCode()).isEqualTo(401);
    assertThat(otherBytes.body()).contains("digest_mismatch");
    assertThat(emptyBody.statusCode()).isEqualTo(405);
  }

  @Test
  void describesTheTokenAsOneJsonDocument() throws IOException {
    CommandRun token =
        run(Map.of(), "token", "--json", "--as", "marketplace-beta", "--alg", "PS256");

    JsonNode document = onlyDocument(token.out);
    assertThat(token.status).isEqualTo(ExitCodes.OK);
    assertThat(document.path("partnerId").asText()).isEqualTo("marketplace-beta");
    assertThat(document.path("audience").asText()).isEqualTo(GATEWAY_ID);
    assertThat(document.path("keyId").asText()).isEqualTo("marketplace-beta-ps256-1");
    assertThat(document.path("token").asText().split("\\.")).hasSize(3);
    assertThat(document.get("bodySha256").isNull()).isTrue();
    assertThat(document.fieldNames())
        .toIterable()
        .containsExactly(
            "token",
            "partnerId",
            "keyId",
            "audience",
            "jti",
            "issuedAt",
            "expiresAt",
            "bodySha256");
  }

  @Test
  void takesEachSettingFromTheOptionThenTheEnvironmentThenTheProfile() throws IOException {
    Path profile = directory.resolve("profiles/customs.properties");
    Files.createDirectories(profile.getParent());
    // A relative path in a profile is relative to the profile's directory.
    Files.writeString(
        profile,
        "url = https://localhost:1\n"
            + "audience = "
            + GATEWAY_ID
            + "\n"
            + "pki = ../installation/keys-sample/generated\n"
            + "as = customs-de\n");
    Map<String, String> goodUrl = Map.of("PARCELGATE_URL", url);
    Map<String, String> asNl = Map.of("PARCELGATE_URL", url, "PARCELGATE_AS", "customs-nl");

    CommandRun fromProfile = whoami(goodUrl, "--profile", profile.toString());
    CommandRun fromEnvironment = whoami(asNl, "--profile", profile.toString());
    CommandRun fromOption =
        whoami(asNl, "--profile", profile.toString(), "--as", "privacy-officer");
    CommandRun profileUrl = whoami(Map.of(), "--profile", profile.toString());
    CommandRun optionUrl =
        whoami(
            Map.of("PARCELGATE_URL", "https://localhost:1"),
            "--profile",
            profile.toString(),
            "--url",
            url);
    CommandRun namedByVariable =
        whoami(Map.of("PARCELGATE_URL", url, "PARCELGATE_PROFILE", profile.toString()));

    assertThat(partnerOf(fromProfile)).isEqualTo("customs-de");
    assertThat(partnerOf(fromEnvironment)).isEqualTo("customs-nl");
    assertThat(partnerOf(fromOption)).isEqualTo("privacy-officer");
    assertThat(profileUrl.status).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(profileUrl.err).contains("https://localhost:1");
    assertThat(partnerOf(optionUrl)).isEqualTo("customs-de");
    assertThat(partnerOf(namedByVariable)).isEqualTo("customs-de");
  }

  @Test
  void readsTheDefaultProfileAndRefusesAnUnknownKey() throws IOException {
    Path user = directory.resolve("user");
    Path profile = user.resolve(".config/parcelgate/profile");
    Files.createDirectories(profile.getParent());
    Files.writeString(
        profile, "url = " + url + "\naudience = " + GATEWAY_ID + "\npki = " + pki.root() + "\n");

    CommandRun defaults = new CommandRun(Map.of(), user, "whoami", "--json");
    Files.writeString(profile, "url = " + url + "\nusername = alpha\n");
    CommandRun unknown = new CommandRun(Map.of(), user, "whoami");
    CommandRun missing = new CommandRun(Map.of(), user, "whoami", "--profile", "no-such-profile");

    assertThat(partnerOf(defaults)).isEqualTo("marketplace-alpha");
    assertThat(unknown.status).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err).contains("unknown key username");
    assertThat(missing.status).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err).contains("no profile file no-such-profile");
  }

  @Test
  void findsTheInstallationFromAnotherDirectoryAndTakesGivenPathsAsGiven() throws Exception {
    Path elsewhere = Files.createDirectories(directory.resolve("elsewhere"));
    Path batch = sample(elsewhere.resolve("orders.json"), 2, 9_100_000);
    String[] push = {"push", "--url", url, "--audience", GATEWAY_ID, "orders.json"};

    Process installed = java(elsewhere, Map.of(), "-Dparcelgate.home=" + home, push);
    Process bare = java(elsewhere, Map.of(), "-Dparcelgate.home=", push);

    assertThat(exit(installed)).isEqualTo(ExitCodes.OK);
    assertThat(output(installed)).contains("stored: 2 records, 2 accepted");
    assertThat(exit(bare)).isEqualTo(ExitCodes.USAGE);
    assertThat(errors(bare)).contains("cannot read the PKI directory keys-sample/generated");
    assertThat(batch).exists();
  }

  @Test
  void savesAReceiptThatVerifiesWithTheGatewaysKeys() throws Exception {
    Path batch = sample(directory.resolve("receipt.json"), 3, 9_200_000);
    Path receiptFile = directory.resolve("receipt.jws");

    CommandRun run = run(Map.of(), "push", "--receipt", receiptFile.toString(), batch.toString());

    String jws = Files.readString(receiptFile).trim();
    JWKSet keys = new JWKSet(JWK.parse(Files.readString(pki.gatewaySigningKey())).toPublicJWK());
    Receipt receipt = Receipt.verify(jws, keys);
    byte[] body = Batches.write(TransactionJson.read(Files.newInputStream(batch)));
    assertThat(run.status).isEqualTo(ExitCodes.OK);
    assertThat(run.out).contains("receipt saved to " + receiptFile);
    assertThat(receipt.marketplaceId()).isEqualTo("marketplace-alpha");
    assertThat(receipt.accepted()).isEqualTo(3);
    assertThat(receipt.bodySha256()).isEqualTo(Digests.sha256Base64Url(body));
    String tampered = jws.substring(0, jws.length() - 4) + (jws.endsWith("AAAA") ? "BBBB" : "AAAA");
    assertThatThrownBy(() -> Receipt.verify(tampered, keys))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void namesEachRejectedRecordByItsTransactionIdInTextAndJson() throws IOException {
    Path batch = sample(directory.resolve("rejected.json"), 3, 9_300_000);
    Files.writeString(
        batch,
        Files.readString(batch).replaceFirst("\"hsCode\" : \"[0-9]+\"", "\"hsCode\" : \"12\""));
    String rejectedId =
        TransactionJson.read(Files.newInputStream(batch)).get(0).getTransactionId().toString();
    Path avro = directory.resolve("rejected.avro");
    Files.write(avro, Batches.write(TransactionJson.read(Files.newInputStream(batch))));

    CommandRun text = run(Map.of(), "push", batch.toString());
    CommandRun json = run(Map.of(), "push", "--json", avro.toString());

    assertThat(text.status).isEqualTo(ExitCodes.RECORDS_REJECTED);
    assertThat(text.out).contains("record 0 (transaction " + rejectedId + "): items[0].hsCode");
    JsonNode document = onlyDocument(json.out);
    assertThat(json.status).isEqualTo(ExitCodes.RECORDS_REJECTED);
    assertThat(document.path("repeat").asBoolean()).isTrue();
    assertThat(document.path("rejected").asInt()).isEqualTo(1);
    assertThat(document.path("receipt").path("verified").asBoolean()).isTrue();
    JsonNode rejected = document.path("rejectedRecords").get(0);
    assertThat(rejected.path("index").asInt()).isZero();
    assertThat(rejected.path("transactionId").asText()).isEqualTo(rejectedId);
    assertThat(rejected.path("errors").get(0).path("field").asText()).isEqualTo("items[0].hsCode");
  }

  @Test
  void printsPullAndWhoamiSummariesAsOneJsonDocument() throws IOException {
    run(Map.of(), "push", sample(directory.resolve("feed.json"), 6, 9_400_000).toString());

    CommandRun pull =
        run(Map.of(), "pull", "price", "--as", "customs-nl", "--limit", "2", "--all", "--json");
    CommandRun whoami = run(Map.of(), "whoami", "--json", "--as", "customs-de");

    JsonNode feed = onlyDocument(pull.out);
    assertThat(pull.status).isEqualTo(ExitCodes.OK);
    assertThat(feed.path("feed").asText()).isEqualTo("price");
    assertThat(feed.path("signaturesVerified").asBoolean()).isTrue();
    assertThat(feed.path("more").asBoolean()).isFalse();
    assertThat(feed.path("records").size())
        .isEqualTo(feed.path("recordCount").asInt())
        .isPositive();
    assertThat(feed.path("pages").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(feed.path("nextCursor").asText()).isNotEmpty();
    JsonNode me = onlyDocument(whoami.out);
    assertThat(me.path("partnerId").asText()).isEqualTo("customs-de");
    assertThat(me.path("role").asText()).isEqualTo("customs");
    assertThat(me.path("url").asText()).isEqualTo(url);
  }

  @Test
  void namesTheLineColumnAndReasonOfAJsonSyntaxError() throws IOException {
    Path broken = directory.resolve("broken.json");
    Files.writeString(
        broken, "[\n  {\"transactionId\": \"ORD-1\"\n   \"marketplaceId\": \"m\"}\n]\n");

    CommandRun run = run(Map.of(), "push", broken.toString());

    assertThat(run.status).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err)
        .contains(broken + ": the file is not JSON: line 3, column 4: ")
        .contains("was expecting comma")
        .doesNotContain("sending");
  }

  @Test
  void refusesAKeyThatDoesNotMatchItsCertificateBeforeConnecting() throws IOException {
    Identity alpha = pki.identity("marketplace-alpha");
    Identity beta = pki.identity("marketplace-beta");
    Path jwk = directory.resolve("alpha-es256.jwk.json");
    Files.writeString(jwk, alpha.signingKey("ES256").toJSONString());
    String[] identity = {
      "--partner", "marketplace-alpha",
      "--cert", alpha.certificate().toString(),
      "--trust-anchor", pki.trustAnchor().toString(),
      "--signing-key", jwk.toString(),
      // Nothing listens there: a connection attempt would be "no answer".
      "--url", "https://localhost:" + closedPort()
    };
    List<String> mismatched =
        new ArrayList<>(List.of("whoami", "--key", beta.privateKey().toString()));
    mismatched.addAll(List.of(identity));
    List<String> matching =
        new ArrayList<>(List.of("whoami", "--key", alpha.privateKey().toString()));
    matching.addAll(List.of(identity));

    CommandRun wrongKey = new CommandRun(Map.of(), null, mismatched.toArray(new String[0]));
    CommandRun rightKey = new CommandRun(Map.of(), null, matching.toArray(new String[0]));

    assertThat(wrongKey.status).isEqualTo(ExitCodes.USAGE);
    assertThat(wrongKey.err)
        .contains(
            "the private key "
                + beta.privateKey()
                + " does not match the certificate "
                + alpha.certificate())
        .doesNotContain("no answer")
        .doesNotContain("TLS");
    assertThat(rightKey.status).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(
            ClientIdentity.keyMatches(
                alpha.x509(), ClientIdentity.readPrivateKey(beta.privateKey())))
        .isFalse();
  }

  @Test
  void saysThatTheConnectionWasRefused() throws IOException {
    CommandRun run =
        new CommandRun(
            Map.of(),
            null,
            "whoami",
            "--pki",
            pki.root().toString(),
            "--url",
            "https://localhost:" + closedPort());

    assertThat(run.status).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err).contains("no answer from").contains("connection refused");
  }

  @Test
  void tellsATlsFailureFromARefusedConnection() {
    // The ops port answers, but in plain HTTP.
    CommandRun run =
        new CommandRun(
            Map.of(),
            null,
            "whoami",
            "--pki",
            pki.root().toString(),
            "--url",
            "https://localhost:" + gateway.opsPort());

    assertThat(run.status).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err).contains("TLS").doesNotContain("connection refused");
  }

  @Test
  void serveNamesTheAddressAlreadyInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Map<String, String> settings =
          new HashMap<>(pki.gatewaySettings(GATEWAY_ID, directory.resolve("serve-data")));
      settings.put("PARCELGATE_PARTNER_API_HOST", "127.0.0.1");
      settings.put("PARCELGATE_PARTNER_API_PORT", Integer.toString(port));

      Process serve = java(directory, settings, "-Dparcelgate.home=" + home, "serve");

      assertThat(exit(serve)).isEqualTo(ExitCodes.FAILURE);
      assertThat(errors(serve))
          .contains("partner-api.port: cannot listen on 127.0.0.1:" + port)
          .containsIgnoringCase("address already in use");
    }
  }

  @Test
  void everyCommandsSummaryIsAWholeSentence() {
    List<String> cut = new ArrayList<>();
    collectSummaries(ParcelgateCommand.commandLine(), cut);

    assertThat(cut).isEmpty();
  }

  private static void collectSummaries(CommandLine line, List<String> cut) {
    for (CommandLine sub : line.getSubcommands().values()) {
      String[] description = sub.getCommandSpec().usageMessage().description();
      String summary = description.length == 0 ? "" : description[0].strip();
      if (!summary.endsWith(".")) {
        cut.add(sub.getCommandSpec().qualifiedName() + ": " + summary);
      }
      collectSummaries(sub, cut);
    }
  }

  private static CommandRun whoami(Map<String, String> environment, String... args) {
    List<String> all = new ArrayList<>(List.of("whoami", "--json"));
    all.addAll(List.of(args));
    return new CommandRun(environment, directory.resolve("no-user"), all.toArray(new String[0]));
  }

  private static String partnerOf(CommandRun run) throws IOException {
    assertThat(run.status).as(run.err).isEqualTo(ExitCodes.OK);
    return onlyDocument(run.out).path("partnerId").asText();
  }

  /** The one JSON document of an output, nothing before or after it. */
  private static JsonNode onlyDocument(String out) throws IOException {
    try (var parser = JSON.createParser(out)) {
      JsonNode document = JSON.readTree(parser);
      assertThat(parser.nextToken()).as("anything after the document").isNull();
      return document;
    }
  }

  private static Path sample(Path file, int count, int first) {
    CommandRun run =
        new CommandRun(
            Map.of(),
            null,
            "sample",
            "--count",
            Integer.toString(count),
            "--first",
            Integer.toString(first),
            file.toString());
    assertThat(run.status).isZero();
    return file;
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A call with a given token over mutual TLS as a sample partner, as curl would make it. */
  private static HttpResponse<String> call(String partner, String method, String token, byte[] body)
      throws Exception {
    Identity identity = pki.identity(partner);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "client",
        ClientIdentity.readPrivateKey(identity.privateKey()),
        new char[0],
        ClientIdentity.readCertificates(identity.certificate()).toArray(new X509Certificate[0]));
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, new char[0]);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ClientIdentity.readCertificates(pki.trustAnchor()).get(0));
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    HttpClient http =
        HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + "/v1/whoami"))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** The command in a JVM of its own, in {@code workingDirectory}, as the script starts it. */
  private static Process java(
      Path workingDirectory, Map<String, String> environment, String property, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(property);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ParcelgateCommand.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
    builder.environment().putAll(environment);
    Path out = Files.createTempFile(directory, "out", ".txt");
    Path err = Files.createTempFile(directory, "err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    OUTPUTS.put(process, new Path[] {out, err});
    return process;
  }

  private static final Map<Process, Path[]> OUTPUTS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static int exit(Process process) throws InterruptedException {
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the command did not end");
    }
    return process.exitValue();
  }

  private static String output(Process process) throws IOException {
    return Files.readString(OUTPUTS.get(process)[0]);
  }

  private static String errors(Process process) throws IOException {
    return Files.readString(OUTPUTS.get(process)[1]);
  }

  /** Runs against the test gateway: its URL, audience and PKI as options, before the others. */
  private static CommandRun run(Map<String, String> environment, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(1, List.of("--url", url, "--audience", GATEWAY_ID, "--pki", pki.root().toString()));
    return new CommandRun(environment, directory.resolve("no-user"), all.toArray(new String[0]));
  }
}
