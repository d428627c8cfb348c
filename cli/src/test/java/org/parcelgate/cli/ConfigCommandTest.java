package org.parcelgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.pki.SamplePki;

/** {@code parcelgate config check} as a script sees it: exit codes and what it prints. */
@Timeout(60)
class ConfigCommandTest {
  @TempDir static Path directory;
  private static SamplePki pki;

  @BeforeAll
  static void generate() {
    pki = SamplePki.generate(directory.resolve("pki"), Clock.systemUTC());
  }

  private static Path config(String name, Path registry) throws IOException {
    String yaml =
        """
        tls:
          certificate: %s
          private-key: %s
          trust-anchors: [%s]
          crls: [%s]
        registry:
          file: %s
        signing:
          key-file: %s
        privacy:
          pseudonym-key-file: %s
        store:
          data-directory: %s
        """
            .formatted(
                pki.serverCertificate(),
                pki.serverKey(),
                pki.trustAnchor(),
                pki.crl(),
                registry,
                pki.gatewaySigningKey(),
                pki.pseudonymKeys(),
                directory.resolve("data"));
    return Files.writeString(directory.resolve(name), yaml);
  }

  @Test
  void exitsWithZeroAndASummaryForAGoodConfiguration() throws IOException {
    Path config = config("good.yaml", pki.registry());

    CommandRun run = new CommandRun("config", "check", "--config", config.toString());

    assertThat(run.status).isEqualTo(ExitCodes.OK);
    assertThat(run.out)
        .contains("configuration " + config + ": no problems")
        .contains("marketplace-alpha");
    assertThat(run.err).isEmpty();
    assertThat(directory.resolve("data")).doesNotExist();
  }

  @Test
  void printsTheProblemWithItsKeyAndExitsWithTwo() throws IOException {
    Path registry = Files.writeString(directory.resolve("partners.json"), "{");
    Path config = config("broken.yaml", registry);

    CommandRun run = new CommandRun("config", "check", "--config", config.toString());

    assertThat(run.status).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("parcelgate: config check: registry.file: ").contains("1 problem");
    assertThat(run.out).isEmpty();
  }

  @Test
  void exitsWithTwoForAMissingConfigurationFile() {
    CommandRun run =
        new CommandRun("config", "check", "--config", directory.resolve("none.yaml").toString());

    assertThat(run.status).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("--config: file does not exist");
  }
}
