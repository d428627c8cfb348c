package org.parcelgate.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parcelgate.protocol.Receipt;

/** The claims a verified receipt must share with the push it answers. */
class ReceiptCheckTest {
  private static final Instant RECEIVED = Instant.parse("2026-11-29T10:00:00Z");
  private static final BatchAnswer ANSWER =
      new BatchAnswer(
          "batch-1", RECEIVED, 2, "fp", 3, 2, 0, 1, List.of(), List.of(), List.of(), "jws");
  private static final Receipt RECEIPT =
      new Receipt("batch-1", "marketplace-alpha", "digest", "jti-1", RECEIVED, "fp", 3, 2, 0, 1);

  @Test
  void acceptsAReceiptOfExactlyThisBatch() {
    assertThat(check(RECEIPT, false)).isEmpty();
  }

  @Test
  void rejectsAReceiptForAnotherMarketplaceBodyOrBatch() {
    Receipt other =
        new Receipt("batch-2", "marketplace-beta", "other", "jti-1", RECEIVED, "fp", 3, 2, 0, 1);

    assertThat(check(other, false)).containsExactly("sub", "body_sha256", "batch_id");
  }

  @Test
  void rejectsCountsThatAreNotTheAnswers() {
    Receipt inflated =
        new Receipt("batch-1", "marketplace-alpha", "digest", "jti-1", RECEIVED, "fp", 3, 3, 0, 0);

    assertThat(check(inflated, false)).containsExactly("counts");
  }

  @Test
  void aNewBatchMustNameATokenOfThisPushButARepeatMayNameAnEarlierRunsToken() {
    Receipt earlier =
        new Receipt("batch-1", "marketplace-alpha", "digest", "jti-0", RECEIVED, "fp", 3, 2, 0, 1);

    assertThat(check(earlier, false)).containsExactly("request_jti");
    assertThat(check(earlier, true)).isEmpty();
  }

  private static List<String> check(Receipt receipt, boolean repeat) {
    return ParcelgateClient.mismatches(
        receipt, ANSWER, "marketplace-alpha", "digest", repeat, Set.of("jti-1"));
  }
}
