package org.parcelgate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** One event, one line of JSON, whatever its message, values and exception hold. */
class JsonLineEncoderTest {
  private final LoggerContext context = new LoggerContext();

  private String encode(LoggingEvent event) {
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }

  private LoggingEvent event(String message, Throwable thrown, Object... arguments) {
    LoggingEvent event =
        new LoggingEvent(
            "test",
            context.getLogger("org.parcelgate.Test"),
            Level.WARN,
            message,
            thrown,
            arguments);
    event.setTimeStamp(1_767_323_045_000L);
    return event;
  }

  @Test
  void writesOneObjectWithTheKeyValuesAsMembers() {
    LoggingEvent event = event("batch {} stored", null, "b-1");
    event.setKeyValuePairs(
        List.of(
            new KeyValuePair(LogKeys.REQUEST_ID, "r-1"),
            new KeyValuePair(LogKeys.PARTNER, "marketplace-alpha")));

    String line = encode(event);

    assertThat(line).endsWith("}\n").doesNotContain("\r").hasLineCount(1);
    JsonObject json = new JsonObject(line);
    assertThat(json.getString("time")).isEqualTo("2026-01-02T03:04:05.000Z");
    assertThat(json.getString("level")).isEqualTo("WARN");
    assertThat(json.getString("logger")).isEqualTo("org.parcelgate.Test");
    assertThat(json.getString("message")).isEqualTo("batch b-1 stored");
    assertThat(json.getString("request_id")).isEqualTo("r-1");
    assertThat(json.getString("partner")).isEqualTo("marketplace-alpha");
  }

  @Test
  void escapesLineBreaksQuotesAndControlCharactersSoAnEventStaysOnOneLine() {
    String hostile = "a\nb\r\"c\"\\d\u0000e\u2028f\tg\u007f";
    String line = encode(event(hostile, new IllegalStateException("broken\nline")));

    assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r", "\u2028");
    JsonObject json = new JsonObject(line);
    assertThat(json.getString("message")).isEqualTo(hostile);
    assertThat(json.getString("exception"))
        .startsWith("java.lang.IllegalStateException: broken\nline")
        .contains("at org.parcelgate.logging.JsonLineEncoderTest");
  }

  @Test
  void aKeyValueCannotReplaceAStandardMember() {
    LoggingEvent event = event("real", null);
    event.setKeyValuePairs(List.of(new KeyValuePair("message", "forged")));

    assertThat(new JsonObject(encode(event)).getString("message")).isEqualTo("real");
  }
}
