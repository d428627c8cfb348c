package org.parcelgate.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * {@code %keyValues} in a text pattern: the event's key/value pairs as {@code " key=value"} each,
 * nothing when it has none. Values are identifiers (request ids, partner ids), written as they are.
 */
public final class KeyValuesConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs == null || pairs.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (KeyValuePair pair : pairs) {
      out.append(' ').append(pair.key).append('=').append(pair.value);
    }
    return out.toString();
  }
}
