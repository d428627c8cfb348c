package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.TestPki;

/**
 * {@link ConfigCheck} on the sample PKI, then with one file broken at a time: each problem names
 * the key of the file, and nothing is started or written.
 */
@Timeout(60)
class ConfigCheckTest {
  private static Vertx vertx;
  private static SamplePki pki;

  @TempDir Path directory;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    pki = TestPki.shared();
  }

  @AfterAll
  static void tearDown() {
    vertx.close();
  }

  private Map<String, String> settings() {
    return new HashMap<>(pki.gatewaySettings("parcelgate-check", directory.resolve("data")));
  }

  private ConfigCheck.Report check(Map<String, String> settings) {
    return ConfigCheck.check(vertx, Optional.empty(), settings, Clock.systemUTC());
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(directory.resolve(name), content);
  }

  private static List<String> keys(ConfigCheck.Report report) {
    return report.problems().stream().map(ConfigCheck.Problem::key).toList();
  }

  @Test
  void acceptsTheSamplePkiWithoutCreatingTheDataDirectoryOrWritingAnything() throws IOException {
    List<Path> before = listing(pki.root());

    ConfigCheck.Report report = check(settings());

    assertThat(report.problems()).isEmpty();
    assertThat(report.ok()).isTrue();
    assertThat(String.join("\n", report.summary()))
        .contains("marketplace-alpha")
        .contains("customs-nl (policy")
        .contains("created at start");
    assertThat(directory.resolve("data")).doesNotExist();
    assertThat(listing(pki.root())).isEqualTo(before);
  }

  @Test
  void namesTheKeyOfAMalformedValue() {
    Map<String, String> settings = settings();
    settings.put("PARCELGATE_OPS_PORT", "99999");

    ConfigCheck.Report report = check(settings);

    assertThat(keys(report)).containsExactly("ops.port");
  }

  @Test
  void refusesARegistryThatIsNotARegistry() throws IOException {
    Map<String, String> settings = settings();
    settings.put("PARCELGATE_REGISTRY_FILE", file("partners.json", "{\"partners\": [").toString());

    assertThat(keys(check(settings))).containsExactly("registry.file");
  }

  @Test
  void refusesAServerKeyThatDoesNotMatchItsCertificate() {
    Map<String, String> settings = settings();
    settings.put(
        "PARCELGATE_TLS_PRIVATE_KEY",
        pki.root().resolve("gateway/client.SAMPLE-ONLY.key.pem").toString());

    ConfigCheck.Report report = check(settings);

    assertThat(report.problems())
        .containsExactly(
            new ConfigCheck.Problem(
                "tls.private-key", "does not match the certificate of tls.certificate"));
  }

  @Test
  void refusesAnExpiredServerCertificate() {
    Map<String, String> settings = settings();
    settings.put(
        "PARCELGATE_TLS_CERTIFICATE",
        pki.root().resolve("tests/expired/client.crt.pem").toString());
    settings.put(
        "PARCELGATE_TLS_PRIVATE_KEY",
        pki.root().resolve("tests/expired/client.SAMPLE-ONLY.key.pem").toString());

    ConfigCheck.Report report = check(settings);

    assertThat(keys(report)).containsExactly("tls.certificate");
    assertThat(report.problems().get(0).reason()).startsWith("expired on ");
  }

  @Test
  void refusesACertificateFileWithoutACertificateAndAKeyFileWithoutAKey() throws IOException {
    Map<String, String> settings = settings();
    settings.put(
        "PARCELGATE_TLS_CERTIFICATE", file("server.crt.pem", "not a certificate").toString());
    settings.put("PARCELGATE_TLS_PRIVATE_KEY", pki.serverCertificate().toString());

    ConfigCheck.Report report = check(settings);

    assertThat(keys(report)).containsExactly("tls.certificate");
    settings.put("PARCELGATE_TLS_CERTIFICATE", pki.serverCertificate().toString());
    assertThat(check(settings).problems())
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.key()).isEqualTo("tls.private-key");
              assertThat(problem.reason()).contains("no unencrypted private key");
            });
  }

  @Test
  void refusesATrustAnchorFileThatHoldsNoCertificate() throws IOException {
    Map<String, String> settings = settings();
    settings.put("PARCELGATE_TLS_TRUST_ANCHORS", file("anchors.pem", "").toString());

    assertThat(keys(check(settings))).contains("tls.trust-anchors");
  }

  @Test
  void refusesAFileThatIsNotACrl() throws IOException {
    Map<String, String> settings = settings();
    settings.put(
        "PARCELGATE_TLS_CRLS", file("root.crl.pem", "-----BEGIN X509 CRL-----").toString());

    assertThat(keys(check(settings))).containsExactly("tls.crls");
  }

  @Test
  void refusesASigningKeyFileWithoutPrivateKeys() {
    Map<String, String> settings = settings();
    settings.put("PARCELGATE_SIGNING_KEY_FILE", pki.gatewayJwks().toString());

    ConfigCheck.Report report = check(settings);

    assertThat(keys(report)).containsExactly("signing.key-file");
    assertThat(report.problems().get(0).reason()).contains("no private part");
  }

  @Test
  void refusesAPolicyFileThatIsNotAPolicy() throws IOException {
    Map<String, String> settings = settings();
    settings.put(
        "PARCELGATE_PRIVACY_RECIPIENTS",
        "customs-nl=" + file("policy.json", "{\"id\": 1}") + ",customs-de=builtin:customs-default");

    assertThat(keys(check(settings))).containsExactly("privacy.recipients");
  }

  @Test
  void refusesAPseudonymKeyStoreThatIsNotOne() throws IOException {
    Map<String, String> settings = settings();
    settings.put(
        "PARCELGATE_PRIVACY_PSEUDONYM_KEY_FILE", file("pseudonym-keys.json", "[]").toString());

    assertThat(keys(check(settings))).containsExactly("privacy.pseudonym-key-file");
  }

  @Test
  void refusesADataDirectoryThatIsAFile() throws IOException {
    Map<String, String> settings = settings();
    settings.put("PARCELGATE_STORE_DATA_DIRECTORY", file("data", "").toString());

    assertThat(keys(check(settings))).containsExactly("store.data-directory");
  }

  @Test
  void refusesAStoreUrlWithoutAPasswordSource() {
    Map<String, String> settings = settings();
    settings.put("PARCELGATE_STORE_URL", "jdbc:postgresql://db.example:5432/parcelgate");

    ConfigCheck.Report report = check(settings);

    assertThat(keys(report)).containsExactly("store.password-file");
    settings.put("PARCELGATE_STORE_PASSWORD", "from-the-environment");
    assertThat(check(settings).problems()).isEmpty();
  }

  @Test
  void reportsEveryBrokenFileAtOnce() throws IOException {
    Map<String, String> settings = settings();
    settings.put("PARCELGATE_REGISTRY_FILE", file("partners.json", "[]").toString());
    settings.put("PARCELGATE_SIGNING_KEY_FILE", pki.gatewayJwks().toString());
    settings.put("PARCELGATE_TLS_CRLS", file("root.crl.pem", "").toString());

    assertThat(keys(check(settings)))
        .containsExactlyInAnyOrder("registry.file", "signing.key-file", "tls.crls");
  }

  private static List<Path> listing(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.sorted().toList();
    }
  }
}
