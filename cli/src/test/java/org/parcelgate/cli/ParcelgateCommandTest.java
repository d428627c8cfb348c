package org.parcelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
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
 * The command line as a script sees it: exit codes, what goes to standard output and error, against
 * a real gateway over mutual TLS.
 */
@Timeout(120)
class ParcelgateCommandTest {
  private static final String GATEWAY_ID = "parcelgate-cli-test";

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
  void pushesAJsonFileAndRecognizesARerunOfTheSameFile() {
    Path batch = sample("rerun.json", 4, 8_100_000);

    CommandRun first = run("push", batch.toString());
    CommandRun again = run("push", batch.toString());

    assertThat(first.status).isEqualTo(ExitCodes.OK);
    assertThat(first.out).contains("stored: 4 records, 4 accepted").contains("receipt verified");
    assertThat(first.err).contains("encoding 4 transactions");
    assertThat(again.status).isEqualTo(ExitCodes.OK);
    assertThat(again.out).contains("was already stored (same body)");
    assertThat(batchId(again.out)).isEqualTo(batchId(first.out));
  }

  @Test
  void listsRejectedRecordsAndExitsWithFour() throws IOException {
    Path batch = sample("rejected.json", 2, 8_200_000);
    Files.writeString(
        batch,
        Files.readString(batch).replaceFirst("\"hsCode\" : \"[0-9]+\"", "\"hsCode\" : \"12\""));

    CommandRun run = run("push", batch.toString());

    assertThat(run.status).isEqualTo(ExitCodes.RECORDS_REJECTED);
    assertThat(run.out)
        .contains("1 accepted")
        .contains("1 rejected")
        .contains("record 0 (transaction ORD-8200000): items[0].hsCode");
  }

  @Test
  void refusesAFileWithATypoBeforeSendingAnything() throws IOException {
    Path batch = sample("typo.json", 1, 8_300_000);
    Files.writeString(batch, Files.readString(batch).replaceFirst("\"carrier\"", "\"carier\""));

    CommandRun run = run("push", batch.toString());

    assertThat(run.status).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("transactions[0].shipment.carier is not a field of Shipment");
    assertThat(run.err).doesNotContain("sending");
  }

  @Test
  void refusesAnIncompleteOrUnreadableIdentityBeforeSendingAnything() {
    String batch = sample("identity.json", 1, 8_350_000).toString();

    CommandRun partnerOnly = run("push", "--partner", "marketplace-gamma", batch);
    CommandRun missingFiles =
        run(
            "push",
            "--partner",
            "marketplace-gamma",
            "--cert",
            "no-such.crt.pem",
            "--key",
            "no-such.key.pem",
            "--signing-key",
            "no-such.jwk.json",
            "--trust-anchor",
            pki.trustAnchor().toString(),
            batch);

    assertThat(partnerOnly.status).isEqualTo(ExitCodes.USAGE);
    assertThat(partnerOnly.err).contains("go together");
    assertThat(missingFiles.status).isEqualTo(ExitCodes.USAGE);
    assertThat(missingFiles.err).contains("no-such.crt.pem").doesNotContain("sending");
  }

