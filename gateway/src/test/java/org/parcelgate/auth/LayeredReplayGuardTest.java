package org.parcelgate.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LayeredReplayGuardTest {
  private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");
  private static final Instant RETAIN = NOW.plusSeconds(300);

  private final CaffeineReplayGuard recent =
      new CaffeineReplayGuard(1_000, Clock.fixed(NOW, ZoneOffset.UTC));
  private final Set<String> recorded = new HashSet<>();
  private boolean durableFails;

  private final LayeredReplayGuard guard =
      new LayeredReplayGuard(
          recent,
          (issuer, jti, retainUntil) -> {
            if (durableFails) {
              throw new IllegalStateException("the store cannot write");
            }
            return recorded.add(issuer + "/" + jti);
          });

  @Test
  void rejectsReplayedJti() {
    assertThat(guard.firstUse("alpha", "j-1", RETAIN)).isTrue();
    assertThat(guard.firstUse("alpha", "j-1", RETAIN)).isFalse();
    assertThat(guard.firstUse("beta", "j-1", RETAIN)).as("another issuer's id").isTrue();
  }

  @Test
  void rejectsAJtiTheDurableRecordKnowsAfterTheCacheForgotIt() {
    recorded.add("alpha/j-1");
    assertThat(guard.firstUse("alpha", "j-1", RETAIN)).isFalse();
  }

  @Test
  void aUseTheDurableRecordFailedToKeepIsNotSpent() {
    durableFails = true;
    assertThatThrownBy(() -> guard.firstUse("alpha", "j-1", RETAIN))
        .isInstanceOf(IllegalStateException.class);

    durableFails = false;
    assertThat(guard.firstUse("alpha", "j-1", RETAIN)).as("the same token, store back").isTrue();
    assertThat(guard.firstUse("alpha", "j-1", RETAIN)).isFalse();
  }
}
