package org.parcelgate.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The header read deadline of the partner port: from the first byte of a request, its request line
 * and headers must arrive within the header timeout, or the gateway answers {@code 408
 * request_timeout} and closes the connection. The idle timeout alone does not stop a client that
 * sends one byte every few seconds.
 *
 * <p>Vert.x sees a request only once its headers are complete and has no deadline for them, so this
 * watches the connection's Netty pipeline: the decrypted bytes before the HTTP decoder (a request's
 * first byte starts the clock) and the decoded messages after it (complete headers stop it). The
 * clock does not run while the connection is idle between requests (the idle timeout's job), while
 * a body arrives (the body deadline's), nor while the gateway still owes an answer (it may have
 * stopped reading). The 408 is written as raw bytes: there is no request to answer through Vert.x,
 * like the answers of {@link InvalidRequests}, so it has no request id.
 *
 * <p>Reaching the pipeline needs Vert.x's connection implementation ({@code ConnectionBase}, as
 * Vert.x's own server does to add handlers); a connection of another kind is closed at once, so a
 * Vert.x upgrade that changes it fails every test of the partner port rather than silently dropping
 * the deadline.
 */
final class HeaderDeadline implements Handler<HttpConnection> {
  private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);
  private static final String DECODER = "httpDecoder";
  private static final String ENCODER = "httpEncoder";

  private final long timeoutNanos;
  private final GatewayMetrics metrics;
  private final byte[] answer;

  HeaderDeadline(Duration timeout, GatewayMetrics metrics) {
    this.timeoutNanos = timeout.toNanos();
    this.metrics = metrics;
    this.answer = answer(timeout);
  }

  @Override
  public void handle(HttpConnection connection) {
    ChannelPipeline pipeline =
        connection instanceof ConnectionBase base ? base.channelHandlerContext().pipeline() : null;
    if (pipeline == null || pipeline.get(DECODER) == null || pipeline.get(ENCODER) == null) {
      LOG.error(
          "cannot watch the header read deadline of a {} connection; closing it",
          connection.getClass().getName());
      connection.close();
      return;
    }
    Watch watch = new Watch();
    pipeline.addBefore(DECODER, "parcelgateHeaderBytes", watch.bytes);
    pipeline.addAfter(ENCODER, "parcelgateHeaderMessages", watch.messages);
  }

  private static byte[] answer(Duration timeout) {
    byte[] body =
        Problems.document(
                ProblemCode.REQUEST_TIMEOUT,
                "the request line and headers did not arrive within "
                    + describe(timeout)
                    + "; the connection is closed",
                null)
            .encode()
            .getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 408 Request Timeout\r\n"
            + "content-type: "
            + Problems.MEDIA_TYPE
            + "\r\n"
            + "cache-control: no-store\r\n"
            + "connection: close\r\n"
            + "content-length: "
            + body.length
            + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return all;
  }

  static String describe(Duration duration) {
    return duration.toMillisPart() == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
  }

  /**
   * One connection's clock. Both handlers run on the connection's event loop, so the state needs no
   * locking.
   */
  private final class Watch {
    private Future<?> timer;
    private boolean readingRequest;
    private int unanswered;

    /** Before the HTTP decoder: a request's first byte starts the clock. */
    final ChannelInboundHandlerAdapter bytes =
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!readingRequest
                && timer == null
                && msg instanceof ByteBuf buffer
                && buffer.isReadable()) {
              start(ctx);
            }
            ctx.fireChannelRead(msg);
          }

          @Override
          public void channelInactive(ChannelHandlerContext ctx) {
            stop();
            ctx.fireChannelInactive();
          }
        };

    /** After the HTTP decoder: complete headers stop the clock; answers are counted. */
    final ChannelDuplexHandler messages =
        new ChannelDuplexHandler() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
              stop();
              readingRequest = true;
              unanswered++;
            }
            if (msg instanceof LastHttpContent) {
              readingRequest = false;
            }
            ctx.fireChannelRead(msg);
          }

          @Override
          public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            boolean interim =
                msg instanceof HttpResponse response
                    && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (msg instanceof LastHttpContent && !interim && unanswered > 0) {
              unanswered--;
            }
            ctx.write(msg, promise);
          }
        };

    private void start(ChannelHandlerContext ctx) {
      timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }

    private void expire(ChannelHandlerContext ctx) {
      timer = null;
      if (readingRequest || !ctx.channel().isActive()) {
        return;
      }
      if (unanswered > 0) {
        // The gateway still answers an earlier request and may have stopped reading: the clock
        // starts again rather than blame the client for the server's pause.
        start(ctx);
        return;
      }
      metrics.requestStarted();
      metrics.request(ProblemCode.REQUEST_TIMEOUT, Duration.ofNanos(timeoutNanos));
      ctx.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
