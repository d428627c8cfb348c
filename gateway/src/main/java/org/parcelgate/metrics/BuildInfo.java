package org.parcelgate.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * What was built and what runs it: the project's version and git commit, written into the jar by
 * the build (see gateway/pom.xml), and the Java version of this process.
 *
 * @param version the Maven version, {@code unknown} if the build did not record it
 * @param commit the git commit built, {@code unknown} if the build had no git checkout
 * @param java the running JVM's version
 */
public record BuildInfo(String version, String commit, String java) {
  static final String UNKNOWN = "unknown";
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,64}");
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z.+_-]{1,64}");

  /** The build's record, from the class path. */
  public static BuildInfo current() {
    String version = UNKNOWN;
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        version = checked(properties.getProperty("version"), VERSION);
      }
    } catch (IOException e) {
      version = UNKNOWN;
    }
    String commit = UNKNOWN;
    try (InputStream in = BuildInfo.class.getResourceAsStream("git-commit")) {
      if (in != null) {
        commit = checked(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim(), COMMIT);
      }
    } catch (IOException e) {
      commit = UNKNOWN;
    }
    return new BuildInfo(version, commit, Runtime.version().toString());
  }

  /** The value if it has the expected form (an unfiltered {@code ${...}} has not), else unknown. */
  private static String checked(String value, Pattern form) {
    return value != null && form.matcher(value).matches() ? value : UNKNOWN;
  }
}
