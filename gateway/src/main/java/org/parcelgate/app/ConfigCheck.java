package org.parcelgate.app;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.parcelgate.auth.PartnerRegistry;
import org.parcelgate.auth.PartnerRegistryParser;
import org.parcelgate.config.ConfigException;
import org.parcelgate.config.ConfigLoader;
import org.parcelgate.config.GatewayConfig;
import org.parcelgate.privacy.RecipientPolicies;
import org.parcelgate.protocol.KeyPairs;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.tls.CrlSet;
import org.parcelgate.tls.PemFiles;

/**
 * Checks the files of a loaded configuration the way the gateway's start reads them, without
 * starting anything: no port is bound, no store opened, nothing written. The registry, policies,
 * pseudonym and signing keys, trust anchors and CRLs go through the very functions {@link
 * Gateway#start} uses; the server and push identities, which Vert.x reads only when a port opens or
 * a push connects, are read here and their keys matched against their certificates.
 *
 * <p>{@link ConfigLoader} has already refused any value that is malformed (the first one, by key);
 * this check reports every file problem it finds, each with the key that names the file.
 */
public final class ConfigCheck {
  private ConfigCheck() {}

  /** One problem: the configuration key it concerns and what is wrong, never key material. */
  public record Problem(String key, String reason) {
    @Override
    public String toString() {
      return key + ": " + reason;
    }
  }

  /** The problems found (none: the configuration would start) and a short summary of it. */
  public record Report(List<Problem> problems, List<String> summary) {
    public Report {
      problems = List.copyOf(problems);
      summary = List.copyOf(summary);
    }

    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * Loads the configuration as {@link Main} does (the embedded defaults, {@code file}, the {@code
   * PARCELGATE_*} variables of {@code environment}) and checks its files. Blocking: never call it
   * on an event loop.
   */
  public static Report check(
      Vertx vertx, Optional<Path> file, Map<String, String> environment, Clock clock) {
    GatewayConfig config;
    try {
      config =
          ConfigLoader.load(vertx, file, environment)
              .toCompletionStage()
              .toCompletableFuture()
              .get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConfigException problem) {
        return new Report(List.of(new Problem(problem.key(), problem.reason())), List.of());
      }
      return new Report(
          List.of(new Problem(file.map(Path::toString).orElse("configuration"), reason(e))),
          List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading the configuration", e);
    }
    return check(config, clock);
  }

