package org.parcelgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.http.PartnerApiRouter;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/** A restart does not reopen the replay window: used token ids are kept in the store. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ReplayAcrossRestartTest {
  private static final SamplePki PKI = TestPki.shared();

  @Test
  void rejectsTokenReplayedAfterARestart(Vertx vertx) {
    Map<String, String> env = TestGateway.environment(PKI);
    Identity alpha = PKI.identity("marketplace-alpha");
    String token = RequestTokens.of(alpha, "ES256", TestGateway.GATEWAY_ID, Instant.now()).sign();

    TestGateway.Running first = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
    try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, first.partnerPort())) {
      assertThat(Await.result(client.get(PartnerApiRouter.WHOAMI_PATH, token)).statusCode())
          .isEqualTo(200);
    } finally {
      Await.result(first.gateway().stop());
    }

    // Same data directory, fresh process state: nothing in memory remembers the token.
    TestGateway.Running second = Await.result(TestGateway.start(vertx, env, Clock.systemUTC()));
    try (PartnerClient client = PartnerClient.of(vertx, PKI, alpha, second.partnerPort())) {
      HttpResponse<Buffer> replay = Await.result(client.get(PartnerApiRouter.WHOAMI_PATH, token));
      assertThat(replay.statusCode()).isEqualTo(401);
      assertThat(replay.bodyAsJsonObject().getString("code")).isEqualTo("token_replayed");
    } finally {
      Await.result(second.gateway().stop());
    }
  }
}
