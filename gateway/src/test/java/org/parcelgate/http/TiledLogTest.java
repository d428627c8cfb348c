package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.protocol.MerkleTree;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;

/**
 * The logs served as C2SP tlog-tiles over mutual TLS with the officer's certificate alone: the
 * checkpoint note, hash tiles and entry bundles of the access log, grown past one full tile, match
 * the entries, the signed root and the proofs the API serves.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class TiledLogTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final String TILES = PrivacyEndpoints.TLOG_PATH + "access/";
  private static TestGateway.Running gateway;
  private static Vertx vertx;

  @BeforeAll
  static void start(Vertx shared) {
    vertx = shared;
    gateway =
        Await.result(TestGateway.start(vertx, TestGateway.environment(PKI), Clock.systemUTC()));
    // 300 distinct reads: 300 entries of the access log, more than one full tile.
    for (int i = 0; i < 300; i++) {
      assertThat(officer("/v1/privacy/entries?limit=1&recipient=tiles-" + i).statusCode())
          .isEqualTo(200);
    }
  }

  @AfterAll
  static void stop() {
    Await.result(gateway.gateway().stop());
  }

  private static HttpResponse<Buffer> officer(String path) {
    Identity identity = PKI.identity("privacy-officer");
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      String alg = identity.signingKeys().get(0).getAlgorithm().getName();
      String token = RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now()).sign();
      return Await.result(client.get(path, token));
    }
  }

  /** What standard tooling does: the client certificate, no token, no page header. */
  private static HttpResponse<Buffer> tooling(String partner, String path, String fetchSite) {
    try (PartnerClient client =
        PartnerClient.of(vertx, PKI, PKI.identity(partner), gateway.partnerPort())) {
      var request = client.request(io.vertx.core.http.HttpMethod.GET, path);
      if (fetchSite != null) {
        request.putHeader("Sec-Fetch-Site", fetchSite);
      }
      return Await.result(request.send());
    }
  }

  private static byte[] get(String path) {
    HttpResponse<Buffer> response = tooling("privacy-officer", TILES + path, null);
    assertThat(response.statusCode()).as(path + ": " + response.bodyAsString()).isEqualTo(200);
    return response.body().getBytes();
  }

  @Test
  void tilesAndEntryBundlesMatchTheSignedRootAndTheApisProofs() {
    JsonObject api = officer("/v1/privacy/access/checkpoint").bodyAsJsonObject();
    SignedNote.VerifierKey key = SignedNote.VerifierKey.parse(api.getString("noteKey"));
    String note = new String(get("checkpoint"), StandardCharsets.UTF_8);
    SignedNote.CheckpointBody checkpoint =
        SignedNote.checkpoint(SignedNote.parse(note).verifiedText(key));
    long size = checkpoint.treeSize();
    assertThat(size).isBetween(300L, 511L);
    int partial = (int) (size - 256);

    List<byte[]> leaves = new ArrayList<>();
    leaves.addAll(bundle(get("tile/entries/000")));
    leaves.addAll(bundle(get("tile/entries/001.p/" + partial)));
    assertThat(leaves).hasSize((int) size);
    assertThat(MerkleTree.root(leaves)).isEqualTo(checkpoint.rootHash());

    assertThat(hex(get("tile/0/000"))).isEqualTo(hex(concat(leaves.subList(0, 256))));
    assertThat(hex(get("tile/0/001.p/" + partial)))
        .isEqualTo(hex(concat(leaves.subList(256, (int) size))));
    assertThat(get("tile/1/000.p/1")).isEqualTo(MerkleTree.root(leaves.subList(0, 256)));

    for (int index : new int[] {0, 5, 255, 256, (int) size - 1}) {
      JsonArray path =
          officer("/v1/privacy/access/proofs/inclusion?index=" + index + "&treeSize=" + size)
              .bodyAsJsonObject()
              .getJsonArray("auditPath");
      assertThat(
              path.stream()
                  .map(String.class::cast)
                  .map(TiledLogTest::decode)
                  .map(HexFormat.of()::formatHex))
          .as("the API's audit path of %d", index)
          .containsExactlyElementsOf(
              MerkleTree.inclusionProof(leaves, index).stream()
                  .map(HexFormat.of()::formatHex)
                  .toList());
    }
  }

  @Test
  void refusesWhatIsNotATileOfTheLogOrNotTheOfficersOwnRequest() {
    for (String path :
        List.of(
            "tile/0/000.p/256",
            "tile/0/x000",
            "tile/0/0000",
            "tile/8/000",
            "tile/01/000",
            "tile/0/x001/000",
            "tile/entries/009",
            "tile/2/000.p/1")) {
      assertThat(tooling("privacy-officer", TILES + path, null).statusCode())
          .as(path)
          .isEqualTo(404);
    }
    assertThat(tooling("privacy-officer", TILES + "tile/0/000", "cross-site").statusCode())
        .isEqualTo(403);
    assertThat(tooling("privacy-officer", TILES + "tile/0/000", "same-origin").statusCode())
        .isEqualTo(200);
    assertThat(tooling("marketplace-alpha", TILES + "checkpoint", null).statusCode())
        .isEqualTo(403);
  }

  /** The leaf hashes of an entry bundle's entries (uint16 length, then the entry). */
  private static List<byte[]> bundle(byte[] bytes) {
    List<byte[]> leaves = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      byte[] entry = new byte[Short.toUnsignedInt(buffer.getShort())];
      buffer.get(entry);
      assertThat(new String(entry, StandardCharsets.UTF_8)).startsWith("{\"kind\":\"read\"");
      leaves.add(MerkleTree.leafHash(entry));
    }
    return leaves;
  }

  private static byte[] concat(List<byte[]> hashes) {
    ByteBuffer out = ByteBuffer.allocate(32 * hashes.size());
    hashes.forEach(out::put);
    return out.array();
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static byte[] decode(String base64url) {
    return Base64.getUrlDecoder().decode(base64url);
  }
}
