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
  void classifiesAConnectionClosedWhileTheBodyArrivedAsInvalidRequest() {
    GatewayException problem =
        ProblemHandler.classify(new HttpClosedException("Connection was closed"), -1, false);

    assertThat(problem.problem()).isEqualTo(ProblemCode.INVALID_REQUEST);
    assertThat(problem.detail()).isEqualTo(ProblemHandler.UNREADABLE_BODY);
  }

  @Test
  void classifiesABodyStreamFailureAsInvalidRequestButTheSameExceptionFromAHandlerAsInternal() {
    // The body handler fails the route with the stream's exception and status 200.
    NumberFormatException chunkSize = new NumberFormatException("Invalid character in chunk size");

    assertThat(ProblemHandler.classify(chunkSize, 200, false).problem())
        .isEqualTo(ProblemCode.INVALID_REQUEST);
    assertThat(ProblemHandler.classify(chunkSize, -1, false).problem())
        .isEqualTo(ProblemCode.INTERNAL_ERROR);
    assertThat(ProblemHandler.classify(chunkSize, 200, true).problem())
        .isEqualTo(ProblemCode.INTERNAL_ERROR);
  }

  @Test
  void keepsAGatewayExceptionAndMapsStatusesOfOtherFailures() {
    GatewayException known = new GatewayException(ProblemCode.EMPTY_BATCH, "no record");

    assertThat(ProblemHandler.classify(known, -1, true)).isSameAs(known);
    assertThat(ProblemHandler.classify(new HttpException(413), -1, false).problem())
        .isEqualTo(ProblemCode.BODY_TOO_LARGE);
    assertThat(ProblemHandler.classify(null, 400, true).problem())
        .isEqualTo(ProblemCode.INVALID_REQUEST);
    assertThat(ProblemHandler.classify(new IllegalStateException("bug"), -1, false).problem())
        .isEqualTo(ProblemCode.INTERNAL_ERROR);
  }
}
