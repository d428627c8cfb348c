package org.parcelgate.testing;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.parcelgate.app.Gateway;
import org.parcelgate.config.ConfigLoader;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.risk.ReferenceData;
import org.parcelgate.risk.RiskEngine;
import org.parcelgate.risk.RiskSettings;
import org.parcelgate.store.PostgresStore;

/**
 * Starts a real gateway in-process on ephemeral ports, configured the way an operator would: the
 * embedded defaults overridden by {@code PARCELGATE_*} variables pointing at a generated PKI.
 */
public final class TestGateway {
  public static final String GATEWAY_ID = "parcelgate-test";

  /** The operator of every test gateway's admin commands ({@code ops.admin.token-file}). */
  public static final String OPERATOR = "test-operator";

  /** Its token, random for each test JVM. */
  public static final String OPERATOR_TOKEN = randomToken();

  /** The header value an admin command carries: {@code Bearer <OPERATOR_TOKEN>}. */
  public static final String ADMIN_AUTHORIZATION = "Bearer " + OPERATOR_TOKEN;

  private static Path operatorTokens;

  private TestGateway() {}

  /** A token as an operator makes one: 32 random bytes in base64. */
  public static String randomToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * A token file holding these lines, readable by its owner only, as {@code ops.admin.token-file}
   * wants it.
   */
  public static Path operatorTokenFile(String... lines) {
    Path file = TestPki.temporaryDirectory("parcelgate-ops").resolve("admin-tokens");
    try {
      Files.write(file, List.of(lines));
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private static synchronized Path operatorTokens() {
    if (operatorTokens == null) {
      operatorTokens = operatorTokenFile(OPERATOR + ":" + OPERATOR_TOKEN);
    }
    return operatorTokens;
  }

  /** The overrides every test gateway uses; callers may add or replace entries. */
  public static Map<String, String> environment(SamplePki pki) {
    Map<String, String> env = new HashMap<>();
    env.put("PARCELGATE_GATEWAY_ID", GATEWAY_ID);
    env.put("PARCELGATE_PARTNER_API_PORT", "0");
    env.put("PARCELGATE_PARTNER_API_SHUTDOWN_GRACE", "5s");
    env.put("PARCELGATE_OPS_PORT", "0");
    env.put("PARCELGATE_OPS_ADMIN_TOKEN_FILE", operatorTokens().toString());
    env.put("PARCELGATE_TLS_CERTIFICATE", pki.serverCertificate().toString());
    env.put("PARCELGATE_TLS_PRIVATE_KEY", pki.serverKey().toString());
    env.put("PARCELGATE_TLS_TRUST_ANCHORS", pki.trustAnchor().toString());
    env.put("PARCELGATE_TLS_CRLS", pki.crl().toString());
    env.put("PARCELGATE_REGISTRY_FILE", pki.registry().toString());
    env.put("PARCELGATE_REGISTRY_RELOAD_INTERVAL", "1h");
    env.put("PARCELGATE_SIGNING_KEY_FILE", pki.gatewaySigningKey().toString());
    env.put("PARCELGATE_PRIVACY_PSEUDONYM_KEY_FILE", pki.pseudonymKeys().toString());
    // One recipient receiving every destination: tests of ingest and privacy see each accepted
    // record at it. Tests of routing configure recipients and destinations themselves.
    env.put("PARCELGATE_PRIVACY_RECIPIENTS", TestPrivacy.RECIPIENT + "=builtin:customs-default");
    env.put("PARCELGATE_DELIVERY_DESTINATIONS", TestPrivacy.RECIPIENT + "=*");
    // A fresh, empty store for every gateway a test starts.
    env.put(
        "PARCELGATE_STORE_DATA_DIRECTORY",
        TestPki.temporaryDirectory("parcelgate-data").toString());
    return env;
  }

  /**
   * Points a test gateway's environment at a PostgreSQL database ({@link Postgres}) instead of the
   * embedded store: several gateways given the same database share it, as instances of one
   * deployment do.
   */
  public static Map<String, String> onDatabase(
      Map<String, String> environment, PostgresStore.Server database) {
    Map<String, String> env = new HashMap<>(environment);
    env.put("PARCELGATE_STORE_URL", database.url());
    env.put("PARCELGATE_STORE_USER", database.user());
    env.put(ConfigLoader.STORE_PASSWORD_VARIABLE, new String(database.password()));
    return env;
  }

  public static Future<Running> start(Vertx vertx, SamplePki pki) {
    return start(vertx, environment(pki), Clock.systemUTC());
  }

  public static Future<Running> start(Vertx vertx, Map<String, String> environment, Clock clock) {
    return start(vertx, environment, clock, RiskEngine::create);
  }

  /** A gateway whose risk engine {@code engines} makes: for tests with detectors of their own. */
  public static Future<Running> start(
      Vertx vertx,
      Map<String, String> environment,
      Clock clock,
      BiFunction<RiskSettings, ReferenceData, RiskEngine> engines) {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    NoBlockedThreads.watch(meters);
    return ConfigLoader.load(vertx, Optional.empty(), environment)
        .compose(config -> Gateway.start(vertx, config, meters, clock, engines))
        .map(gateway -> new Running(gateway, meters));
  }

  /** A started gateway and the registry its metrics go to. */
  public record Running(Gateway gateway, PrometheusMeterRegistry meters) {
    public int partnerPort() {
      return gateway.partnerPort();
    }

    public int opsPort() {
      return gateway.opsPort();
    }
  }
}