  @Test
  void printsTheProblemCodeOfARefusalAndExitsWithThree() {
    CommandRun run =
        run("push", "--as", "customs-nl", sample("refused.json", 1, 8_400_000).toString());

    assertThat(run.status).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err).contains("refused: 403 forbidden").contains("request id ");
  }

  @Test
  void exitsWithFiveWhenNoGatewayAnswers() throws IOException {
    int closed;
    try (var socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    CommandRun run =
        new CommandRun(
            "push",
            "--url",
            "https://localhost:" + closed,
            "--pki",
            pki.root().toString(),
            "--audience",
            GATEWAY_ID,
            sample("unreachable.json", 1, 8_500_000).toString());

    assertThat(run.status).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err).contains("no answer from");
  }

  @Test
  void pullsEveryPageOfTheFeedAsJsonLines() {
    run("push", sample("feed.json", 12, 8_600_000).toString());

    CommandRun run = run("pull", "price", "--as", "customs-nl", "--limit", "1", "--all");

    assertThat(run.status).isEqualTo(ExitCodes.OK);
    List<String> lines = run.out.lines().toList();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
    assertThat(lines).allSatisfy(line -> assertThat(line).startsWith("{\"position\":"));
    assertThat(run.err).contains("signatures verified; next cursor " + lines.size());
    assertThat(run("pull", "price", "--as", "marketplace-alpha").status)
        .isEqualTo(ExitCodes.REFUSED);
    assertThat(run("pull", "stock", "--as", "customs-nl").status).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void pullsFlaggedRecordsOnlyAndRefusesAFlagOutsideTheVocabulary() {
    CommandRun flagged = run("pull", "price", "--as", "customs-nl", "--flagged", "--all");
    CommandRun oneFlag = run("pull", "price", "--as", "customs-nl", "--flag", "split_consignment");
    CommandRun unknown = run("pull", "price", "--as", "customs-nl", "--flag", "no_such_flag");

    assertThat(flagged.status).as(flagged.err).isEqualTo(ExitCodes.OK);
    assertThat(flagged.err).contains("signatures verified");
    assertThat(oneFlag.status).as(oneFlag.err).isEqualTo(ExitCodes.OK);
    assertThat(unknown.status).isEqualTo(ExitCodes.REFUSED);
    assertThat(unknown.err).contains("invalid_request").contains("flag");
    assertThat(run("pull", "sellers", "--as", "customs-nl", "--flagged").status)
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void exportsTheLogAndVerifiesItOfflineAndCatchesATamperedEntry() throws IOException {
    run("push", sample("log.json", 6, 8_700_000).toString());
    Path export = directory.resolve("export");

    CommandRun exported = run("log", "export", "--out", export.toString());
    String[] verify = {
      "log",
      "verify",
      "--log",
      export.resolve("export.jsonl").toString(),
      "--checkpoint",
      export.resolve("checkpoint.jws").toString(),
      "--keys",
      export.resolve("jwks.json").toString()
    };
    CommandRun verified = new CommandRun(verify);
    Path log = export.resolve("export.jsonl");
    Files.writeString(
        log, Files.readString(log).replaceFirst("\"recordsIn\":\\d+", "\"recordsIn\":99"));
    CommandRun tampered = new CommandRun(verify);

    assertThat(exported.status).isEqualTo(ExitCodes.OK);
    assertThat(verified.status).isEqualTo(ExitCodes.OK);
    assertThat(verified.out).startsWith("VERIFIED");
    assertThat(tampered.status).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(tampered.out).startsWith("NOT VERIFIED");
  }

  @Test
  void issuesAPartnerIdentityTheGatewayCanRegister() throws IOException {
    Path out = directory.resolve("gamma");

    CommandRun run =
        new CommandRun(
            "keys",
            "partner",
            "--id",
            "marketplace-gamma",
            "--role",
            "marketplace",
            "--alg",
            "ES256,EdDSA",
            "--ca-cert",
            pki.trustAnchor().toString(),
            "--ca-key",
            pki.root().resolve("ca/root-ca.SAMPLE-ONLY.key.pem").toString(),
            "--out",
            out.toString());

    assertThat(run.status).isEqualTo(ExitCodes.OK);
    assertThat(run.out).contains("\"id\": \"marketplace-gamma\"").contains("\"certificates\"");
    assertThat(out.resolve("signing-marketplace-gamma-eddsa-1.jwk.json")).exists();
    assertThat(Files.readString(out.resolve("jwks.json"))).doesNotContain("\"d\"");
    assertThat(
            new CommandRun(
                    "keys", "partner", "--id", "x", "--role", "king", "--out", out.toString())
                .status)
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void explainsItselfAndRefusesAnUnknownCommand() {
    CommandRun help = new CommandRun("--help");
    CommandRun unknown = new CommandRun("fly");

    assertThat(help.status).isEqualTo(ExitCodes.OK);
    assertThat(help.out)
        .contains("serve", "keys", "push", "pull", "log", "demo", "witness", "Exit codes:");
    assertThat(unknown.status).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err).contains("Unmatched argument");
  }

  @Test
  void witnessRefusesAVerifierKeyThatIsNotOne() {
    CommandRun witness =
        new CommandRun(
            "witness",
            "--name",
            "dpa.example/witness",
            "--state",
            directory.resolve("witness").toString(),
            "--log",
            "parcelgate/minimization-log+00000000+AAAA");

    assertThat(witness.status).isEqualTo(ExitCodes.USAGE);
    assertThat(witness.err).contains("--log parcelgate/minimization-log+00000000+AAAA");
  }

  @Test
  void demoRunsTheWholeExchangeAndCleansUp() {
    CommandRun demo = new CommandRun("demo");

    assertThat(demo.status).isEqualTo(ExitCodes.OK);
    assertThat(demo.out)
        .contains("original receipt, nothing stored twice")
        .contains("record 0 rejected: shipment.destinationCountry invalid_country")
        .contains("customs-nl pulls its price records")
        .contains("customs-de pulls its price records")
        .contains("verified against it")
        .contains("privacy-officer read the minimization log's entries, recorded apart")
        .doesNotContain("UNEXPECTED")
        .doesNotContain("FAILED");
  }

  private static Path sample(String name, int count, int first) {
    Path file = directory.resolve(name);
    CommandRun run =
        new CommandRun(
            "sample",
            "--count",
            Integer.toString(count),
            "--first",
            Integer.toString(first),
            file.toString());
    assertThat(run.status).isZero();
    return file;
  }

  private static String batchId(String out) {
    return out.substring(out.indexOf("batch ") + 6, out.indexOf("batch ") + 42);
  }

  /** Runs against the test gateway as its sample partners (marketplace-alpha by default). */
  private static CommandRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    int at = all.size() > 1 && List.of("log", "keys").contains(all.get(0)) ? 2 : 1;
    all.addAll(
        at,
        List.of(
            "--url",
            "https://localhost:" + gateway.partnerPort(),
            "--pki",
            pki.root().toString(),
            "--audience",
            GATEWAY_ID));
    return new CommandRun(all.toArray(new String[0]));
  }
}
