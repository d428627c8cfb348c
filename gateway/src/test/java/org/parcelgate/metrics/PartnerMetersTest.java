package org.parcelgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The partner certificate gauge through a certificate rotation, on a stopped clock. */
class PartnerMetersTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
  private static final Instant OLD_EXPIRES = NOW.plus(Duration.ofDays(10));
  private static final Instant NEW_EXPIRES = NOW.plus(Duration.ofDays(400));

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PartnerMeters meters =
      new PartnerMeters(registry, Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void showsTheEarlierExpiryWhileBothCertificatesOfARotationAreRegistered() {
    meters.registered(Map.of("alpha", Set.of("old", "new")));

    meters.certificate("alpha", "new", NEW_EXPIRES);
    assertThat(expiry("alpha")).isEqualTo(seconds(NEW_EXPIRES));
    meters.certificate("alpha", "old", OLD_EXPIRES);
    meters.certificate("alpha", "new", NEW_EXPIRES);
    meters.certificate("alpha", "old", OLD_EXPIRES);

    assertThat(expiry("alpha"))
        .as("the old certificate, still in use, is the one about to expire: no flapping")
        .isEqualTo(seconds(OLD_EXPIRES));
  }

  @Test
  void forgetsACertificateOnceItLeavesTheRegistry() {
    meters.registered(Map.of("alpha", Set.of("old", "new")));
    meters.certificate("alpha", "old", OLD_EXPIRES);
    meters.certificate("alpha", "new", NEW_EXPIRES);

    meters.registered(Map.of("alpha", Set.of("new")));

    assertThat(meters.knowsCertificate("old")).isFalse();
    assertThat(expiry("alpha")).isEqualTo(seconds(NEW_EXPIRES));
  }

  @Test
  void ignoresACertificateTheRegistryDoesNotHoldForThatPartner() {
    meters.registered(Map.of("alpha", Set.of("alpha-cert"), "beta", Set.of("beta-cert")));

    meters.certificate("alpha", "beta-cert", OLD_EXPIRES);
    meters.certificate("gamma", "gamma-cert", OLD_EXPIRES);

    assertThat(registry.find(GatewayMetrics.PARTNER_CERTIFICATE_EXPIRY).gauges()).isEmpty();
    assertThat(meters.knowsCertificate("beta-cert")).isFalse();
  }

  @Test
  void dropsThePartnersSeriesWhenThePartnerLeaves() {
    meters.registered(Map.of("alpha", Set.of("old")));
    meters.certificate("alpha", "old", OLD_EXPIRES);

    meters.registered(Map.of("beta", Set.of("beta-cert")));

    assertThat(registry.find(GatewayMetrics.PARTNER_CERTIFICATE_EXPIRY).gauges()).isEmpty();
  }

  private double expiry(String partner) {
    Gauge gauge =
        registry.find(GatewayMetrics.PARTNER_CERTIFICATE_EXPIRY).tag("partner", partner).gauge();
    assertThat(gauge).as("a series for %s", partner).isNotNull();
    return gauge.value();
  }

  private static double seconds(Instant notAfter) {
    return Duration.between(NOW, notAfter).toSeconds();
  }
}
