package org.parcelgate.logging;

/**
 * The process's log format. Logback reads {@code logback.xml} when the first logger is made, before
 * the gateway's configuration is loaded; its console encoder ({@link FormatEncoder}) asks this
 * class for the format of each event, and the gateway sets it from {@code log.format} as it starts.
 * One format per process: the log is the process's standard error.
 */
public final class Logging {
  private static volatile LogFormat format = LogFormat.TEXT;

  private Logging() {}

  /** Writes every following event in {@code format}; an event is never split between two. */
  public static void use(LogFormat format) {
    Logging.format = format;
  }

  public static LogFormat format() {
    return format;
  }
}
