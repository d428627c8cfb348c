package org.parcelgate.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The console's encoder: its pattern (from {@code logback.xml}) in the text format, {@link
 * JsonLineEncoder} in the JSON format, chosen per event from {@link Logging#format()}.
 */
public final class FormatEncoder extends PatternLayoutEncoder {
  private final JsonLineEncoder json = new JsonLineEncoder();

  @Override
  public void start() {
    json.setContext(getContext());
    json.start();
    super.start();
  }

  @Override
  public void stop() {
    json.stop();
    super.stop();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return Logging.format() == LogFormat.JSON ? json.encode(event) : super.encode(event);
  }
}
