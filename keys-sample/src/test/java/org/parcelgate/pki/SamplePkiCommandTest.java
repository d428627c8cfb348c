package org.parcelgate.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplePkiCommandTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path directory;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void writesTheSampleAndPrintsFilesWithValidity() {
    Path target = directory.resolve("generated");

    assertThat(run(target.toString())).isZero();
    assertThat(SamplePki.open(target).identity("marketplace-alpha").x509()).isNotNull();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("SAMPLE")
        .contains("ca/root-ca.crt.pem")
        .contains(
            "CN=Parcelgate Sample Root CA, valid 2026-02-28T12:00:00Z to 2056-03-01T12:00:00Z")
        .contains("partners/marketplace-beta/signing-marketplace-beta-ps256-1.SAMPLE-ONLY.jwk.json")
        .contains("CRL, 1 revoked");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void replacesTheWholeContentOfAGeneratedDirectory() throws IOException {
    SamplePki.generate(directory, CLOCK);
    String before = SamplePki.open(directory).identity("customs-nl").thumbprint();
    Path stale = directory.resolve("partners/retired-partner/client.crt.pem");
    Files.createDirectories(stale.getParent());
    Files.writeString(stale, "stale");

    assertThat(run(directory.toString())).isZero();
    assertThat(stale.getParent()).doesNotExist();
    assertThat(SamplePki.open(directory).identity("customs-nl").thumbprint()).isNotEqualTo(before);
  }

  @Test
  void keepsUnrelatedFilesOfADirectoryWithoutManifest() throws IOException {
    Path notes = directory.resolve("notes.txt");
    Files.writeString(notes, "mine");

    assertThat(run(directory.toString())).isZero();
    assertThat(notes).hasContent("mine");
  }

  @Test
  void refusesToReplaceFilesItDoesNotOwn() throws IOException {
    Path readme = directory.resolve("README.md");
    Files.writeString(readme, "# someone else's project");

    assertThat(run(directory.toString())).isEqualTo(1);
    assertThat(readme).hasContent("# someone else's project");
    assertThat(directory.resolve("manifest.json")).doesNotExist();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("README.md").hasLineCount(1);
  }

  @Test
  void failsWithOneLineWhenTheTargetIsAFile() throws IOException {
    Path file = Files.writeString(directory.resolve("file"), "x");

    assertThat(run(file.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a directory").hasLineCount(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void answersAUsageErrorWithStatus2() {
    assertThat(run()).isEqualTo(2);
    assertThat(run("a", "b")).isEqualTo(2);
    assertThat(run(" ")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("usage: SamplePkiCommand <output directory>");
  }

  private int run(String... args) {
    return SamplePkiCommand.run(args, print(out), print(err), CLOCK);
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
