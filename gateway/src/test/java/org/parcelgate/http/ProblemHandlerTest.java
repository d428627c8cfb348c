package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.handler.HttpException;
import org.junit.jupiter.api.Test;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;

/** How the one failure handler names failures that are not already a {@link GatewayException}. */
class ProblemHandlerTest {
  @Test
  void classifiesAConnectionClosedWhileTheRequestArrivedAsInvalidRequest() {
    GatewayException problem =
        ProblemHandler.classify(new HttpClosedException("Connection was closed"), -1);

    assertThat(problem.problem()).isEqualTo(ProblemCode.INVALID_REQUEST);
    assertThat(problem.detail()).isEqualTo("the connection closed before the request was complete");
  }

  @Test
  void keepsAGatewayExceptionAndMapsStatusesOfOtherFailures() {
    GatewayException known = new GatewayException(ProblemCode.EMPTY_BATCH, "no record");

    assertThat(ProblemHandler.classify(known, -1)).isSameAs(known);
    assertThat(ProblemHandler.classify(new HttpException(413), -1).problem())
        .isEqualTo(ProblemCode.BODY_TOO_LARGE);
    assertThat(ProblemHandler.classify(null, 400).problem()).isEqualTo(ProblemCode.INVALID_REQUEST);
    assertThat(ProblemHandler.classify(new IllegalStateException("bug"), -1).problem())
        .isEqualTo(ProblemCode.INTERNAL_ERROR);
  }
}
