package org.parcelgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ConfigLoaderTest {
  private final Map<String, String> env = TestGateway.environment(TestPki.shared());

  private GatewayConfig load(Vertx vertx, Optional<Path> file) {
    return Await.result(ConfigLoader.load(vertx, file, env));
  }

  private ConfigException refusal(Vertx vertx, Optional<Path> file) {
    Throwable failure = Await.failure(ConfigLoader.load(vertx, file, env));
    assertThat(failure).isInstanceOf(ConfigException.class);
    return (ConfigException) failure;
  }

  @Test
  void bindsEmbeddedDefaultsWithEnvironmentOverrides(Vertx vertx) {
    env.put("PARCELGATE_TOKEN_CLOCK_SKEW", "10s");
    env.put("PARCELGATE_TOKEN_ALGORITHMS", "ES256,EdDSA");

    GatewayConfig config = load(vertx, Optional.empty());

    assertThat(config.gatewayId()).isEqualTo(TestGateway.GATEWAY_ID);
    assertThat(config.token().policy().audience()).isEqualTo(TestGateway.GATEWAY_ID);
    assertThat(config.token().policy().clockSkew()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.token().policy().algorithms())
        .containsExactlyInAnyOrder(JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);
    assertThat(config.token().policy().maxLifetime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(config.ops().host()).isEqualTo("127.0.0.1");
    assertThat(config.tls().allowStaleCrl()).isFalse();
    assertThat(config.store().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.store().probeInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.store().maxWritesPerCommit())
        .isEqualTo(EmbeddedStore.Settings.DEFAULT_MAX_WRITES_PER_COMMIT);
  }

  @Test
  void bindsThePartnerPortsLimitsWithABodyBudgetOfAQuarterOfTheHeap(Vertx vertx) {
    GatewayConfig.PartnerApi api = load(vertx, Optional.empty()).partnerApi();

    assertThat(api.bodyMemoryBudget()).isEqualTo(Runtime.getRuntime().maxMemory() / 100 * 25);
    assertThat(api.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(api.bodyTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(api.maxRequestsInFlightPerPartner()).isEqualTo(16);
  }

  @Test
  void takesTheBodyBudgetInBytesOrAsAShareOfTheHeap(Vertx vertx) {
    env.put("PARCELGATE_PARTNER_API_BODY_MEMORY_BUDGET", "268435456");
    assertThat(load(vertx, Optional.empty()).partnerApi().bodyMemoryBudget()).isEqualTo(268435456L);

    env.put("PARCELGATE_PARTNER_API_BODY_MEMORY_BUDGET", "40%");
    assertThat(load(vertx, Optional.empty()).partnerApi().bodyMemoryBudget())
        .isEqualTo(Runtime.getRuntime().maxMemory() / 100 * 40);
  }

  @Test
  void refusesABodyBudgetThatCannotHoldOneBodyOfTheLargestSize(Vertx vertx) {
    env.put("PARCELGATE_PARTNER_API_BODY_LIMIT_BYTES", "2048");
    env.put("PARCELGATE_PARTNER_API_BODY_MEMORY_BUDGET", "2047");

    ConfigException refused = refusal(vertx, Optional.empty());

    assertThat(refused.key()).isEqualTo("partner-api.body-memory-budget");
    assertThat(refused.reason()).contains("partner-api.body-limit-bytes");
  }

  @Test
  void bindsThePushLeaseAndRefusesOneAnAttemptCouldOutlast(Vertx vertx) {
    assertThat(load(vertx, Optional.empty()).delivery().push().lease())
        .isEqualTo(Duration.ofSeconds(45));
    env.put("PARCELGATE_DELIVERY_PUSH_REQUEST_TIMEOUT", "10s");
    env.put("PARCELGATE_DELIVERY_PUSH_LEASE", "15s");
    assertThat(load(vertx, Optional.empty()).delivery().push().lease())
        .isEqualTo(Duration.ofSeconds(15));

    env.put("PARCELGATE_DELIVERY_PUSH_LEASE", "14s");
    ConfigException refused = refusal(vertx, Optional.empty());

    assertThat(refused.key()).isEqualTo("delivery.push.lease");
    assertThat(refused.reason()).contains("request-timeout");
  }

  @Test
  void fileOverridesDefaultsAndEnvironmentOverridesFile(Vertx vertx) throws IOException {
    Path file = Files.createTempFile("parcelgate", ".yaml");
    Files.writeString(
        file, "token:\n  clock-skew: 45s\n  max-lifetime: 120s\nops:\n  port: 9999\n");
    env.remove("PARCELGATE_OPS_PORT");
    env.put("PARCELGATE_TOKEN_MAX_LIFETIME", "60s");

    GatewayConfig config = load(vertx, Optional.of(file));

    assertThat(config.token().policy().clockSkew()).isEqualTo(Duration.ofSeconds(45));
    assertThat(config.token().policy().maxLifetime()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.ops().port()).isEqualTo(9999);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "PARCELGATE_TOKEN_MAX_LIFETIME|301s|token.max-lifetime",
        "PARCELGATE_TOKEN_ALGORITHMS|ES256,HS256|token.algorithms",
        "PARCELGATE_TOKEN_ALGORITHMS|none|token.algorithms",
        "PARCELGATE_PARTNER_API_PORT|70000|partner-api.port",
        "PARCELGATE_TOKEN_CLOCK_SKEW|soon|token.clock-skew",
        "PARCELGATE_TLS_ALLOW_STALE_CRL|maybe|tls.allow-stale-crl",
        "PARCELGATE_TLS_PROTOCOLS|TLSv1.1|tls.protocols",
        "PARCELGATE_TLS_CERTIFICATE|no/such/file.pem|tls.certificate",
        "PARCELGATE_GATEWAY_ID|has space|gateway.id",
        "PARCELGATE_TOKEN_CLOCK_SKEWW|5s|PARCELGATE_TOKEN_CLOCK_SKEWW",
        "PARCELGATE_PRIVACY_RECIPIENTS|customs-nl|privacy.recipients",
        "PARCELGATE_PRIVACY_RECIPIENTS|Customs NL=builtin:customs-default|privacy.recipients",
        "PARCELGATE_PRIVACY_RECIPIENTS|a=builtin:customs-default,a=builtin:x|privacy.recipients",
        "PARCELGATE_PRIVACY_RECIPIENTS|customs-nl=no/such/policy.yaml|privacy.recipients",
        "PARCELGATE_PRIVACY_PSEUDONYM_KEY_FILE|no/such/keys.json|privacy.pseudonym-key-file",
        "PARCELGATE_PRIVACY_WITNESSES|http://127.0.0.1:9444/|privacy.witnesses",
        "PARCELGATE_PRIVACY_WITNESSES|ftp://w.example/ w.example+00000000+BAAA|privacy.witnesses",
        "PARCELGATE_PRIVACY_WITNESSES|https://w.example/ w.example+00000000+BAAA|privacy.witnesses",
        "PARCELGATE_PRIVACY_WITNESS_INTERVAL|0s|privacy.witness-interval",
        "PARCELGATE_PRIVACY_RETENTION_INTERVAL|0s|privacy.retention-interval",
        "PARCELGATE_PRIVACY_RETENTION_INTERVAL|2d|privacy.retention-interval",
        "PARCELGATE_STORE_TIMEOUT|50ms|store.timeout",
        "PARCELGATE_STORE_PROBE_INTERVAL|2h|store.probe-interval",
        "PARCELGATE_PARTNER_API_BODY_MEMORY_BUDGET|lots|partner-api.body-memory-budget",
        "PARCELGATE_PARTNER_API_BODY_MEMORY_BUDGET|95%|partner-api.body-memory-budget",
        "PARCELGATE_PARTNER_API_BODY_MEMORY_BUDGET|0|partner-api.body-memory-budget",
        "PARCELGATE_PARTNER_API_BODY_MEMORY_BUDGET|1048576|partner-api.body-memory-budget",
        "PARCELGATE_PARTNER_API_HEADER_TIMEOUT|0s|partner-api.header-timeout",
        "PARCELGATE_PARTNER_API_BODY_TIMEOUT|2h|partner-api.body-timeout",
        "PARCELGATE_PARTNER_API_MAX_REQUESTS_IN_FLIGHT_PER_PARTNER|0|partner-api.max-requests-in-flight-per-partner"
      })
  void refusesWrongValueNamingTheKey(String variable, String value, String key, Vertx vertx) {
    env.put(variable, value);
    assertThat(refusal(vertx, Optional.empty()).key()).isEqualTo(key);
  }

  @Test
  void bindsRecipientsWithTheirPolicies(Vertx vertx) throws IOException {
    Path policy = Files.createTempFile("policy", ".yaml");
    env.put(
        "PARCELGATE_PRIVACY_RECIPIENTS",
        "customs-nl=builtin:customs-default, customs-fr=" + policy);
    env.put("PARCELGATE_DELIVERY_DESTINATIONS", "customs-nl=NL, customs-fr=FR");

    GatewayConfig.Privacy privacy = load(vertx, Optional.empty()).privacy();

    assertThat(privacy.recipients())
        .containsExactly(
            new GatewayConfig.Recipient(
                "customs-nl", new GatewayConfig.PolicySource.Builtin("customs-default")),
            new GatewayConfig.Recipient("customs-fr", new GatewayConfig.PolicySource.File(policy)));
    assertThat(privacy.pseudonymKeyFile()).isPresent();
    assertThat(privacy.pseudonymKeys()).isEmpty();
  }

  @Test
  void takesPseudonymKeysFromTheEnvironmentAndNeverPrintsThem(Vertx vertx) {
    String keys = "{\"recipients\":{\"customs-nl\":{\"active\":1,\"keys\":{\"1\":\"SECRET-X\"}}}}";
    env.put("PARCELGATE_PSEUDONYM_KEYS", keys);

    GatewayConfig config = load(vertx, Optional.empty());

    assertThat(config.privacy().pseudonymKeyFile()).isEmpty();
    assertThat(new String(config.privacy().pseudonymKeys().orElseThrow().bytes())).isEqualTo(keys);
    assertThat(config.toString()).doesNotContain("SECRET-X").contains("[secret]");
  }

  @Test
  void bindsWitnessesWithTheirKeysAndRefusesANoteKeyForOne(Vertx vertx) {
    String key = "dpa.example/witness+d3ee120a+BLR5TbapGX+ZWQ7/zEvpJ2q5MqNzSYcttz3i3SGmqOaO";
    env.put("PARCELGATE_PRIVACY_WITNESSES", "https://witness.dpa.example/tlog " + key);

    GatewayConfig.WitnessEndpoint witness =
        load(vertx, Optional.empty()).privacy().witnesses().get(0);

    assertThat(witness.url()).hasToString("https://witness.dpa.example/tlog/");
    assertThat(witness.key().name()).isEqualTo("dpa.example/witness");
    assertThat(load(vertx, Optional.empty()).privacy().witnessInterval())
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(load(vertx, Optional.empty()).privacy().retentionInterval())
        .isEqualTo(Duration.ofMinutes(10));

    env.put(
        "PARCELGATE_PRIVACY_WITNESSES",
        "https://w.example/ parcelgate-local/minimization-log+0ddb8f71+AX//5vpwaULwpyB+44hVwVrhKSALJDpCt/N0sRI2h2bN");
    assertThat(refusal(vertx, Optional.empty()).getMessage()).contains("cosignature key");
  }

  @Test
  void refusesRecipientsWithoutPseudonymKeys(Vertx vertx) {
    env.put("PARCELGATE_PRIVACY_PSEUDONYM_KEY_FILE", "");

    assertThat(refusal(vertx, Optional.empty()).key()).isEqualTo("privacy.pseudonym-key-file");
  }

  @Test
  void refusesUnknownKeyInFile(Vertx vertx) throws IOException {
    Path file = Files.createTempFile("parcelgate", ".yaml");
    Files.writeString(file, "token:\n  clock-skw: 45s\n");
    ConfigException refusal = refusal(vertx, Optional.of(file));
    assertThat(refusal.key()).isEqualTo("token.clock-skw");
    assertThat(refusal.reason()).isEqualTo("unknown setting");
  }

  @Test
  void refusesMissingConfigFile(Vertx vertx) {
    assertThat(refusal(vertx, Optional.of(Path.of("does-not-exist.yaml"))).key())
        .isEqualTo("--config");
  }

  @Test
  void refusesSamePortForPartnerApiAndOps(Vertx vertx) {
    env.put("PARCELGATE_PARTNER_API_PORT", "8443");
    env.put("PARCELGATE_OPS_PORT", "8443");
    assertThat(refusal(vertx, Optional.empty()).key()).isEqualTo("ops.port");
  }

  @Test
  void refusesSettingsWhoseEnvironmentNamesCollide() {
    ConfigTree tree =
        ConfigTree.of(Map.of("token", Map.of("clock-skew", "1s", "clock", Map.of("skew", "2s"))));
    assertThatThrownBy(() -> tree.applyEnvironment(Map.of(), java.util.Set.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PARCELGATE_TOKEN_CLOCK_SKEW");
  }
}
