package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitGroupIndexTest {
  @Test
  void findsEveryGroupPutThroughManyResizes() {
    SplitGroupIndex index = new SplitGroupIndex();
    Map<Long, Long> expected = new HashMap<>();
    SplittableRandom random = new SplittableRandom(16);
    for (long seq = 1; seq <= 200_000; seq++) {
      long hash = random.nextLong();
      index.put(hash, seq, 100);
      expected.put(hash, seq);
    }

    assertThat(index.size()).isEqualTo(expected.size());
    expected.forEach((hash, seq) -> assertThat(index.seq(hash)).isEqualTo(seq));
    assertThat(index.seq(random.nextLong())).isEqualTo(-1);
    assertThat(index.lastSeq()).isEqualTo(200_000);
  }

  @Test
  void aLaterPositionReplacesAnEarlierOneAndNeverTheOtherWayRound() {
    SplitGroupIndex index = new SplitGroupIndex();
    index.put(42, 5, 100);
    index.put(42, 9, 100);
    index.put(42, 7, 100);

    assertThat(index.seq(42)).isEqualTo(9);
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void theHashZeroIsAGroupLikeAnyOther() {
    SplitGroupIndex index = new SplitGroupIndex();
    assertThat(index.seq(0)).isEqualTo(-1);

    index.put(0, 3, 100);

    assertThat(index.seq(0)).isEqualTo(3);
  }

  @Test
  void pruneForgetsOnlyGroupsExpiredByThenAndKeepsTheRestFindable() {
    SplitGroupIndex index = new SplitGroupIndex();
    for (long i = 1; i <= 10_000; i++) {
      index.put(i * 0x9E37_79B9L, i, i % 2 == 0 ? 50 : 150);
    }
    index.put(-1, 10_001, SplitGroupIndex.NEVER);

    assertThat(index.prune(100)).isEqualTo(5_000);

    assertThat(index.size()).isEqualTo(5_001);
    for (long i = 1; i <= 10_000; i++) {
      assertThat(index.seq(i * 0x9E37_79B9L)).isEqualTo(i % 2 == 0 ? -1 : i);
    }
    assertThat(index.seq(-1)).isEqualTo(10_001);
    assertThat(index.lastSeq()).isEqualTo(10_001);
  }

  @Test
  void anExpiryIsRoundedUpToTheMinuteSoAPruneNeverForgetsALiveGroup() {
    assertThat(SplitGroupIndex.minute(120_000_000L)).isEqualTo(2);
    assertThat(SplitGroupIndex.minute(120_000_001L)).isEqualTo(3);
    assertThat(SplitGroupIndex.minute(-1L)).isZero();
    assertThat(SplitGroupIndex.minute(null)).isEqualTo(SplitGroupIndex.NEVER);
    assertThat(SplitGroupIndex.minute(Long.MAX_VALUE)).isLessThan(SplitGroupIndex.NEVER);
  }

  @Test
  void keysThatDifferInOneCharacterHashApart() {
    assertThat(SplitLog.hash("AAAAAAAAAAAAAAAAAAAAAA"))
        .isNotEqualTo(SplitLog.hash("AAAAAAAAAAAAAAAAAAAAAB"));
    assertThat(SplitLog.hash("ab")).isNotEqualTo(SplitLog.hash("ba"));
  }

  @Test
  void takesInNoGroupThatExpiredByTheMinuteItWasPrunedTo() {
    SplitGroupIndex index = new SplitGroupIndex();
    index.put(1, 1, 100);
    index.prune(100);

    index.put(2, 2, 100);
    index.put(3, 3, 101);

    assertThat(index.seq(1)).isEqualTo(-1);
    assertThat(index.seq(2)).isEqualTo(-1);
    assertThat(index.seq(3)).isEqualTo(3);
    assertThat(index.lastSeq()).isEqualTo(3);
  }
}
