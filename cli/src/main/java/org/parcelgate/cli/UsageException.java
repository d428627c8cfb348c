package org.parcelgate.cli;

/** A command line or input file that cannot work; exit code {@link ExitCodes#USAGE}. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
