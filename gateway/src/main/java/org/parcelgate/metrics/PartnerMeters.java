package org.parcelgate.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meters tagged by partner. The tag's values are the ids of the registry in force plus {@value
 * GatewayMetrics#UNREGISTERED}, never anything a client sent: a registry reload adds the meters of
 * new partners and removes those of partners that left, so the series stay as many as the
 * registry's partners.
 */
final class PartnerMeters {
  private static final List<String> REQUEST_OUTCOMES =
      List.of(GatewayMetrics.OUTCOME_ACCEPTED, GatewayMetrics.OUTCOME_REJECTED);
  private static final List<String> RECORD_OUTCOMES =
      List.of(GatewayMetrics.OUTCOME_ACCEPTED, "unchanged", GatewayMetrics.OUTCOME_REJECTED);

  /** One partner's counters. */
  private record Counters(Counter accepted, Counter rejected, List<Counter> records) {
    List<Meter> all() {
      List<Meter> meters = new ArrayList<>(List.of(accepted, rejected));
      meters.addAll(records);
      return meters;
    }
  }

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, Counters> counters = new ConcurrentHashMap<>();

  /** A registered certificate a partner presented since start: whose, and when it expires. */
  private record Presented(String partner, Instant notAfter) {}

  /** By thumbprint; only thumbprints of the registry in force. */
  private final Map<String, Presented> certificates = new ConcurrentHashMap<>();

  /** The registry in force: each partner's registered certificate thumbprints. */
  private volatile Map<String, Set<String>> registeredThumbprints = Map.of();

  private final MultiGauge certificateExpiry;

  PartnerMeters(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    this.certificateExpiry =
        MultiGauge.builder(GatewayMetrics.PARTNER_CERTIFICATE_EXPIRY)
            .description(
                "Seconds until the first to expire of the registered client certificates a partner"
                    + " presented since start; negative once expired. No series until the partner"
                    + " connects")
            .baseUnit("seconds")
            .register(registry);
    counters.put(GatewayMetrics.UNREGISTERED, register(GatewayMetrics.UNREGISTERED));
  }

  /** The registry in force is now {@code partners}: each id with its certificate thumbprints. */
  synchronized void registered(Map<String, Set<String>> partners) {
    Set<String> now = partners.keySet();
    for (String partner : now) {
      counters.computeIfAbsent(partner, this::register);
    }
    for (Map.Entry<String, Counters> entry : new HashMap<>(counters).entrySet()) {
      String partner = entry.getKey();
      if (!partner.equals(GatewayMetrics.UNREGISTERED) && !now.contains(partner)) {
        counters.remove(partner);
        entry.getValue().all().forEach(registry::remove);
      }
    }
    registeredThumbprints = Map.copyOf(partners);
    // A certificate removed from the registry (a rotation completed) no longer counts.
    certificates
        .entrySet()
        .removeIf(
            presented ->
                !partners
                    .getOrDefault(presented.getValue().partner(), Set.of())
                    .contains(presented.getKey()));
    publishCertificates();
  }

  void request(String partner, String outcome) {
    Counters of = of(partner);
    (GatewayMetrics.OUTCOME_ACCEPTED.equals(outcome) ? of.accepted() : of.rejected()).increment();
  }

  void records(String partner, int accepted, int unchanged, int rejected) {
    List<Counter> records = of(partner).records();
    records.get(0).increment(accepted);
    records.get(1).increment(unchanged);
    records.get(2).increment(rejected);
  }

  /** Whether this certificate's expiry is already shown: the check of every request, lock-free. */
  boolean knowsCertificate(String thumbprint) {
    return certificates.containsKey(thumbprint);
  }

  /**
   * A partner presented this registered certificate. Once per certificate (a rotation's old and new
   * certificates both count, the earlier expiry shown, until the old one leaves the registry), so
   * the gauges are rebuilt only when a certificate is first seen.
   */
  void certificate(String partner, String thumbprint, Instant notAfter) {
    if (knowsCertificate(thumbprint)) {
      return;
    }
    synchronized (this) {
      if (registeredThumbprints.getOrDefault(partner, Set.of()).contains(thumbprint)
          && certificates.putIfAbsent(thumbprint, new Presented(partner, notAfter)) == null) {
        publishCertificates();
      }
    }
  }

  private Counters of(String partner) {
    Counters found = partner == null ? null : counters.get(partner);
    return found != null ? found : counters.get(GatewayMetrics.UNREGISTERED);
  }

  private void publishCertificates() {
    Map<String, Instant> earliest = new HashMap<>();
    for (Presented presented : certificates.values()) {
      earliest.merge(
          presented.partner(),
          presented.notAfter(),
          (one, other) -> one.isBefore(other) ? one : other);
    }
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    earliest.forEach(
        (partner, notAfter) ->
            rows.add(
                MultiGauge.Row.of(
                    Tags.of("partner", partner),
                    () -> Duration.between(clock.instant(), notAfter).toMillis() / 1000.0)));
    certificateExpiry.register(rows, true);
  }

  private Counters register(String partner) {
    List<Counter> requests = new ArrayList<>();
    for (String outcome : REQUEST_OUTCOMES) {
      requests.add(
          Counter.builder(GatewayMetrics.PARTNER_REQUESTS)
              .description(
                  "Partner requests answered, by partner (registry ids, or unregistered) and"
                      + " outcome")
              .tag("partner", partner)
              .tag("outcome", outcome)
              .register(registry));
    }
    List<Counter> records = new ArrayList<>();
    for (String outcome : RECORD_OUTCOMES) {
      records.add(
          Counter.builder(GatewayMetrics.PARTNER_RECORDS)
              .description("Records of new batches, by partner and fate")
              .tag("partner", partner)
              .tag("outcome", outcome)
              .register(registry));
    }
    return new Counters(requests.get(0), requests.get(1), List.copyOf(records));
  }
}
