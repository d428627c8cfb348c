package org.parcelgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/** {@code ops.admin.token-file}: who may run admin commands, and the files refused at start. */
class OperatorTokensTest {
  private static final String ALICE = TestGateway.randomToken();
  private static final String BOB = TestGateway.randomToken();

  @Test
  void findsTheOperatorOfAToken() {
    OperatorTokens tokens =
        OperatorTokens.read(
            TestGateway.operatorTokenFile("# operators", "", "alice:" + ALICE, "bob:" + BOB));

    assertThat(tokens.operator(ALICE)).hasValue("alice");
    assertThat(tokens.operator(BOB)).hasValue("bob");
    assertThat(tokens.operator(ALICE + "x")).isEmpty();
    assertThat(tokens.operator("")).isEmpty();
    assertThat(tokens.toString()).doesNotContain(ALICE).doesNotContain(BOB);
  }

  @Test
  void refusesAMissingFileNamingTheKey() {
    Path missing = TestPki.temporaryDirectory("ops").resolve("no-such-file");

    assertThatThrownBy(() -> OperatorTokens.read(missing))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.key()).isEqualTo("ops.admin.token-file");
              assertThat(e.reason()).contains("does not exist");
            });
  }

  @Test
  void refusesAFileThatCannotBeReadAsText() throws Exception {
    Path file = TestGateway.operatorTokenFile();
    Files.write(file, new byte[] {'a', ':', (byte) 0xff, (byte) 0xfe});

    assertRefused(file, "cannot be read");
  }

  @Test
  void refusesAFileEveryUserCanRead() throws Exception {
    Path file = TestGateway.operatorTokenFile("alice:" + ALICE);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertRefused(file, "readable by every user");
  }

  @Test
  void refusesMalformedShortOrRepeatedEntriesWithoutShowingTheToken() {
    assertRefused(TestGateway.operatorTokenFile(ALICE), "line 1: each line is");
    assertRefused(TestGateway.operatorTokenFile("al ice:" + ALICE), "line 1: each line is");
    assertRefused(TestGateway.operatorTokenFile("alice:short-token"), "shorter than 32");
    assertRefused(
        TestGateway.operatorTokenFile("alice:" + ALICE, "alice:" + BOB), "line 2: operator alice");
    assertRefused(
        TestGateway.operatorTokenFile("alice:" + ALICE, "bob:" + ALICE),
        "line 2: the token of bob is another operator's");
    assertRefused(TestGateway.operatorTokenFile("# nobody yet"), "holds no operator");
  }

  private static void assertRefused(Path file, String reason) {
    assertThatThrownBy(() -> OperatorTokens.read(file))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.key()).isEqualTo("ops.admin.token-file");
              assertThat(e.reason()).contains(reason);
              assertThat(e.getMessage()).doesNotContain(ALICE).doesNotContain(BOB);
            });
  }
}
