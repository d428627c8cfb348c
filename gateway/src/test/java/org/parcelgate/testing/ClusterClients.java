package org.parcelgate.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.parcelgate.http.BatchEndpoints;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;

/**
 * Partners calling the instances of a {@link GatewayCluster} over mutual TLS: one kept-alive client
 * per partner and instance, as a partner behind a load balancer keeps its connections, and a fresh
 * request token for every call (a retry included: the old one is spent).
 */
public final class ClusterClients implements AutoCloseable {
  /** How long a call may take before the test takes its answer as lost. */
  public static final long REQUEST_TIMEOUT_MILLIS = 30_000;

  private final Vertx vertx;
  private final SamplePki pki;
  private final GatewayCluster cluster;
  private final Map<String, PartnerClient> clients = new ConcurrentHashMap<>();

  public ClusterClients(Vertx vertx, SamplePki pki, GatewayCluster cluster) {
    this.vertx = vertx;
    this.pki = pki;
    this.cluster = cluster;
  }

  /** A fresh request token of {@code partner}, bound to {@code body} when there is one. */
  public String token(String partner, byte[] body) {
    Identity identity = pki.identity(partner);
    String alg = identity.signingKeys().get(0).getAlgorithm().getName();
    RequestTokens token = RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now());
    return (body == null ? token : token.body(body)).sign();
  }

  /** {@code POST /v1/batches} of {@code body} as {@code marketplace} to instance {@code i}. */
  public Future<HttpResponse<Buffer>> postBatch(String marketplace, int i, byte[] body) {
    return client(marketplace, i)
        .request(HttpMethod.POST, BatchEndpoints.BATCHES_PATH)
        .timeout(REQUEST_TIMEOUT_MILLIS)
        .putHeader("Authorization", "Bearer " + token(marketplace, body))
        .putHeader("Content-Type", BatchEndpoints.MEDIA_TYPE)
        .sendBuffer(Buffer.buffer(body));
  }

  /** A GET of {@code pathAndQuery} as {@code partner} on instance {@code i}, with a fresh token. */
  public Future<HttpResponse<Buffer>> get(String partner, int i, String pathAndQuery) {
    return get(partner, i, pathAndQuery, token(partner, null));
  }

  /** A GET with the given token, for tests that reuse one. */
  public Future<HttpResponse<Buffer>> get(
      String partner, int i, String pathAndQuery, String token) {
    return client(partner, i)
        .request(HttpMethod.GET, pathAndQuery)
        .timeout(REQUEST_TIMEOUT_MILLIS)
        .putHeader("Authorization", "Bearer " + token)
        .send();
  }

  private PartnerClient client(String partner, int i) {
    return clients.computeIfAbsent(
        partner + "@" + i,
        key -> PartnerClient.of(vertx, pki, pki.identity(partner), cluster.partnerPort(i)));
  }

  @Override
  public void close() {
    clients.values().forEach(PartnerClient::close);
  }
}
