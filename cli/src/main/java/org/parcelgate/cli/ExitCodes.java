package org.parcelgate.cli;

/**
 * The exit codes scripts can rely on; {@code parcelgate --help} lists them. A stop by a signal ends
 * with its usual status (143 for SIGTERM).
 */
final class ExitCodes {
  /** Done: the batch is stored with every record accepted or unchanged, the feed read, ... */
  static final int OK = 0;

  /** Something unexpected went wrong; the message says what. */
  static final int FAILURE = 1;

  /** The command line or a file given to it is wrong; nothing was sent. */
  static final int USAGE = 2;

  /** The gateway refused the request; its problem code is printed. */
  static final int REFUSED = 3;

  /** The batch is stored, but some records were rejected; they are listed. */
  static final int RECORDS_REJECTED = 4;

  /** No answer after every retry, or an answer whose signature does not verify. */
  static final int UNAVAILABLE = 5;

  private ExitCodes() {}
}
