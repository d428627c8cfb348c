package org.parcelgate.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.parcelgate.app.VerifyLogCommand;
import org.parcelgate.client.ParcelgateClient;
import org.parcelgate.client.SignedCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code parcelgate log}: the minimization log, exported and verified. */
@Command(
    name = "log",
    mixinStandardHelpOptions = true,
    description = "The minimization log: export it as a privacy officer, verify an export offline.",
    subcommands = {LogCommand.Export.class, LogCommand.Verify.class})
final class LogCommand {

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Exports the minimization log as a privacy officer (default privacy-officer) for offline verification.",
        "Fetches the latest signed checkpoint (verified), the log up to it, and the gateway's keys into DIR, ready for 'parcelgate log verify' on any machine."
      })
  static final class Export implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Mixin Connection connection;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The directory.")
    Path out;

    @Override
    public Integer call() throws IOException {
      PrintWriter err = spec.commandLine().getErr();
      try (ParcelgateClient client = connection.open("privacy-officer")) {
        SignedCheckpoint checkpoint = client.checkpoint();
        err.printf("checkpoint verified: %,d entries%n", checkpoint.treeSize());
        err.flush();
        List<String> entries = client.exportLog(0, checkpoint.treeSize());
        Files.createDirectories(out);
        Files.writeString(out.resolve("export.jsonl"), join(entries), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("checkpoint.jws"), checkpoint.jws() + "\n");
        Files.writeString(out.resolve("jwks.json"), client.gatewayKeys().toString(true));
        // The largest checkpoint the witnesses cosigned, if any, for 'log verify --witnessed'.
        java.util.Optional<String> witnessed = client.witnessedNote();
        if (witnessed.isPresent()) {
          Files.writeString(out.resolve("witnessed.note"), witnessed.get());
        }
        spec.commandLine()
            .getOut()
            .printf(
                "%,d entries exported to %s; verify with:%n  parcelgate log verify --log %s"
                    + " --checkpoint %s --keys %s%n",
                entries.size(),
                out,
                out.resolve("export.jsonl"),
                out.resolve("checkpoint.jws"),
                out.resolve("jwks.json"));
        return ExitCodes.OK;
      }
    }

    private static String join(List<String> lines) {
      StringBuilder text = new StringBuilder();
      lines.forEach(line -> text.append(line).append('\n'));
      return text.toString();
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verifies an exported minimization log offline, with nothing but the files.",
        "The entries hashed as an RFC 9162 Merkle tree must give the root of the checkpoint, whose signature must verify with the gateway's keys. Exit 0 verified, 5 not verified."
      })
  static final class Verify implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--log",
        required = true,
        paramLabel = "EXPORT.jsonl",
        description = "The export; repeat for its pages, in order.")
    List<Path> logs = new ArrayList<>();

    @Option(
        names = "--checkpoint",
        required = true,
        description = "The checkpoint: its JSON answer or the bare JWS.")
    Path checkpoint;

    @Option(names = "--keys", required = true, description = "The gateway's JWK set.")
    Path keys;

    @Option(
        names = "--witnessed",
        paramLabel = "NOTE",
        description =
            "The checkpoint note the witnesses cosigned (witnessed.note of 'log export'): checked with --log-key"
                + " and --witness-key, and the export must match it too.")
    Path witnessed;

    @Option(
        names = "--log-key",
        paramLabel = "VKEY",
        description = "The log's note verifier key, from the gateway's operator.")
    String logKey;

    @Option(
        names = "--witness-key",
        paramLabel = "VKEY",
        description = "A witness's verifier key, from its operator; repeat for each.")
    List<String> witnessKeys = new ArrayList<>();

    @Option(
        names = "--require",
        paramLabel = "N",
        description = "How many of the witnesses must have cosigned (default 0).")
    int required;

    @Override
    public Integer call() {
      List<String> args = new ArrayList<>();
      logs.forEach(log -> List.of("--log", log.toString()).forEach(args::add));
      args.addAll(List.of("--checkpoint", checkpoint.toString(), "--keys", keys.toString()));
      if (witnessed != null) {
        args.addAll(List.of("--witnessed", witnessed.toString()));
      }
      if (logKey != null) {
        args.addAll(List.of("--log-key", logKey));
      }
      witnessKeys.forEach(key -> args.addAll(List.of("--witness-key", key)));
      if (required > 0) {
        args.addAll(List.of("--require", Integer.toString(required)));
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status =
          VerifyLogCommand.run(
              args,
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
      spec.commandLine().getOut().print(out.toString(StandardCharsets.UTF_8));
      spec.commandLine().getErr().print(err.toString(StandardCharsets.UTF_8));
      return switch (status) {
        case 0 -> ExitCodes.OK;
        case 2 -> ExitCodes.USAGE;
        default -> ExitCodes.UNAVAILABLE;
      };
    }
  }
}
