package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parcelgate.risk.StateKey;

class SplitPageTest {
  private static RiskRows.Value group(String key, int size, Long expires) {
    byte[] value = new byte[size];
    Arrays.fill(value, (byte) size);
    return new RiskRows.Value(new StateKey("split-group", key), value, expires);
  }

  @Test
  void readsBackEachGroupAtItsOffsetWithItsKeyValueAndExpiry() {
    List<RiskRows.Value> groups =
        List.of(
            group("before", 3, 1L),
            group("aé€", 0, null),
            group("b", 300, Long.MAX_VALUE),
            group("c", 1, -5L));

    byte[] page = SplitPage.encode(groups, 1, 4);

    SplitPage.Group first = SplitPage.at(page, 0);
    assertThat(first.key()).isEqualTo("aé€");
    assertThat(first.value()).isEmpty();
    assertThat(first.expiresMicros()).isNull();
    assertThat(SplitPage.at(page, 1).value()).hasSize(300).containsOnly((byte) 300);
    assertThat(SplitPage.at(page, 1).expiresMicros()).isEqualTo(Long.MAX_VALUE);
    assertThat(SplitPage.at(page, 2).key()).isEqualTo("c");
    assertThat(SplitPage.at(page, 2).expiresMicros()).isEqualTo(-5L);
    assertThat(SplitPage.at(page, 3)).isNull();
  }

  @Test
  void visitsEveryKeyAndExpiryInOrder() {
    List<RiskRows.Value> groups = new ArrayList<>();
    for (int i = 0; i < SplitPage.GROUPS; i++) {
      groups.add(group("g" + i, i, i % 3 == 0 ? null : (long) i));
    }
    List<String> seen = new ArrayList<>();

    SplitPage.keys(
        SplitPage.encode(groups, 0, groups.size()),
        (offset, key, expires) -> seen.add(offset + ":" + key + ":" + expires));

    assertThat(seen).hasSize(SplitPage.GROUPS);
    assertThat(seen.get(0)).isEqualTo("0:g0:null");
    assertThat(seen.get(5)).isEqualTo("5:g5:5");
  }

  @Test
  void holdsOneToSixteenGroups() {
    List<RiskRows.Value> groups = new ArrayList<>();
    for (int i = 0; i <= SplitPage.GROUPS; i++) {
      groups.add(group("g" + i, 1, null));
    }

    assertThatThrownBy(() -> SplitPage.encode(groups, 0, groups.size()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SplitPage.encode(groups, 2, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPageCutShortIsRefusedNotMisread() {
    byte[] page = SplitPage.encode(List.of(group("a", 10, 1L)), 0, 1);

    byte[] cut = Arrays.copyOf(page, page.length - 4);

    assertThatThrownBy(() -> SplitPage.at(cut, 0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SplitPage.keys(cut, (offset, key, expires) -> {}))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void pagesStartAtOneAndEverySixteenPositionsAfter() {
    assertThat(SplitPage.of(1)).isEqualTo(1);
    assertThat(SplitPage.of(16)).isEqualTo(1);
    assertThat(SplitPage.of(17)).isEqualTo(17);
    assertThat(SplitPage.after(0)).isEqualTo(1);
    assertThat(SplitPage.after(1)).isEqualTo(17);
    assertThat(SplitPage.after(16)).isEqualTo(17);
    assertThat(SplitPage.after(17)).isEqualTo(33);
  }
}
