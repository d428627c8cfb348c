package org.parcelgate.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.parcelgate.risk.RiskRecord;
import org.parcelgate.store.RiskInput;

class HandOversTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final String NL = "customs-nl";
  private static final String DE = "customs-de";

  private static List<RiskRecord> batch(String batchId, int size) {
    List<RiskRecord> records = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      records.add(
          new RiskRecord(
              "mp-1",
              batchId + "-t" + i,
              1,
              NOW,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              List.of()));
    }
    return records;
  }

  /** A step's input: one row per batch id, in order; {@code more} when rows are left after it. */
  private static RiskInput input(String recipient, boolean more, String... batchIds) {
    List<RiskInput.Row> rows = new ArrayList<>();
    for (int i = 0; i < batchIds.length; i++) {
      rows.add(new RiskInput.Row(i + 1, "mp-1", "t" + i, 1, batchIds[i], 0, NOW));
    }
    return new RiskInput(
        recipient, 0, 0, more ? batchIds.length + 1 : batchIds.length, rows, Map.of());
  }

  @Test
  void holdsABatchPerRecipient() {
    HandOvers handOvers = new HandOvers(10);
    List<RiskRecord> b1 = batch("b1", 2);

    handOvers.hold("b1", NL, b1);

    assertThat(handOvers.get("b1", NL)).isSameAs(b1);
    assertThat(handOvers.get("b1", DE)).isNull();
    assertThat(handOvers.records()).isEqualTo(2);
  }

  @Test
  void letsTheOldestBatchesGoBeyondItsBound() {
    HandOvers handOvers = new HandOvers(5);
    handOvers.hold("b1", NL, batch("b1", 2));
    handOvers.hold("b2", NL, batch("b2", 2));

    handOvers.hold("b3", NL, batch("b3", 2));

    assertThat(handOvers.get("b1", NL)).isNull();
    assertThat(handOvers.get("b2", NL)).isNotNull();
    assertThat(handOvers.get("b3", NL)).isNotNull();
    assertThat(handOvers.records()).isEqualTo(4);
  }

  @Test
  void aBatchLargerThanItsBoundIsNotHeld() {
    HandOvers handOvers = new HandOvers(3);

    handOvers.hold("b1", NL, batch("b1", 4));

    assertThat(handOvers.get("b1", NL)).isNull();
    assertThat(handOvers.records()).isZero();
  }

  @Test
  void aBatchHandedOverAgainCountsOnce() {
    HandOvers handOvers = new HandOvers(10);
    handOvers.hold("b1", NL, batch("b1", 3));

    handOvers.hold("b1", NL, batch("b1", 2));

    assertThat(handOvers.records()).isEqualTo(2);
  }

  @Test
  void releasesTheBatchesAStepReadToTheirEndButTheOpenLastOne() {
    HandOvers handOvers = new HandOvers(10);
    handOvers.hold("b1", NL, batch("b1", 1));
    handOvers.hold("b2", NL, batch("b2", 1));
    handOvers.hold("b1", DE, batch("b1", 1));

    handOvers.release(NL, input(NL, true, "b1", "b2"));

    assertThat(handOvers.get("b1", NL)).isNull();
    // Rows are left after the step, and they may be b2's.
    assertThat(handOvers.get("b2", NL)).isNotNull();
    assertThat(handOvers.get("b1", DE)).isNotNull();
    assertThat(handOvers.records()).isEqualTo(2);

    handOvers.release(NL, input(NL, false, "b2"));

    assertThat(handOvers.get("b2", NL)).isNull();
    assertThat(handOvers.records()).isEqualTo(1);
  }

  @Test
  void doesNotHoldABatchAStepReadToItsEndBeforeItsHandOver() {
    HandOvers handOvers = new HandOvers(10);
    handOvers.release(NL, input(NL, false, "b1"));

    handOvers.hold("b1", NL, batch("b1", 1));
    handOvers.hold("b1", DE, batch("b1", 1));

    assertThat(handOvers.get("b1", NL)).isNull();
    assertThat(handOvers.get("b1", DE)).isNotNull();
    // Remembered once: a second hand-over of the batch is held.
    handOvers.hold("b1", NL, batch("b1", 1));
    assertThat(handOvers.get("b1", NL)).isNotNull();
  }

  @Test
  void remembersOnlyTheLatestBatchesReadBeforeTheirHandOver() {
    HandOvers handOvers = new HandOvers(1_000);
    for (int i = 0; i <= HandOvers.READ_AHEAD; i++) {
      handOvers.release(NL, input(NL, false, "b" + i));
    }

    handOvers.hold("b0", NL, batch("b0", 1));
    handOvers.hold("b1", NL, batch("b1", 1));

    // b0 was forgotten, so its late hand-over is held; b1 is still remembered.
    assertThat(handOvers.get("b0", NL)).isNotNull();
    assertThat(handOvers.get("b1", NL)).isNull();
  }

  @Test
  void holdsNothingOfACopyWithARecordItCannotRead() {
    HandOvers handOvers = new HandOvers(10);
    GenericData.Record notMinimized =
        new GenericData.Record(
            SchemaBuilder.record("Other").fields().requiredString("name").endRecord());
    notMinimized.put("name", "x");

    // The record sits at an accepted position the batch's index does not have.
    handOvers.hold(
        new CommittedCopies.Copy(
            "b1", "mp-1", NOW, NL, List.of(3), List.of(notMinimized), List.of()));

    assertThat(handOvers.get("b1", NL)).isNull();
    assertThat(handOvers.records()).isZero();
  }

  @Test
  void refusesANegativeBound() {
    assertThatThrownBy(() -> new HandOvers(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
