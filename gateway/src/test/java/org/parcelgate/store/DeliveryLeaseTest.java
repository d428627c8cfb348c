package org.parcelgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.parcelgate.testing.MutableClock;

/**
 * The leases of push streams on each engine ({@link DeliveryStore#lease}): one holder per stream
 * until its lease expires or it gives the lease up.
 */
@Timeout(60)
@ParameterizedClass
@EnumSource(StoreEngine.class)
class DeliveryLeaseTest {
  @Parameter StoreEngine engine;

  private static final String NL = "customs-nl";
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(15);
  private static final String A = "gw-1:a1";
  private static final String B = "gw-1:b2";

  @TempDir Path data;
  private GatewayStore store;

  @BeforeEach
  void open() {
    store = engine.open(data, new MutableClock(NOW));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aLeaseHeldByOneHolderIsRefusedToAnotherUntilItExpires() {
    assertThat(store.lease(NL, FeedKind.PRICE, A, NOW, TTL)).isTrue();

    assertThat(store.lease(NL, FeedKind.PRICE, B, NOW, TTL)).isFalse();
    assertThat(store.lease(NL, FeedKind.PRICE, B, NOW.plus(TTL).minusMillis(1), TTL)).isFalse();
    // The holder renews it; the other stream and the other recipient are leases of their own.
    assertThat(store.lease(NL, FeedKind.PRICE, A, NOW.plusSeconds(10), TTL)).isTrue();
    assertThat(store.lease(NL, FeedKind.PRICE, B, NOW.plus(TTL), TTL)).isFalse();
    assertThat(store.lease(NL, FeedKind.SELLER, B, NOW, TTL)).isTrue();
    assertThat(store.lease("customs-be", FeedKind.PRICE, B, NOW, TTL)).isTrue();
  }

  @Test
  void anExpiredLeaseIsTakenOver() {
    assertThat(store.lease(NL, FeedKind.PRICE, A, NOW, TTL)).isTrue();

    assertThat(store.lease(NL, FeedKind.PRICE, B, NOW.plus(TTL), TTL)).isTrue();

    // The former holder cannot renew what it lost, and the new holder keeps it.
    assertThat(store.lease(NL, FeedKind.PRICE, A, NOW.plus(TTL), TTL)).isFalse();
    assertThat(store.lease(NL, FeedKind.PRICE, B, NOW.plus(TTL).plusSeconds(1), TTL)).isTrue();
  }

  @Test
  void aReleasedLeaseIsFreeAtOnce() {
    assertThat(store.lease(NL, FeedKind.PRICE, A, NOW, TTL)).isTrue();

    store.release(NL, FeedKind.PRICE, A);

    assertThat(store.lease(NL, FeedKind.PRICE, B, NOW, TTL)).isTrue();
  }

  @Test
  void aReleaseByAFormerHolderLeavesTheNewHoldersLease() {
    assertThat(store.lease(NL, FeedKind.PRICE, A, NOW, TTL)).isTrue();
    assertThat(store.lease(NL, FeedKind.PRICE, B, NOW.plus(TTL), TTL)).isTrue();

    store.release(NL, FeedKind.PRICE, A);

    assertThat(store.lease(NL, FeedKind.PRICE, A, NOW.plus(TTL), TTL)).isFalse();
  }
}
