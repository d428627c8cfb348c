package org.parcelgate.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.parcelgate.client.ClientException;
import org.parcelgate.client.ProblemException;
import org.parcelgate.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** {@code parcelgate}: the gateway, its sample keys and its partners' calls in one command. */
@Command(
    name = "parcelgate",
    mixinStandardHelpOptions = true,
    versionProvider = ParcelgateCommand.Version.class,
    description =
        "Secure data exchange between e-commerce marketplaces and customs administrations.",
    subcommands = {
      ServeCommand.class,
      KeysCommand.class,
      PushCommand.class,
      PullCommand.class,
      TokenCommand.class,
      WhoamiCommand.class,
      SampleCommand.class,
      LogCommand.class,
      DemoCommand.class,
      LoadCommand.class,
      RiskEvaluationCommand.class,
      ClusterCommand.class,
      BackupCommand.class,
      RestoreCommand.class,
      ConfigCommand.class,
      WitnessCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  done (a batch: every record accepted or unchanged)",
      "  1  unexpected failure",
      "  2  wrong command line or input file; nothing was sent",
      "  3  refused by the gateway (its problem code is printed)",
      "  4  batch stored, but some records were rejected (listed)",
      "  5  no answer after every retry, or a signature that does not verify",
      "",
      "From any directory, the defaults use the installation's sample PKI",
      "(keys-sample/generated) and the gateway of 'parcelgate serve'",
      "(https://localhost:8443); PARCELGATE_URL, PARCELGATE_AS, ... or a",
      "profile file set others (docs/client.md).",
      "'parcelgate help COMMAND' explains one."
    })
public final class ParcelgateCommand {
  private final Map<String, String> environment;
  private final Path userHome;

  private ParcelgateCommand(Map<String, String> environment, Path userHome) {
    this.environment = Map.copyOf(environment);
    this.userHome = userHome;
  }

  public static void main(String[] args) {
    CommandLine line = commandLine();
    line.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
    line.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
    int status = line.execute(args);
    line.getOut().flush();
    line.getErr().flush();
    if (status != ExitCodes.OK || !ServeCommand.running()) {
      System.exit(status);
    }
  }

  /** The command line of this process's environment and user. */
  static CommandLine commandLine() {
    String home = System.getProperty("user.home");
    return commandLine(System.getenv(), home == null ? null : Path.of(home));
  }

  /**
   * The command line with its error handling, reading caller settings from {@code environment} and
   * the profile under {@code userHome}; tests give their own and capture its output streams.
   */
  static CommandLine commandLine(Map<String, String> environment, Path userHome) {
    CommandLine line = new CommandLine(new ParcelgateCommand(environment, userHome));
    // Wide enough that URLs and paths in option descriptions are not broken inside.
    line.setUsageHelpWidth(100);
    line.setExecutionExceptionHandler(
        (failure, commandLine, parsed) -> {
          PrintWriter err = commandLine.getErr();
          if (failure instanceof UsageException || failure instanceof IllegalArgumentException) {
            err.println("parcelgate: " + failure.getMessage());
            return ExitCodes.USAGE;
          }
          if (failure instanceof ConfigException config) {
            err.println(
                "parcelgate: configuration error: " + config.key() + ": " + config.reason());
            return ExitCodes.USAGE;
          }
          if (failure instanceof ProblemException problem) {
            err.println(
                "parcelgate: refused: "
                    + problem.status()
                    + " "
                    + problem.code()
                    + (problem.detail() == null ? "" : " (" + problem.detail() + ")")
                    + (problem.requestId() == null ? "" : ", request id " + problem.requestId()));
            return ExitCodes.REFUSED;
          }
          if (failure instanceof ClientException client) {
            err.println("parcelgate: " + client.getMessage());
            return ExitCodes.UNAVAILABLE;
          }
          err.println("parcelgate: " + failure);
          return ExitCodes.FAILURE;
        });
    return line;
  }

  /**
   * The caller settings of the command line {@code spec} belongs to: its environment, and the
   * profile of {@code --profile} (or {@code null}) or the default one.
   */
  static CallerSettings settings(CommandSpec spec, Path profile) {
    Object root = spec == null ? null : spec.root().userObject();
    if (root instanceof ParcelgateCommand command) {
      return CallerSettings.load(command.environment, command.userHome, profile);
    }
    String home = System.getProperty("user.home");
    return CallerSettings.load(System.getenv(), home == null ? null : Path.of(home), profile);
  }

  /** The version of the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ParcelgateCommand.class.getPackage().getImplementationVersion();
      return new String[] {"parcelgate " + (version == null ? "(development build)" : version)};
    }
  }
}
