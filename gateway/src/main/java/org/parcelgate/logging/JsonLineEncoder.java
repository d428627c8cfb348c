package org.parcelgate.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One log event as one line of JSON, flat so that log pipelines index it without a schema:
 *
 * <pre>{@code
 * {"time":"2026-01-02T03:04:05.678Z","level":"INFO","logger":"org.parcelgate.http.BatchEndpoints",
 *  "thread":"vert.x-eventloop-thread-1","message":"batch ... stored: ...","request_id":"...",
 *  "partner":"marketplace-alpha"}
 * }</pre>
 *
 * The event's key/value pairs ({@link LogKeys}) become members of their own; a stack trace is one
 * string member, {@code exception}. Every control character is escaped, so an event never spans two
 * lines.
 *
 * <p>Written by hand rather than with Logback's own {@code JsonEncoder}: that one nests key/value
 * pairs in a list of one-member objects and adds fields (sequence numbers, nanoseconds, context)
 * that a log pipeline has no use for.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);
  private static final Set<String> RESERVED =
      Set.of("time", "level", "logger", "thread", "message", "exception");

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder out = new StringBuilder(256);
    out.append('{');
    member(out, "time", TIME.format(Instant.ofEpochMilli(event.getTimeStamp())));
    out.append(',');
    member(out, "level", event.getLevel().toString());
    out.append(',');
    member(out, "logger", event.getLoggerName());
    out.append(',');
    member(out, "thread", event.getThreadName());
    out.append(',');
    member(out, "message", event.getFormattedMessage());
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        if (pair.key == null || RESERVED.contains(pair.key)) {
          continue;
        }
        out.append(',');
        member(out, pair.key, pair.value == null ? null : String.valueOf(pair.value));
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      out.append(',');
      member(out, "exception", ThrowableProxyUtil.asString(thrown));
    }
    out.append("}\n");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  private static void member(StringBuilder out, String name, String value) {
    string(out, name);
    out.append(':');
    if (value == null) {
      out.append("null");
    } else {
      string(out, value);
    }
  }

  /** A JSON string (RFC 8259), with every control character and the line separators escaped. */
  static void string(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029' || (c >= 0x7f && c < 0xa0)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
