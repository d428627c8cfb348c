package org.parcelgate.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.parcelgate.app.EmbeddedGateway;
import org.parcelgate.pki.SamplePki;

/**
 * The gateway under test: a deployment named by {@code parcelgate.url}, {@code parcelgate.pki} and
 * {@code parcelgate.audience}, or, without them, the packaged gateway started in-process on a
 * freshly generated PKI and an empty store. Its limits are deployment settings, so they are
 * parameters too, each defaulting to the documented default: {@code parcelgate.bodyLimit} (bytes,
 * 16 MiB), {@code parcelgate.maxRecords} (10,000) and {@code parcelgate.maxStringBytes} (16,384).
 */
final class Target {
  private static final String IN_PROCESS_ID = "parcelgate-conformance";
  private static Target current;

  final URI base;
  final SamplePki pki;
  final String audience;

  /** The CA certificate of the gateway's server certificate. */
  final Path trustAnchor;

  /** {@code partner-api.body-limit-bytes} of the target. */
  final int bodyLimit = Integer.getInteger("parcelgate.bodyLimit", 16 * 1024 * 1024);

  /** {@code ingest.max-records} of the target. */
  final int maxRecords = Integer.getInteger("parcelgate.maxRecords", 10_000);

  /** {@code ingest.max-string-bytes} of the target. */
  final int maxStringBytes = Integer.getInteger("parcelgate.maxStringBytes", 16_384);

  private Target(URI base, SamplePki pki, String audience, Path trustAnchor) {
    this.base = base;
    this.pki = pki;
    this.audience = audience;
    this.trustAnchor = trustAnchor;
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
    SamplePki identities = SamplePki.open(Path.of(pki));
    String anchor = System.getProperty("parcelgate.trustAnchor");
    return new Target(
        URI.create(url),
        identities,
        System.getProperty("parcelgate.audience", "parcelgate-local"),
        anchor == null ? identities.trustAnchor() : Path.of(anchor));
  }

  private static Target inProcess() {
    try {
      Path root = Files.createTempDirectory("parcelgate-conformance");
      SamplePki pki = SamplePki.generate(root.resolve("pki"), Clock.systemUTC());
      EmbeddedGateway gateway =
          EmbeddedGateway.start(pki.gatewaySettings(IN_PROCESS_ID, root.resolve("data")));
      Runtime.getRuntime().addShutdownHook(new Thread(gateway::close));
      return new Target(
          URI.create("https://localhost:" + gateway.partnerPort()),
          pki,
          IN_PROCESS_ID,
          pki.trustAnchor());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the report says it checked, one item a line. */
  List<String> describe() {
    return List.of(
        "target:   " + base,
        "audience: " + audience,
        "limits:   body "
            + bodyLimit
            + " bytes, "
            + maxRecords
            + " records, strings of "
            + maxStringBytes
            + " bytes",
        "trust:    " + trustAnchor,
        "pki:      " + pki.root());
  }
}
