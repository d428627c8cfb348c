package org.parcelgate.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The readable report of a run, {@code target/conformance-report.txt} (or {@code
 * parcelgate.report}): the target, then one line per check grouped by class (PASS or FAIL, the
 * check in words, and for a failure the reason), then the counts. Rewritten after every check, so
 * an interrupted run still leaves a report.
 */
public final class ConformanceReport
    implements TestWatcher, LifecycleMethodExecutionExceptionHandler {
  private static final Path REPORT =
      Path.of(System.getProperty("parcelgate.report", "target/conformance-report.txt"));

  private static final List<String> LINES = new ArrayList<>();
  private static final Instant STARTED = Instant.now();
  private static int passed;
  private static int failed;
  private static String group;

  @Override
  public void testSuccessful(ExtensionContext context) {
    record(context, true, "PASS  " + check(context));
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    String reason = String.valueOf(cause.getMessage()).replaceAll("\\s+", " ");
    record(
        context,
        false,
        "FAIL  "
            + check(context)
            + "\n        "
            + (reason.length() > 400 ? reason.substring(0, 400) : reason));
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    record(context, true, "SKIP  " + check(context) + " " + reason.orElse(""));
  }

  /**
   * A class whose set-up failed runs none of its checks: say so, or the report would look clean.
   */
  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable cause)
      throws Throwable {
    String reason = String.valueOf(cause.getMessage()).replaceAll("\\s+", " ");
    record(
        context,
        false,
        "FAIL  set-up of every check of this class\n        "
            + (reason.length() > 400 ? reason.substring(0, 400) : reason));
    throw cause;
  }

  /** The class of refusal or good path a test class checks, from its name. */
  private static String group(ExtensionContext context) {
    return context.getRequiredTestClass().getSimpleName().replace("ConformanceTest", "");
  }

  /** The check's method name, as words: refusesAReplayedToken -> refuses a replayed token. */
  private static String check(ExtensionContext context) {
    String name = context.getRequiredTestMethod().getName();
    return name.replaceAll("([a-z0-9])([A-Z])", "$1 $2")
        .replaceAll("([A-Z])([A-Z][a-z])", "$1 $2")
        .toLowerCase(java.util.Locale.ROOT);
  }

  private static synchronized void record(ExtensionContext context, boolean pass, String line) {
    String current = group(context);
    if (!current.equals(group)) {
      group = current;
      LINES.add("");
      LINES.add(current);
    }
    LINES.add("  " + line);
    if (pass) {
      passed++;
    } else {
      failed++;
    }
    List<String> report = new ArrayList<>();
    report.add("Parcelgate conformance report");
    report.add("target:  " + Target.get().describe());
    report.add("started: " + STARTED);
    report.addAll(LINES);
    report.add("");
    report.add(passed + " passed, " + failed + " failed");
    try {
      Files.createDirectories(REPORT.toAbsolutePath().getParent());
      Files.write(REPORT, report, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
