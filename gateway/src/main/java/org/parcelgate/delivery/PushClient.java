package org.parcelgate.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.parcelgate.protocol.JoseTypes;
import org.parcelgate.protocol.RequestToken;
import org.parcelgate.signing.GatewaySigner;

/**
 * Sends one delivery to a recipient's endpoint, authenticated the way the gateway authenticates
 * partners: over mutual TLS with the gateway's client certificate, with a request token signed by
 * the gateway's key (type {@code parcelgate-request+jwt}) that binds the certificate ({@code
 * cnf.x5t#S256}) and the body ({@code body_sha256}), and with the delivery's idempotency key.
 */
public final class PushClient implements AutoCloseable {
  /** The header carrying a delivery's idempotency key. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** How long a push token is valid. */
  static final Duration TOKEN_LIFETIME = Duration.ofSeconds(60);

  private final HttpClient client;
  private final GatewaySigner signer;
  private final String thumbprint;
  private final Duration timeout;
  private final Clock clock;

  /** The answer of a delivery attempt: the status code, or the failure. */
  public record Answer(int status, String error) {
    public boolean delivered() {
      return status >= 200 && status < 300;
    }

    /**
     * A refusal of the records themselves, which the same delivery would meet again: 400 or 422.
     * Every other failure (401, 403, 404 and the like say the receiver or the gateway is
     * misconfigured, not that the records are wrong) halts the stream and is retried, so one
     * misconfiguration cannot turn the backlog into dead letters.
     */
    public boolean permanent() {
      return status == 400 || status == 422;
    }
  }

  public PushClient(
      Vertx vertx,
      Path certificate,
      Path privateKey,
      java.util.List<Path> trustAnchors,
      String clientThumbprint,
      GatewaySigner signer,
      Duration timeout,
      Clock clock) {
    PemTrustOptions trust = new PemTrustOptions();
    trustAnchors.forEach(anchor -> trust.addCertPath(anchor.toString()));
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(true)
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"))
                .setKeyCertOptions(
                    new PemKeyCertOptions()
                        .setCertPath(certificate.toString())
                        .setKeyPath(privateKey.toString()))
                .setTrustOptions(trust)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .setKeepAlive(true));
    this.signer = signer;
    this.thumbprint = clientThumbprint;
    this.timeout = timeout;
    this.clock = clock;
  }

  /**
   * Posts a delivery. The future always succeeds: with the answer's status, or with status 0 and a
   * description of the failure (connection, TLS, timeout; {@link #describe}) when there was no
   * answer.
   */
  public Future<Answer> post(
      URI endpoint, String recipient, String idempotencyKey, byte[] body, String bodySha256) {
    return post(endpoint, recipient, idempotencyKey, body, bodySha256, timeout);
  }

  /**
   * Posts a delivery that must end within {@code within} (or the client's timeout, if that is
   * shorter): the time left of the pusher's lease on the stream.
   */
  public Future<Answer> post(
      URI endpoint,
      String recipient,
      String idempotencyKey,
      byte[] body,
      String bodySha256,
      Duration within) {
    long millis = Math.max(1, Math.min(timeout.toMillis(), within.toMillis()));
    String token = token(recipient, bodySha256);
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(endpoint.toString())
            .setIdleTimeout(millis)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
            .putHeader(IDEMPOTENCY_KEY, idempotencyKey);
    Future<HttpClientRequest> request = client.request(options);
    return request
        .compose(
            req ->
                req.send(Buffer.buffer(body))
                    .compose(response -> response.body().map(ignored -> response.statusCode())))
        .timeout(millis, TimeUnit.MILLISECONDS)
        .map(status -> new Answer(status, null))
        .recover(
            failure -> {
              // A request still being opened when the time ran out is reset when it opens, so it
              // is never sent behind the retry's back.
              request.onSuccess(HttpClientRequest::reset);
              return Future.succeededFuture(new Answer(0, describe(failure)));
            });
  }

  /** The longest failure description kept: it is stored with the stream's state. */
  static final int MAX_ERROR_LENGTH = 255;

  /**
   * What an operator needs to act on a failed attempt: each exception of the cause chain as its
   * class and message ("ConnectException: Connection refused: localhost/127.0.0.1:9443 <- ..."),
   * control characters replaced, at most {@value #MAX_ERROR_LENGTH} characters. These are the HTTP
   * client's own messages about the connection, TLS or time; no record content is ever in them.
   */
  static String describe(Throwable failure) {
    StringBuilder out = new StringBuilder();
    String previousMessage = null;
    for (Throwable t = failure; t != null && out.length() < MAX_ERROR_LENGTH; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && message.equals(previousMessage)) {
        continue;
      }
      if (out.length() > 0) {
        out.append(" <- ");
      }
      out.append(t.getClass().getSimpleName());
      if (message != null && !message.isBlank()) {
        out.append(": ").append(message.strip());
      }
      previousMessage = message;
      if (t.getCause() == t) {
        break;
      }
    }
    StringBuilder printable = new StringBuilder(Math.min(out.length(), MAX_ERROR_LENGTH));
    for (int i = 0; i < out.length() && printable.length() < MAX_ERROR_LENGTH; i++) {
      char c = out.charAt(i);
      printable.append(Character.isISOControl(c) ? ' ' : c);
    }
    return printable.toString();
  }

  private String token(String recipient, String bodySha256) {
    RequestToken token =
        new RequestToken(
            signer.gatewayId(),
            recipient,
            thumbprint,
            bodySha256,
            clock.instant(),
            TOKEN_LIFETIME,
            UUID.randomUUID().toString());
    return signer.sign(JoseTypes.REQUEST, token.claims());
  }

  @Override
  public void close() {
    client.close();
  }
}
