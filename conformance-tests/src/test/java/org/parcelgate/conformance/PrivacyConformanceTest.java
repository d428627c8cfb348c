package org.parcelgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parcelgate.conformance.Conformance.assertProblem;
import static org.parcelgate.conformance.Conformance.json;
import static org.parcelgate.conformance.Conformance.partner;

import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Protocol section 7: the minimization log as a privacy officer reads it, each proof checked with
 * the suite's own RFC 9162 code against a checkpoint whose signature verifies.
 */
@ExtendWith(ConformanceReport.class)
class PrivacyConformanceTest {
  private static String batchId;

  @BeforeAll
  static void pushSixOrders() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    // Six orders in a row cover every sample destination, so some go to a customs recipient.
    byte[] body = Conformance.batch(6);
    HttpResponse<String> stored = alpha.postBatch(body, alpha.token().body(body).sign());
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(202);
    batchId = json(stored).get("batchId").toString();
  }

  @Test
  void listsTheMinimizationEntriesOfABatch() throws Exception {
    Partners officer = partner("privacy-officer");
    HttpResponse<String> entries =
        officer.get(
            "/v1/privacy/entries?kind=minimization&marketplace=marketplace-alpha",
            officer.token().sign());
    assertThat(entries.statusCode()).as(entries.body()).isEqualTo(200);
    assertThat(entries.body()).contains("\"batchId\":\"" + batchId + "\"");
  }

  @Test
  void exportsEntriesWhoseMerkleRootIsTheSignedCheckpoints() throws Exception {
    Partners officer = partner("privacy-officer");
    SignedJWT checkpoint = checkpoint(officer);
    long size = checkpoint.getJWTClaimsSet().getLongClaim("tree_size");

    List<String> lines = export(officer, size);

    assertThat((long) lines.size()).isEqualTo(size);
    assertThat(Rfc9162.rootHash(lines))
        .isEqualTo(checkpoint.getJWTClaimsSet().getStringClaim("root_hash"));
  }

  @Test
  void provesTheInclusionOfAnEntryAndRefusesAnIndexOutsideTheLog() throws Exception {
    Partners officer = partner("privacy-officer");
    SignedJWT checkpoint = checkpoint(officer);
    long size = checkpoint.getJWTClaimsSet().getLongClaim("tree_size");
    List<String> lines = export(officer, size);
    long index = size - 1;

    Map<String, Object> proof =
        json(
            officer.get(
                "/v1/privacy/proofs/inclusion?index=" + index + "&treeSize=" + size,
                officer.token().sign()));
    List<byte[]> path = new ArrayList<>();
    for (Object node : (List<?>) proof.get("auditPath")) {
      path.add(Base64.getUrlDecoder().decode(node.toString()));
    }

    assertThat(
            Rfc9162.verifyInclusion(
                lines.get((int) index),
                index,
                size,
                path,
                Base64.getUrlDecoder()
                    .decode(checkpoint.getJWTClaimsSet().getStringClaim("root_hash"))))
        .isTrue();
    assertProblem(
        officer.get(
            "/v1/privacy/proofs/inclusion?index=" + size + "&treeSize=" + size,
            officer.token().sign()),
        400,
        "invalid_log_range");
  }

  @Test
  void servesTheReviewPagesCallsToTheOfficersCertificateWithTheirHeader() throws Exception {
    HttpResponse<String> entries =
        partner("privacy-officer")
            .send(
                "GET",
                "/privacy/api/entries?limit=1",
                null,
                Map.of("X-Parcelgate-Page", "1"),
                null);
    assertThat(entries.statusCode()).as(entries.body()).isEqualTo(200);
  }

  private static SignedJWT checkpoint(Partners officer) throws Exception {
    Map<String, Object> answer =
        json(officer.get("/v1/privacy/checkpoint", officer.token().sign()));
    SignedJWT jws = SignedJWT.parse(answer.get("jws").toString());
    assertThat(jws.getHeader().getType().getType()).isEqualTo("parcelgate-checkpoint+jwt");
    assertThat(Conformance.verifies(jws, Conformance.gatewayKeys()))
        .as("checkpoint signature")
        .isTrue();
    assertThat(jws.getJWTClaimsSet().getLongClaim("tree_size")).isEqualTo(answer.get("treeSize"));
    return jws;
  }

  /** Every entry below {@code size}, following {@code Parcelgate-Next-Start} page by page. */
  private static List<String> export(Partners officer, long size) throws Exception {
    List<String> lines = new ArrayList<>();
    long start = 0;
    while (start < size) {
      HttpResponse<String> export =
          officer.get(
              "/v1/privacy/export?format=jsonl&start=" + start + "&end=" + size,
              officer.token().sign());
      assertThat(export.statusCode()).isEqualTo(200);
      lines.addAll(List.of(export.body().split("\n")));
      var next = export.headers().firstValue("Parcelgate-Next-Start");
      if (next.isEmpty()) {
        break;
      }
      assertThat(Long.parseLong(next.get())).as("next start moves forward").isGreaterThan(start);
      start = Long.parseLong(next.get());
    }
    return lines;
  }
}
