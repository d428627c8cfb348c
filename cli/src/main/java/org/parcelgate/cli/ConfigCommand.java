package org.parcelgate.cli;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.parcelgate.app.ConfigCheck;
import org.parcelgate.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code parcelgate config}: the gateway's configuration, checked without starting it. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "The gateway's configuration.",
    subcommands = {ConfigCommand.Check.class})
final class ConfigCommand {
  /** {@code parcelgate config check}: {@link ConfigCheck} on the configuration serve would use. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Validates a configuration and every file it names (registry, privacy policies, pseudonym and signing keys, TLS certificates, keys and CRLs, store URL and password source, data directory) without starting anything: no port is bound, no store opened, nothing written.",
        "Prints each problem with its key and exits with 2; exits with 0 and a short summary when the gateway would start with it. Without --config: PARCELGATE_CONFIG, or the embedded defaults, as serve; PARCELGATE_* variables apply as they do to serve."
      })
  static final class Check implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML configuration file.")
    Path config;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Map<String, String> environment = CallerSettings.gatewayEnvironment();
      Optional<Path> file = ConfigLoader.configFile(Optional.ofNullable(config), environment);
      String name = file.map(Path::toString).orElse("the embedded defaults");
      Vertx vertx = Vertx.vertx();
      ConfigCheck.Report report;
      try {
        report = ConfigCheck.check(vertx, file, environment, Clock.systemUTC());
      } finally {
        vertx.close();
      }
      if (!report.ok()) {
        for (ConfigCheck.Problem problem : report.problems()) {
          err.println("parcelgate: config check: " + problem);
        }
        err.printf(
            "%d problem%s in %s%n",
            report.problems().size(), report.problems().size() == 1 ? "" : "s", name);
        return ExitCodes.USAGE;
      }
      out.println("configuration " + name + ": no problems");
      for (String line : report.summary()) {
        out.println("  " + line);
      }
      return ExitCodes.OK;
    }
  }

  private ConfigCommand() {}
}
