package org.parcelgate.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.parcelgate.app.EmbeddedGateway;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.pki.SigningKeys;
import org.parcelgate.protocol.RetryPolicy;
import org.parcelgate.schema.sample.SampleTransactions;

/**
 * The operator rotates the gateway's signing key (docs/operations.md): the client, which fetched
 * the key set before, meets a receipt under a kid it does not hold, fetches the set again and
 * verifies.
 */
@Timeout(120)
class GatewayKeyRotationTest {
  private static final String GATEWAY_ID = "parcelgate-rotation-test";

  @TempDir Path directory;

  @Test
  void verifiesReceiptsSignedWithAKeyRotatedInAfterItFetchedTheKeys() throws IOException {
    SamplePki pki = SamplePki.generate(directory.resolve("pki"), Clock.systemUTC());
    Map<String, String> settings =
        new TreeMap<>(pki.gatewaySettings(GATEWAY_ID, directory.resolve("data")));
    Instant ordered = Instant.now().minusSeconds(3600);
    int port;
    try (EmbeddedGateway before = EmbeddedGateway.start(settings);
        ParcelgateClient alpha = client(pki, before.partnerPort())) {
      port = before.partnerPort();
      alpha.push(SampleTransactions.batch(9_100_000, 1, ordered));
      assertThat(alpha.gatewayKeys().getKeys())
          .extracting(JWK::getKeyID)
          .containsExactly("gateway-es256-1");

      JWK rotated = SigningKeys.generate("ES256", "gateway-es256-2");
      JWK previous = JWK.parse(Files.readString(pki.gatewaySigningKey()));
      Path keys = directory.resolve("signing-rotated.jwk.json");
      Files.writeString(keys, new JWKSet(List.of(rotated, previous)).toString(false));
      settings.put("PARCELGATE_SIGNING_KEY_FILE", keys.toString());
      settings.put("PARCELGATE_SIGNING_ACTIVE_KID", "gateway-es256-2");
      settings.put("PARCELGATE_PARTNER_API_PORT", Integer.toString(port));
      before.close();

      try (EmbeddedGateway after = EmbeddedGateway.start(settings)) {
        BatchResult result = alpha.push(SampleTransactions.batch(9_100_001, 1, ordered));

        assertThat(result.answer().accepted()).isEqualTo(1);
        assertThat(alpha.gatewayKeys().getKeys())
            .extracting(JWK::getKeyID)
            .containsExactlyInAnyOrder("gateway-es256-1", "gateway-es256-2");
      }
    } catch (java.text.ParseException e) {
      throw new IllegalStateException("the sample signing key is a JWK", e);
    }
  }

  private static ParcelgateClient client(SamplePki pki, int port) {
    Identity identity = pki.identity("marketplace-alpha");
    return ParcelgateClient.builder(URI.create("https://localhost:" + port))
        .identity(
            new ClientIdentity(
                "marketplace-alpha",
                ClientIdentity.readCertificates(identity.certificate()),
                ClientIdentity.readPrivateKey(identity.privateKey()),
                identity.signingKey("ES256")))
        .trustAnchors(pki.trustAnchor())
        .audience(GATEWAY_ID)
        .retries(5, new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(500)))
        .build();
  }
}
