package org.parcelgate.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.parcelgate.config.ConfigException;
import org.parcelgate.config.ConfigLoader;
import org.parcelgate.config.GatewayConfig;
import org.parcelgate.tls.PartnerServerOptions;

/**
 * Starts the gateway: {@code java -jar parcelgate-gateway.jar [--config FILE]}; or, with {@code
 * verify-log}, verifies an exported minimization log offline (see {@link VerifyLogCommand}). Exit
 * codes: 1 if the gateway could not start, 2 for a usage or configuration error; a stop by signal
 * drains gracefully and then ends with the signal's usual status (143 for SIGTERM).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    run(args, System.getenv());
  }

  /**
   * Starts the gateway with these environment variables as the source of {@code PARCELGATE_*}
   * settings: a program that embeds the gateway (the {@code parcelgate serve} command) leaves out
   * the variables that are its own.
   */
  public static void run(String[] args, Map<String, String> environment) {
    // JVM-wide and read once, when the first server handshake loads the TLS engine: before
    // anything.
    PartnerServerOptions.rejectClientInitiatedRenegotiation();
    if (args.length > 0 && args[0].equals(VerifyLogCommand.NAME)) {
      System.exit(
          VerifyLogCommand.run(
              java.util.Arrays.asList(args).subList(1, args.length), System.out, System.err));
      return;
    }
    Optional<Path> configFile;
    try {
      configFile = configFile(args, environment);
    } catch (IllegalArgumentException e) {
      System.err.println("parcelgate: " + e.getMessage());
      System.err.println("usage: java -jar parcelgate-gateway.jar [--config FILE]");
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = instrumentedVertx(meters);
    try {
      GatewayConfig config =
          ConfigLoader.load(vertx, configFile, environment)
              .toCompletionStage()
              .toCompletableFuture()
              .get();
      Gateway gateway =
          Gateway.start(vertx, config, meters, Clock.systemUTC())
              .toCompletionStage()
              .toCompletableFuture()
              .get();
      // Draining the partner port, then a push in flight, then closing.
      Duration grace =
          config
              .partnerApi()
              .shutdownGrace()
              .plus(
                  config.delivery().push().endpoints().isEmpty()
                      ? Duration.ZERO
                      : config.delivery().push().requestTimeout())
              .plusSeconds(5);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      gateway
                          .stop()
                          .toCompletionStage()
                          .toCompletableFuture()
                          .get(grace.toMillis(), TimeUnit.MILLISECONDS);
                      vertx
                          .close()
                          .toCompletionStage()
                          .toCompletableFuture()
                          .get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                      System.err.println(
                          "parcelgate: shutdown did not complete cleanly: " + e.getMessage());
                    }
                  },
                  "parcelgate-shutdown"));
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof ConfigException config) {
        System.err.println(
            "parcelgate: configuration error: " + config.key() + ": " + config.reason());
        vertx.close();
        System.exit(2);
      }
      System.err.println("parcelgate: cannot start: " + cause.getMessage());
      vertx.close();
      System.exit(1);
    }
  }

  /**
   * The Vert.x instance of a gateway process: its HTTP, pool and JVM meters go to {@code meters},
   * beside the gateway's own.
   */
  public static Vertx instrumentedVertx(PrometheusMeterRegistry meters) {
    return Vertx.builder()
        .with(
            new VertxOptions()
                .setMetricsOptions(
                    new MicrometerMetricsOptions()
                        .setEnabled(true)
                        .setJvmMetricsEnabled(true)
                        .addLabels(Label.LOCAL)))
        .withMetrics(new MicrometerMetricsFactory(meters))
        .build();
  }

  private static Optional<Path> configFile(String[] args, Map<String, String> environment) {
    if (args.length == 0) {
      return ConfigLoader.configFile(Optional.empty(), environment);
    }
    if (args.length == 2 && args[0].equals("--config")) {
      return ConfigLoader.configFile(Optional.of(Path.of(args[1])), environment);
    }
    throw new IllegalArgumentException("unexpected arguments");
  }
}
