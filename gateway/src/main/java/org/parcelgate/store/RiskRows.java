package org.parcelgate.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.parcelgate.risk.Assessment;
import org.parcelgate.risk.MemoryRiskState;
import org.parcelgate.risk.StateKey;

/**
 * A {@link RiskStep} as the rows it writes, made on the thread that commits the step before the
 * work reaches the store's writer: the findings encoded, the flags column joined, the state values
 * sorted by kind and key, and the split groups sorted by expiry, with the hash and expiry minute
 * their index takes.
 *
 * <p>Why: the store has one writer, and ingest shares it. A profile of a gateway with risk on under
 * load showed the risk steps at about a fifth of the writer's Java time, more than half of it in
 * encoding findings and hashing split keys; none of that needs the writer.
 *
 * @param flagged the flagged records' rows, in position order
 * @param values the state values of {@code risk_value}, sorted by kind and key so that the pages of
 *     one kind are written together
 * @param groups the split groups changed since the last checkpoint, for the {@link SplitLog}
 */
record RiskRows(RiskStep step, List<Flagged> flagged, List<Value> values, Groups groups) {
  /** One row of {@code risk_assessment}. */
  record Flagged(long seq, int score, String flags, byte[] findings) {}

  /**
   * One state value.
   *
   * @param expiresMicros when it expires, or null when it is kept
   */
  record Value(StateKey key, byte[] value, Long expiresMicros) {}

  /**
   * The split groups of a checkpoint, in the order they are appended: by expiry, those kept last,
   * so that the groups of one page of the log ({@link SplitPage}) expire together.
   *
   * @param hashes each group's key hash ({@link SplitLog#hash})
   * @param expiryMinutes each group's expiry minute ({@link SplitGroupIndex#minute})
   */
  record Groups(List<Value> values, long[] hashes, int[] expiryMinutes) {
    static final Groups NONE = new Groups(List.of(), new long[0], new int[0]);
  }

  // Written out: a checkpoint sorts tens of thousands of keys, and the chained comparators'
  // lambdas took a tenth of the writer thread's Java time when it sorted them.
  private static final Comparator<Value> BY_KIND_AND_KEY =
      (a, b) -> {
        int kind = a.key().kind().compareTo(b.key().kind());
        return kind != 0 ? kind : a.key().key().compareTo(b.key().key());
      };

  static RiskRows of(RiskStep step) {
    List<Flagged> flagged = new ArrayList<>(step.flagged().size());
    for (Map.Entry<Long, Assessment> entry : step.flagged().entrySet()) {
      Assessment assessment = entry.getValue();
      flagged.add(
          new Flagged(
              entry.getKey(),
              assessment.score(),
              AssessmentCodec.flags(assessment),
              AssessmentCodec.encode(assessment)));
    }
    List<Value> values = new ArrayList<>();
    List<Value> groups = new ArrayList<>();
    for (Map.Entry<StateKey, MemoryRiskState.Value> entry : step.state().entrySet()) {
      MemoryRiskState.Value value = entry.getValue();
      Long expires = value.expiresAt() == null ? null : JdbcGatewayStore.micros(value.expiresAt());
      (SplitLog.holds(entry.getKey()) ? groups : values)
          .add(new Value(entry.getKey(), value.value(), expires));
    }
    values.sort(BY_KIND_AND_KEY);
    return new RiskRows(step, List.copyOf(flagged), List.copyOf(values), groups(groups));
  }

  private static final Comparator<Value> BY_EXPIRY =
      (a, b) -> {
        Long x = a.expiresMicros();
        Long y = b.expiresMicros();
        if (x == null || y == null) {
          return x == null ? (y == null ? 0 : 1) : -1;
        }
        return Long.compare(x, y);
      };

  private static Groups groups(List<Value> values) {
    if (values.isEmpty()) {
      return Groups.NONE;
    }
    values.sort(BY_EXPIRY);
    long[] hashes = new long[values.size()];
    int[] minutes = new int[values.size()];
    for (int i = 0; i < values.size(); i++) {
      hashes[i] = SplitLog.hash(values.get(i).key().key());
      minutes[i] = SplitGroupIndex.minute(values.get(i).expiresMicros());
    }
    // The list is this method's caller's own, made for these rows: not copied again.
    return new Groups(Collections.unmodifiableList(values), hashes, minutes);
  }
}