  private static String reason(Exception e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** Reads every file {@code config} names; blocking. */
  public static Report check(GatewayConfig config, Clock clock) {
    Check check = new Check(clock.instant());
    check.serverIdentity(config.tls());
    List<X509Certificate> anchors = check.anchors(config.tls());
    check.crls(config.tls(), anchors);
    check.registry(config.registry());
    check.signingKeys(config.signing());
    check.privacy(config.privacy());
    check.push(config.delivery().push());
    check.store(config.store());
    check.summary.add(
        "gateway "
            + config.gatewayId()
            + ": partner API "
            + config.partnerApi().host()
            + ":"
            + config.partnerApi().port()
            + ", ops "
            + config.ops().host()
            + ":"
            + config.ops().port()
            + " (ports are not tried)");
    return new Report(check.problems, check.summary);
  }

  private static final class Check {
    private final Instant now;
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> summary = new ArrayList<>();

    Check(Instant now) {
      this.now = now;
    }

    private void problem(String key, String reason) {
      problems.add(new Problem(key, reason));
    }

    private static String reason(Exception e) {
      String message = e.getMessage();
      return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    void serverIdentity(GatewayConfig.Tls tls) {
      identity("tls.certificate", tls.certificate(), "tls.private-key", tls.privateKey())
          .ifPresent(
              leaf ->
                  summary.add(
                      "server certificate "
                          + leaf.getSubjectX500Principal().getName()
                          + ", valid until "
                          + leaf.getNotAfter().toInstant()));
    }

    /** A certificate file and its private key; the leaf certificate if both are good. */
    private Optional<X509Certificate> identity(
        String certificateKey, Path certificateFile, String privateKeyKey, Path privateKeyFile) {
      X509Certificate leaf;
      try {
        leaf = PemFiles.firstCertificate(certificateFile);
      } catch (IOException e) {
        problem(certificateKey, reason(e));
        return Optional.empty();
      }
      boolean good = true;
      if (now.isAfter(leaf.getNotAfter().toInstant())) {
        problem(certificateKey, "expired on " + leaf.getNotAfter().toInstant());
        good = false;
      } else if (now.isBefore(leaf.getNotBefore().toInstant())) {
        problem(certificateKey, "not valid before " + leaf.getNotBefore().toInstant());
        good = false;
      }
      try {
        PrivateKey key = PemFiles.privateKey(privateKeyFile);
        if (!KeyPairs.matches(key, leaf.getPublicKey())) {
          problem(privateKeyKey, "does not match the certificate of " + certificateKey);
          good = false;
        }
      } catch (IOException e) {
        problem(privateKeyKey, reason(e));
        good = false;
      }
      return good ? Optional.of(leaf) : Optional.empty();
    }

    List<X509Certificate> anchors(GatewayConfig.Tls tls) {
      try {
        List<X509Certificate> anchors = PemFiles.certificates(tls.trustAnchors());
        summary.add(anchors.size() + " trust anchor(s)");
        return anchors;
      } catch (IOException e) {
        problem("tls.trust-anchors", reason(e));
        return List.of();
      }
    }

    void crls(GatewayConfig.Tls tls, List<X509Certificate> anchors) {
      List<byte[]> contents = new ArrayList<>();
      for (Path file : tls.crls()) {
        try {
          contents.add(Files.readAllBytes(file));
        } catch (IOException e) {
          problem("tls.crls", file + " cannot be read: " + reason(e));
          return;
        }
      }
      try {
        CrlSet.parse(contents, anchors);
      } catch (IOException | RuntimeException e) {
        problem("tls.crls", reason(e));
        return;
      }
      for (byte[] content : contents) {
        try {
          X509CRL crl = PemFiles.crl(content);
          if (crl.getNextUpdate() != null
              && now.isAfter(crl.getNextUpdate().toInstant())
              && !tls.allowStaleCrl()) {
            problem(
                "tls.crls",
                "the CRL of "
                    + crl.getIssuerX500Principal().getName()
                    + " is past its nextUpdate ("
                    + crl.getNextUpdate().toInstant()
                    + "): every certificate of its issuer is refused (tls.allow-stale-crl)");
          }
        } catch (IOException e) {
          problem("tls.crls", reason(e)); // CrlSet.parse read it, so this does not happen
        }
      }
      summary.add(contents.size() + " CRL(s)");
    }

    void registry(GatewayConfig.Registry registry) {
      try {
        PartnerRegistry partners = PartnerRegistryParser.parse(Files.readAllBytes(registry.file()));
        summary.add(
            "registry "
                + registry.file()
                + ": "
                + partners.size()
                + " partner(s) "
                + partners.partners().stream()
                    .map(partner -> partner.id())
                    .sorted()
                    .collect(Collectors.joining(", ", "(", ")")));
      } catch (IOException | RuntimeException e) {
        problem("registry.file", reason(e));
      }
    }

    void signingKeys(GatewayConfig.Signing signing) {
      try {
        GatewaySigningKeys keys = GatewaySigningKeys.load(signing.keyFile(), signing.activeKid());
        summary.add(
            "signing key "
                + keys.activeKey().getKeyID()
                + " active, "
                + keys.publishedKeys().getKeys().size()
                + " published");
      } catch (IOException | RuntimeException e) {
        problem("signing.key-file", reason(e));
      }
    }

    void privacy(GatewayConfig.Privacy privacy) {
      if (privacy.recipients().isEmpty()) {
        summary.add("no recipients of minimized records");
        return;
      }
      String keySource = IngestPipeline.pseudonymKeySource(privacy);
      try {
        IngestPipeline.pseudonymKeys(privacy);
      } catch (IOException | RuntimeException e) {
        problem(keySource, reason(e));
        return;
      }
      try {
        RecipientPolicies recipients = IngestPipeline.recipients(privacy);
        summary.add(
            "recipients "
                + recipients.minimizers().stream()
                    .map(
                        minimizer ->
                            minimizer.recipient()
                                + " (policy "
                                + minimizer.policy().id()
                                + " version "
                                + minimizer.policy().version()
                                + ")")
                    .collect(Collectors.joining(", ")));
      } catch (IOException | RuntimeException e) {
        problem("privacy.recipients", reason(e));
      }
    }

    void push(GatewayConfig.Push push) {
      if (push.endpoints().isEmpty()) {
        return;
      }
      try {
        Gateway.pushThumbprint(push);
      } catch (IOException e) {
        problem("delivery.push.client-certificate", reason(e));
        return;
      }
      identity(
          "delivery.push.client-certificate",
          push.clientCertificate(),
          "delivery.push.client-private-key",
          push.clientPrivateKey());
      try {
        PemFiles.certificates(push.trustAnchors());
      } catch (IOException e) {
        problem("delivery.push.trust-anchors", reason(e));
      }
      summary.add("push to " + String.join(", ", push.endpoints().keySet()));
    }

    void store(GatewayConfig.Store store) {
      if (store.server().isPresent()) {
        GatewayConfig.Database database = store.server().get();
        if (database.password().bytes().length == 0) {
          problem(
              "store.password-file",
              "no password for the store: set "
                  + ConfigLoader.STORE_PASSWORD_VARIABLE
                  + " or name a file whose first line is the password");
        }
        summary.add(
            "store: PostgreSQL "
                + database.url()
                + " as "
                + database.user()
                + " (not connected to)");
        return;
      }
      Path directory = store.dataDirectory().toAbsolutePath();
      if (Files.exists(directory)) {
        if (!Files.isDirectory(directory)) {
          problem("store.data-directory", directory + " is not a directory");
        } else if (!Files.isWritable(directory)) {
          problem("store.data-directory", directory + " is not writable");
        } else {
          summary.add("store: embedded, in " + directory);
        }
        return;
      }
      Path existing = directory.getParent();
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
        problem(
            "store.data-directory",
            directory + " does not exist and cannot be created: " + existing + " is not writable");
      } else {
        summary.add("store: embedded, in " + directory + " (created at start)");
      }
    }
  }
}
