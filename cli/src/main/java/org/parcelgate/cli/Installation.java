package org.parcelgate.cli;

import java.nio.file.Path;

/**
 * Where the parcelgate installation is, so that its defaults (the sample PKI in {@code
 * keys-sample/generated}) are found from any working directory. The script that starts the command
 * passes its own directory as the system property {@value #HOME_PROPERTY}; without it (a plain
 * {@code java -jar}), the defaults are relative to the working directory, as before. Paths given on
 * the command line are always taken as given: relative to the working directory.
 */
final class Installation {
  /** The system property naming the installation directory. */
  static final String HOME_PROPERTY = "parcelgate.home";

  /** The sample PKI of the installation, the default identity of every call. */
  static final String SAMPLE_PKI = "keys-sample/generated";

  private Installation() {}

  /** {@code relative} inside the installation, or relative to the working directory without one. */
  static Path resolve(String relative) {
    String home = System.getProperty(HOME_PROPERTY);
    return home == null || home.isBlank() ? Path.of(relative) : Path.of(home).resolve(relative);
  }
}
