package org.parcelgate.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
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

  /** A state whose keys hold counters 1, 2, ... in order, written and their changes taken. */
  private static MemoryRiskState checkpointed(StateKey... keys) {
    MemoryRiskState state = MemoryRiskState.empty(NOW);
    for (int i = 0; i < keys.length; i++) {
      state.write(keys[i], new Counter(i + 1), Counter::encode, null);
    }
    state.changes();
    state.clearChanges();
    return state;
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
  void settlingAStepKeepsAValueMadeInItAsBytesOnly() {
    MemoryRiskState state = MemoryRiskState.empty(NOW);
    Counter counter = new Counter(3);
    state.write(KEY, counter, Counter::encode, null);
    counter.value = 4; // changed after its write, before the step ends: the step's value is 4

    state.settle();
    counter.value = 5; // no longer the state's object

    Counter read = state.read(KEY, Counter::decode);
    assertThat(read).isNotSameAs(counter);
    assertThat(read.value).isEqualTo(4);
    assertThat(state.changes().get(KEY).value()).asString(StandardCharsets.UTF_8).isEqualTo("4");
  }

  @Test
  void settlingAStepKeepsTheObjectOfAValueMadeInAnEarlierOne() {
    MemoryRiskState state = MemoryRiskState.empty(NOW);
    Counter counter = new Counter(3);
    state.write(KEY, counter, Counter::encode, null);
    state.settle();
    Counter again = state.read(KEY, Counter::decode);
    again.value = 6;
    state.write(KEY, again, Counter::encode, null);

    state.settle();

    assertThat(state.read(KEY, Counter::decode)).isSameAs(again);
    assertThat(state.changes().get(KEY).value()).asString(StandardCharsets.UTF_8).isEqualTo("6");
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

  @Test
  void aKeyLoadedWithoutAValueIsHeldAsAbsentAndNotAskedForAgain() {
    MemoryRiskState state = MemoryRiskState.empty(NOW);
    StateKey other = new StateKey("counter", "b");

    state.load(
        Map.of(KEY, new MemoryRiskState.Value("7".getBytes(StandardCharsets.UTF_8), null)),
        List.of(KEY, other));

    assertThat(state.missing(List.of(KEY, other, new StateKey("counter", "c"))))
        .containsExactly(new StateKey("counter", "c"));
    assertThat(state.get(other)).isNull();
    assertThat(state.read(other, Counter::decode)).isNull();
    assertThat(state.read(KEY, Counter::decode).value).isEqualTo(7);
    assertThat(state.values()).containsOnlyKeys(KEY);
    assertThat(state.changes()).isEmpty();
  }

  @Test
  void loadingNeverReplacesWhatTheStateHolds() {
    MemoryRiskState state = MemoryRiskState.empty(NOW);
    state.write(KEY, new Counter(8), Counter::encode, null);

    state.load(
        Map.of(KEY, new MemoryRiskState.Value("7".getBytes(StandardCharsets.UTF_8), null)),
        List.of(KEY));

    assertThat(state.read(KEY, Counter::decode).value).isEqualTo(8);
  }

  @Test
  void trimForgetsTheValuesUsedLeastRecently() {
    StateKey b = new StateKey("counter", "b");
    StateKey c = new StateKey("counter", "c");
    StateKey d = new StateKey("counter", "d");
    MemoryRiskState state = checkpointed(KEY, b, c, d);
    state.read(KEY, Counter::decode);
    state.read(c, Counter::decode);

    state.trim(4 - 1);

    assertThat(state.size()).isEqualTo(2);
    assertThat(state.missing(List.of(KEY, b, c, d))).containsExactly(b, d);
  }

  @Test
  void aKeyObjectUsedWithTwoStatesFindsEachStatesOwnValue() {
    MemoryRiskState first = loadedWith("1", null);
    MemoryRiskState second = loadedWith("2", null);
    StateKey key = new StateKey("counter", "a");

    assertThat(first.read(key, Counter::decode).value).isEqualTo(1);
    assertThat(second.read(key, Counter::decode).value).isEqualTo(2);
    second.write(key, new Counter(3), Counter::encode, null);

    assertThat(first.read(key, Counter::decode).value).isEqualTo(1);
    assertThat(first.changes()).isEmpty();
    assertThat(second.read(key, Counter::decode).value).isEqualTo(3);
  }

  @Test
  void aKeyObjectWhoseValueWasTrimmedIsAskedForAgain() {
    StateKey b = new StateKey("counter", "b");
    MemoryRiskState state = checkpointed(KEY, b);
    state.read(b, Counter::decode);

    state.trim(1);

    assertThat(state.lacks(KEY)).isTrue();
    assertThat(state.get(KEY)).isNull();
    state.load(
        Map.of(KEY, new MemoryRiskState.Value("5".getBytes(StandardCharsets.UTF_8), null)),
        List.of(KEY));
    assertThat(state.read(KEY, Counter::decode).value).isEqualTo(5);
  }

  @Test
  void trimLeavesHalfItsBoundFreeSoThatTheNextStepsNeedNotTrim() {
    MemoryRiskState state = MemoryRiskState.empty(NOW);
    for (int i = 0; i < 9; i++) {
      state.write(new StateKey("counter", "k" + i), new Counter(i), Counter::encode, null);
    }
    state.changes();
    state.clearChanges();
    state.read(new StateKey("counter", "k0"), Counter::decode);

    state.trim(8);

    assertThat(state.size()).isEqualTo(4);
    assertThat(state.missing(List.of(new StateKey("counter", "k0"), new StateKey("counter", "k5"))))
        .containsExactly(new StateKey("counter", "k5"));
    state.trim(8);
    assertThat(state.size()).isEqualTo(4);
  }

  @Test
  void trimNeverForgetsAChangeNotYetTaken() {
    MemoryRiskState state = MemoryRiskState.empty(NOW);
    StateKey b = new StateKey("counter", "b");
    StateKey c = new StateKey("counter", "c");
    state.write(KEY, new Counter(1), Counter::encode, null);
    state.write(b, new Counter(2), Counter::encode, null);
    state.changes();
    state.clearChanges();
    state.write(c, new Counter(3), Counter::encode, null);

    state.trim(0);

    assertThat(state.size()).isEqualTo(1);
    assertThat(state.changedCount()).isEqualTo(1);
    assertThat(state.read(c, Counter::decode).value).isEqualTo(3);
  }

  @Test
  void aHeldValueExpiresAtTheTimeOfTheStepThatReadsIt() {
    MemoryRiskState state = MemoryRiskState.empty(NOW);
    state.write(KEY, new Counter(1), Counter::encode, NOW.plusSeconds(60));

    state.at(NOW.plusSeconds(59));
    assertThat(state.read(KEY, Counter::decode)).isNotNull();
    state.at(NOW.plusSeconds(60));
    assertThat(state.read(KEY, Counter::decode)).isNull();
  }

  @Test
  void aKeyAbsentAtALaterTimeIsAskedForAgainAtAnEarlierOne() {
    MemoryRiskState state = MemoryRiskState.empty(NOW);
    // The store had nothing live at NOW: its value, if any, had expired by then.
    state.load(Map.of(), List.of(KEY));
    assertThat(state.missing(List.of(KEY))).isEmpty();

    state.at(NOW.plusSeconds(10));
    assertThat(state.missing(List.of(KEY))).isEmpty();
    state.at(NOW.minusSeconds(10));
    assertThat(state.missing(List.of(KEY))).containsExactly(KEY);

    state.load(
        Map.of(
            KEY,
            new MemoryRiskState.Value("7".getBytes(StandardCharsets.UTF_8), NOW.minusSeconds(5))),
        List.of(KEY));
    assertThat(state.read(KEY, Counter::decode).value).isEqualTo(7);
  }
}
