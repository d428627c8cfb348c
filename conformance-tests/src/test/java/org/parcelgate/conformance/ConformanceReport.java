package org.parcelgate.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** The lines of each class, in the order the classes ran (JUnit may interleave them). */
  private static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();

  private static final Instant STARTED = Instant.now();

  /** PASS, FAIL and SKIP, counted. */
  private static final Map<String, Integer> COUNTS = new LinkedHashMap<>();

  @Override
  public void testSuccessful(ExtensionContext context) {
    record(context, "PASS", check(context));
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    String reason = String.valueOf(cause.getMessage()).replaceAll("\\s+", " ");
    record(context, "FAIL", check(context) + "\n        " + abbreviated(reason));
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    record(context, "SKIP", check(context) + " " + reason.orElse(""));
  }

  /**
   * A class whose set-up failed runs none of its checks: say so, or the report would look clean.
   */
  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable cause)
      throws Throwable {
    String reason = String.valueOf(cause.getMessage()).replaceAll("\\s+", " ");
    record(context, "FAIL", "set-up of every check of this class\n        " + abbreviated(reason));
    throw cause;
  }

  /**
   * The class of refusal or good path a test class checks, from its name:
   * TokenHeaderConformanceTest -> Token header.
   */
  private static String group(ExtensionContext context) {
    String name = context.getRequiredTestClass().getSimpleName().replace("ConformanceTest", "");
    return name.charAt(0) + words(name.substring(1));
  }

  /** The check's method name, as words: refusesAReplayedToken -> refuses a replayed token. */
  private static String check(ExtensionContext context) {
    return words(context.getRequiredTestMethod().getName());
  }

  private static String words(String camelCase) {
    return camelCase
        .replaceAll("([a-z0-9])([A-Z])", "$1 $2")
        .replaceAll("([A-Z])([A-Z][a-z])", "$1 $2")
        .toLowerCase(java.util.Locale.ROOT);
  }

  private static String abbreviated(String reason) {
    return reason.length() > 400 ? reason.substring(0, 400) : reason;
  }

  private static synchronized void record(ExtensionContext context, String outcome, String line) {
    GROUPS
        .computeIfAbsent(group(context), name -> new ArrayList<>())
        .add("  " + outcome + "  " + line);
    COUNTS.merge(outcome, 1, Integer::sum);
    List<String> report = new ArrayList<>();
    report.add("Parcelgate conformance report");
    report.addAll(Target.get().describe());
    report.add("started:  " + STARTED);
    GROUPS.forEach(
        (group, lines) -> {
          report.add("");
          report.add(group);
          report.addAll(lines);
        });
    report.add("");
    report.add(
        COUNTS.getOrDefault("PASS", 0)
            + " PASS, "
            + COUNTS.getOrDefault("FAIL", 0)
            + " FAIL"
            + (COUNTS.containsKey("SKIP") ? ", " + COUNTS.get("SKIP") + " SKIP" : ""));
    try {
      Files.createDirectories(REPORT.toAbsolutePath().getParent());
      Files.write(REPORT, report, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
