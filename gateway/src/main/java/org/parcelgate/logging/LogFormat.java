package org.parcelgate.logging;

import java.util.Locale;

/** How log lines are written: {@code log.format} in the configuration. */
public enum LogFormat {
  /** {@code <ISO time> <LEVEL> <logger> - <message>[ key=value ...]}, for people. */
  TEXT,
  /** One JSON object per line, for log pipelines (see {@link JsonLineEncoder}). */
  JSON;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The format named {@code text} or {@code json}. */
  public static LogFormat of(String wireName) {
    for (LogFormat format : values()) {
      if (format.wireName().equals(wireName)) {
        return format;
      }
    }
    throw new IllegalArgumentException("not a log format: " + wireName);
  }
}
