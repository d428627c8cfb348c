package org.parcelgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.Transaction;

/** Calls as a partner makes them, each with its own connection and a fresh request token. */
public final class Partners {
  private Partners() {}

  /** Pushes a batch as a marketplace; completes with the answer. */
  public static Future<HttpResponse<Buffer>> pushBatch(
      Vertx vertx, SamplePki pki, String marketplace, int port, List<Transaction> records) {
    Identity identity = pki.identity(marketplace);
    byte[] body = Containers.write(records);
    String alg = identity.signingKeys().get(0).getAlgorithm().getName();
    String token =
        RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now()).body(body).sign();
    PartnerClient client = PartnerClient.of(vertx, pki, identity, port);
    return client.postBatch(body, token).eventually(() -> closed(client));
  }

  /** Pushes a batch and checks it was stored; returns its batch id. */
  public static String pushAccepted(
      Vertx vertx, SamplePki pki, String marketplace, int port, List<Transaction> records) {
    HttpResponse<Buffer> response = Await.result(pushBatch(vertx, pki, marketplace, port, records));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(202);
    return response.bodyAsJsonObject().getString("batchId");
  }

  /** A signed GET as a partner, with an optional Accept header. */
  public static HttpResponse<Buffer> get(
      Vertx vertx, SamplePki pki, String partner, int port, String path, String accept) {
    Identity identity = pki.identity(partner);
    String alg = identity.signingKeys().get(0).getAlgorithm().getName();
    String token = RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now()).sign();
    try (PartnerClient client = PartnerClient.of(vertx, pki, identity, port)) {
      var request =
          client
              .request(io.vertx.core.http.HttpMethod.GET, path)
              .putHeader("Authorization", "Bearer " + token);
      if (accept != null) {
        request.putHeader("Accept", accept);
      }
      return Await.result(request.send());
    }
  }

  private static Future<Void> closed(PartnerClient client) {
    client.close();
    return Future.succeededFuture();
  }
}
