package org.parcelgate.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Appends one readable line per check to {@code target/conformance-report.txt} (or {@code
 * parcelgate.report}): PASS or FAIL, the check, and for a failure the reason.
 */
public final class ConformanceReport implements TestWatcher {
  private static final Path REPORT =
      Path.of(System.getProperty("parcelgate.report", "target/conformance-report.txt"));

  static {
    // One report per run of the suite.
    try {
      Files.deleteIfExists(REPORT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void testSuccessful(ExtensionContext context) {
    write("PASS  " + name(context));
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    String reason = String.valueOf(cause.getMessage()).replaceAll("\\s+", " ");
    write(
        "FAIL  "
            + name(context)
            + "\n      "
            + (reason.length() > 400 ? reason.substring(0, 400) : reason));
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    write("SKIP  " + name(context) + " " + reason.orElse(""));
  }

  private static String name(ExtensionContext context) {
    return context.getRequiredTestClass().getSimpleName() + " > " + context.getDisplayName();
  }

  private static synchronized void write(String line) {
    try {
      Files.createDirectories(REPORT.toAbsolutePath().getParent());
      Files.writeString(
          REPORT,
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
