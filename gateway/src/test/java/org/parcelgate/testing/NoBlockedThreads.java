package org.parcelgate.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.parcelgate.metrics.GatewayMetrics;

/**
 * Fails a test during which a gateway started by {@link TestGateway} reported a blocked event loop
 * or worker ({@code parcelgate_threads_blocked_total}): a blocking call on an event loop is a bug
 * even when every answer is right. Registered for every test class of this module (JUnit's
 * extension autodetection, see {@code junit-platform.properties}).
 */
public final class NoBlockedThreads implements AfterEachCallback, AfterAllCallback {
  /** Per gateway's meter registry, the warnings already reported or expected. */
  private static final Map<PrometheusMeterRegistry, Double> WATCHED = new ConcurrentHashMap<>();

  static void watch(PrometheusMeterRegistry meters) {
    WATCHED.put(meters, 0.0);
  }

  /**
   * Checks every watched gateway for warnings not seen before.
   *
   * @throws AssertionError naming how many warnings were new
   */
  public static void check() {
    double fresh = 0;
    for (Map.Entry<PrometheusMeterRegistry, Double> watched : WATCHED.entrySet()) {
      fresh += blocked(watched.getKey()) - watched.getValue();
    }
    if (fresh > 0) {
      throw new AssertionError(
          (long) fresh
              + " blocked-thread warning(s) from a gateway during this test (see the log for the"
              + " thread and its stack)");
    }
  }

  /** For a test that blocks a thread on purpose: its warnings so far are expected. */
  public static void expectWarnings() {
    WATCHED.replaceAll((meters, seen) -> blocked(meters));
  }

  private static double blocked(PrometheusMeterRegistry meters) {
    return meters.find(GatewayMetrics.THREADS_BLOCKED).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      check();
    } finally {
      expectWarnings();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      check();
    } finally {
      WATCHED.clear();
    }
  }
}
