package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.privacy.PolicyException;
import org.parcelgate.privacy.PolicySources;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The gateway refuses to start with a policy that does not fit the schema or a recipient without a
 * pseudonym key, and says why.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class PrivacyStartupTest {
  private static final SamplePki PKI = TestPki.shared();

  @Test
  void refusesToStartWithAPolicyNamingAFieldTheSchemaLacks(Vertx vertx) throws Exception {
    Path policy = Files.createTempFile("policy", ".yaml");
    Files.writeString(
        policy,
        new String(PolicySources.builtin("customs-default"))
            + "  buyer.passportNumber:\n    action: keep\n    purpose: none\n");
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_PRIVACY_RECIPIENTS", "customs-nl=" + policy);

    Throwable failure = Await.failure(TestGateway.start(vertx, env, Clock.systemUTC()));

    assertThat(failure).isInstanceOf(StartupException.class);
    assertThat(rootCause(failure))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("buyer.passportNumber");
  }

  @Test
  void refusesToStartWithAnActionTheFieldTypeCannotTake(Vertx vertx) throws Exception {
    Path policy = Files.createTempFile("policy", ".yaml");
    Files.writeString(
        policy,
        new String(PolicySources.builtin("customs-default"))
            .replace(
                "  amounts.totalPaidMinor:\n    action: keep\n",
                "  amounts.totalPaidMinor:\n    action: pseudonymize\n"));
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_PRIVACY_RECIPIENTS", "customs-nl=" + policy);

    Throwable failure = Await.failure(TestGateway.start(vertx, env, Clock.systemUTC()));

    assertThat(rootCause(failure)).hasMessageContaining("amounts.totalPaidMinor");
  }

  @Test
  void refusesToStartWithARecipientThatHasNoPseudonymKey(Vertx vertx) {
    Map<String, String> env = TestGateway.environment(PKI);
    env.put(
        "PARCELGATE_PRIVACY_RECIPIENTS",
        "customs-nl=builtin:customs-default,customs-fr=builtin:customs-default");
    env.put("PARCELGATE_DELIVERY_DESTINATIONS", "customs-nl=NL,customs-fr=FR");

    Throwable failure = Await.failure(TestGateway.start(vertx, env, Clock.systemUTC()));

    assertThat(rootCause(failure))
        .isInstanceOf(PolicyException.class)
        .hasMessage("the pseudonym key store has no key for recipient customs-fr");
  }

  @Test
  void startsWithPseudonymKeysFromTheEnvironment(Vertx vertx) throws Exception {
    Map<String, String> env = TestGateway.environment(PKI);
    env.put("PARCELGATE_PSEUDONYM_KEYS", Files.readString(PKI.pseudonymKeys()));
    env.put("PARCELGATE_PRIVACY_PSEUDONYM_KEY_FILE", "");

    TestGateway.Running running = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));

    Await.result(running.gateway().stop());
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
