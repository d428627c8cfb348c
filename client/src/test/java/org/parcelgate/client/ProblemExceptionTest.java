package org.parcelgate.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProblemExceptionTest {

  @Test
  void retriesWhatMayPassOnAnotherTry() {
    assertThat(new ProblemException(408, "request_timeout", null, null).retryable()).isTrue();
    assertThat(new ProblemException(429, "too_many_requests", null, null).retryable()).isTrue();
    assertThat(new ProblemException(503, "overloaded", null, null).retryable()).isTrue();
    assertThat(new ProblemException(503, "store_unavailable", null, null).retryable()).isTrue();
    assertThat(new ProblemException(500, "internal_error", null, null).retryable()).isTrue();
  }

  @Test
  void doesNotRetryARefusalOfTheRequestItself() {
    assertThat(new ProblemException(400, "invalid_container", null, null).retryable()).isFalse();
    assertThat(new ProblemException(401, "digest_mismatch", null, null).retryable()).isFalse();
    assertThat(new ProblemException(403, "forbidden", null, null).retryable()).isFalse();
    assertThat(new ProblemException(413, "body_too_large", null, null).retryable()).isFalse();
  }
}
