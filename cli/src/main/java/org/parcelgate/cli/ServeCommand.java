package org.parcelgate.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.parcelgate.app.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parcelgate serve}: the gateway, exactly as {@code java -jar parcelgate-gateway.jar}. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Starts the gateway; Ctrl-C or SIGTERM drain it gracefully.",
      "Without --config: the embedded defaults, with the installation's sample PKI and data directory (the parcelgate script starts it in the installation directory); settings can also come from PARCELGATE_* variables (docs/operations.md)."
    })
final class ServeCommand implements Callable<Integer> {
  private static volatile boolean running;

  @Option(names = "--config", paramLabel = "FILE", description = "A YAML configuration file.")
  Path config;

  static boolean running() {
    return running;
  }

  @Override
  public Integer call() {
    List<String> args = new ArrayList<>();
    if (config != null) {
      args.add("--config");
      args.add(config.toString());
    }
    running = true;
    // The command line's own caller settings (PARCELGATE_URL, ...) are no gateway settings, which
    // the gateway would refuse as unknown.
    // Exits by itself when the gateway cannot start.
    Main.run(args.toArray(new String[0]), CallerSettings.gatewayEnvironment());
    return ExitCodes.OK;
  }
}
