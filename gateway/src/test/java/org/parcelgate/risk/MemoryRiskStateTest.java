package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoryRiskStateTest {
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  private static final StateKey KEY = new StateKey("counter", "a");

  /** A mutable value, as a unit-value band is. */
  private static final class Counter {
    int value;

    Counter(int value) {
      this.value = value;
    }

    static Counter decode(byte[] bytes) {
      return new Counter(Integer.parseInt(new String(bytes, StandardCharsets.UTF_8)));
    }

    byte[] encode() {
      return Integer.toString(value).getBytes(StandardCharsets.UTF_8);
    }
  }

  private static MemoryRiskState loadedWith(String value, Instant expiresAt) {
    return MemoryRiskState.loaded(
        Map.of(KEY, new MemoryRiskState.Value(value.getBytes(StandardCharsets.UTF_8), expiresAt)),
        NOW);
  }

  @Test
  void decodesAStoredValueOnceAndHandsOutTheSameObject() {
    MemoryRiskState state = loadedWith("7", null);
    AtomicInteger decoded = new AtomicInteger();

    Counter first =
        state.read(
            KEY,
            bytes -> {
              decoded.incrementAndGet();
              return Counter.decode(bytes);
            });
    Counter second = state.read(KEY, Counter::decode);

    assertThat(second).isSameAs(first);
    assertThat(decoded).hasValue(1);
    assertThat(state.changes()).isEmpty();
  }

  @Test
  void encodesAWrittenObjectAsItIsWhenTheChangesAreTaken() {
    MemoryRiskState state = loadedWith("7", null);
    Counter counter = state.read(KEY, Counter::decode);
    counter.value = 8;
    state.write(KEY, counter, Counter::encode, null);
    counter.value = 9;
    state.write(KEY, counter, Counter::encode, null);

    assertThat(state.changes().get(KEY).value()).asString(StandardCharsets.UTF_8).isEqualTo("9");
    assertThat(state.get(KEY)).asString(StandardCharsets.UTF_8).isEqualTo("9");
  }

  @Test
  void anExpiredValueIsAbsentToReadAndGet() {
    MemoryRiskState state = loadedWith("7", NOW);

    assertThat(state.get(KEY)).isNull();
    assertThat((Counter) state.read(KEY, Counter::decode)).isNull();
  }

  @Test
  void aValueLivesUntilItsExpiry() {
    MemoryRiskState state = loadedWith("7", NOW.plusSeconds(1));

    assertThat(state.read(KEY, Counter::decode).value).isEqualTo(7);
  }

  @Test
  void bytesPutReplaceADecodedObject() {
    MemoryRiskState state = loadedWith("7", null);
    state.read(KEY, Counter::decode);
    state.put(KEY, "3".getBytes(StandardCharsets.UTF_8), null);

    assertThat(state.read(KEY, Counter::decode).value).isEqualTo(3);
    assertThat(state.changes()).containsOnlyKeys(KEY);
  }
}
