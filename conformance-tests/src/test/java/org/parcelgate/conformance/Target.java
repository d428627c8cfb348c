package org.parcelgate.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.parcelgate.app.EmbeddedGateway;
import org.parcelgate.pki.SamplePki;

/**
 * The gateway under test: a deployment named by {@code parcelgate.url}, {@code parcelgate.pki} and
 * {@code parcelgate.audience}, or, without them, the packaged gateway started in-process on a
 * freshly generated PKI and an empty store.
 */
final class Target {
  private static final String IN_PROCESS_ID = "parcelgate-conformance";
  private static Target current;

  final URI base;
  final SamplePki pki;
  final String audience;

  private Target(URI base, SamplePki pki, String audience) {
    this.base = base;
    this.pki = pki;
    this.audience = audience;
  }

  static synchronized Target get() {
    if (current == null) {
      String url = System.getProperty("parcelgate.url");
      current = url == null || url.isBlank() ? inProcess() : remote(url);
    }
    return current;
  }

  private static Target remote(String url) {
    String pki = System.getProperty("parcelgate.pki");
    if (pki == null) {
      throw new IllegalStateException(
          "parcelgate.pki must name the PKI directory of the partners to use");
    }
    return new Target(
        URI.create(url),
        SamplePki.open(Path.of(pki)),
        System.getProperty("parcelgate.audience", "parcelgate-local"));
  }

  private static Target inProcess() {
    try {
      Path root = Files.createTempDirectory("parcelgate-conformance");
      SamplePki pki = SamplePki.generate(root.resolve("pki"), Clock.systemUTC());
      EmbeddedGateway gateway =
          EmbeddedGateway.start(pki.gatewaySettings(IN_PROCESS_ID, root.resolve("data")));
      Runtime.getRuntime().addShutdownHook(new Thread(gateway::close));
      return new Target(
          URI.create("https://localhost:" + gateway.partnerPort()), pki, IN_PROCESS_ID);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the report says it checked. */
  String describe() {
    return base + " (audience " + audience + ", identities from " + pki.root() + ")";
  }
}
