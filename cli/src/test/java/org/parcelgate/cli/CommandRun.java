package org.parcelgate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** One run of the parcelgate command in this JVM: its exit status and what it wrote. */
final class CommandRun {
  final int status;
  final String out;
  final String err;

  /** With this process's environment and home directory. */
  CommandRun(String... args) {
    this(ParcelgateCommand.commandLine(), args);
  }

  /** With these environment variables and this home directory (where a default profile lives). */
  CommandRun(Map<String, String> environment, Path user, String... args) {
    this(ParcelgateCommand.commandLine(environment, user), args);
  }

  private CommandRun(CommandLine line, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    this.status = line.execute(args);
    this.out = out.toString();
    this.err = err.toString();
  }
}
