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
 * Protocol section 7: the minimization log and the access log as a privacy officer reads them, each
 * proof checked with the suite's own RFC 9162 code against checkpoints whose signatures verify.
 */
@ExtendWith(ConformanceReport.class)
class PrivacyConformanceTest {
  private static String batchId;

  private static final String MINIMIZATION = "/v1/privacy";
  private static final String ACCESS = "/v1/privacy/access";

  @BeforeAll
  static void pushSixOrders() throws Exception {
    batchId = pushSixOrdersOnce();
  }

  /** Six fresh orders of marketplace-alpha; the batch's id. */
  private static String pushSixOrdersOnce() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    // Six orders in a row cover every sample destination, so some go to a customs recipient.
    byte[] body = Conformance.batch(6);
    HttpResponse<String> stored = alpha.postBatch(body, alpha.token().body(body).sign());
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(202);
    return json(stored).get("batchId").toString();
  }

  @Test
  void listsTheMinimizationEntriesOfABatch() throws Exception {
    Partners officer = partner("privacy-officer");
    assertThat(entriesOfTheBatch(officer)).isNotEmpty();
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
  void provesTheInclusionOfTheBatchsEntryAndRefusesAnIndexOutsideTheLog() throws Exception {
    Partners officer = partner("privacy-officer");
    long index = entriesOfTheBatch(officer).get(0);
    SignedJWT checkpoint = checkpoint(officer);
    long size = checkpoint.getJWTClaimsSet().getLongClaim("tree_size");
    String entry = export(officer, size).get((int) index);
    byte[] root = decode(checkpoint.getJWTClaimsSet().getStringClaim("root_hash"));

    Map<String, Object> proof =
        json(
            officer.get(
                "/v1/privacy/proofs/inclusion?index=" + index + "&treeSize=" + size,
                officer.token().sign()));
    List<byte[]> path = hashes(proof.get("auditPath"));

    assertThat(entry).contains(batchId);
    assertThat(Rfc9162.verifyInclusion(entry, index, size, path, root)).isTrue();
    assertThat(Rfc9162.verifyInclusion(entry.replace(batchId, "x"), index, size, path, root))
        .as("another entry does not verify with this proof")
        .isFalse();
    assertProblem(
        "index = treeSize",
        officer.get(
            "/v1/privacy/proofs/inclusion?index=" + size + "&treeSize=" + size,
            officer.token().sign()),
        400,
        "invalid_log_range");
    assertProblem(
        "treeSize beyond the log",
        officer.get(
            "/v1/privacy/proofs/inclusion?index=0&treeSize=" + (size + 1_000_000),
            officer.token().sign()),
        400,
        "invalid_log_range");
  }

  @Test
  void provesThatALaterCheckpointExtendsAnEarlierOne() throws Exception {
    Partners officer = partner("privacy-officer");
    SignedJWT earlier = checkpoint(officer);
    pushSixOrdersOnce(); // the log grows
    SignedJWT later = checkpoint(officer);
    long first = earlier.getJWTClaimsSet().getLongClaim("tree_size");
    long second = later.getJWTClaimsSet().getLongClaim("tree_size");
    byte[] firstRoot = decode(earlier.getJWTClaimsSet().getStringClaim("root_hash"));
    byte[] secondRoot = decode(later.getJWTClaimsSet().getStringClaim("root_hash"));

    Map<String, Object> answer =
        json(
            officer.get(
                "/v1/privacy/proofs/consistency?first=" + first + "&second=" + second,
                officer.token().sign()));
    List<byte[]> proof = hashes(answer.get("proof"));

    assertThat(second).as("the batch was logged").isGreaterThan(first);
    assertThat(Rfc9162.verifyConsistency(first, second, proof, firstRoot, secondRoot)).isTrue();
    assertThat(Rfc9162.verifyConsistency(first, second, proof, secondRoot, secondRoot))
        .as("another first root does not verify")
        .isFalse();
  }

  @Test
  void recordsTheOfficersReadsInTheAccessLogAndNotInTheMinimizationLog() throws Exception {
    Partners officer = partner("privacy-officer");
    long minimization = checkpoint(officer).getJWTClaimsSet().getLongClaim("tree_size");
    long access = checkpoint(officer, ACCESS).getJWTClaimsSet().getLongClaim("tree_size");

    HttpResponse<String> read =
        officer.get(
            "/v1/privacy/entries?recipient=customs-nl&from=2026-01-01T00:00:00Z&limit=3",
            officer.token().sign());
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);

    assertThat(checkpoint(officer).getJWTClaimsSet().getLongClaim("tree_size"))
        .as("reading does not grow the minimization log")
        .isEqualTo(minimization);
    SignedJWT later = checkpoint(officer, ACCESS);
    long size = later.getJWTClaimsSet().getLongClaim("tree_size");
    assertThat(size).isGreaterThan(access);
    List<String> lines = export(officer, ACCESS, size);
    assertThat(Rfc9162.rootHash(lines))
        .isEqualTo(later.getJWTClaimsSet().getStringClaim("root_hash"));
    assertThat(lines)
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("{\"kind\":\"read\",")
                    .contains("\"officer\":\"privacy-officer\",\"log\":\"minimization\"")
                    .contains(
                        "\"resource\":\"entries\",\"query\":\"recipient=customs-nl"
                            + "&from=2026-01-01T00:00:00Z\"}"));
  }

  @Test
  void reportsItsOwnCheckOfBothStoredLogsAsVerified() throws Exception {
    Partners officer = partner("privacy-officer");
    for (String base : List.of(MINIMIZATION, ACCESS)) {
      HttpResponse<String> verification =
          officer.get(base + "/verification", officer.token().sign());
      assertThat(verification.statusCode()).as(verification.body()).isEqualTo(200);
      assertThat(json(verification).get("status")).as(verification.body()).isEqualTo("verified");
    }
  }

  @Test
  void refusesAMalformedParameter() throws Exception {
    Partners officer = partner("privacy-officer");
    for (String query :
        List.of(
            "entries?limit=0",
            "entries?limit=1001",
            "entries?from=yesterday",
            "stats?bucket=year",
            "export?format=xml")) {
      assertProblem(
          query,
          officer.get("/v1/privacy/" + query, officer.token().sign()),
          400,
          "invalid_request");
    }
  }

  @Test
  void servesTheReviewPageAndItsCallsToTheOfficersCertificate() throws Exception {
    Partners officer = partner("privacy-officer");
    HttpResponse<String> page = officer.get("/privacy/", null);
    HttpResponse<String> entries =
        officer.send(
            "GET", "/privacy/api/entries?limit=1", null, Map.of("X-Parcelgate-Page", "1"), null);

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(entries.statusCode()).as(entries.body()).isEqualTo(200);
  }

  /** The indexes of the batch's minimization entries (this read is recorded in the access log). */
  private static List<Long> entriesOfTheBatch(Partners officer) throws Exception {
    HttpResponse<String> answer =
        officer.get(
            "/v1/privacy/entries?kind=minimization&marketplace=marketplace-alpha&limit=1000",
            officer.token().sign());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    List<Long> indexes = new ArrayList<>();
    for (Object entry : (List<?>) json(answer).get("entries")) {
      Map<?, ?> member = (Map<?, ?>) entry;
      if (batchId.equals(member.get("batchId"))) {
        indexes.add((Long) member.get("index"));
      }
    }
    return indexes;
  }

  private static SignedJWT checkpoint(Partners officer) throws Exception {
    return checkpoint(officer, MINIMIZATION);
  }

  /** The latest checkpoint of the log at {@code base}, its signature and log name checked. */
  private static SignedJWT checkpoint(Partners officer, String base) throws Exception {
    Map<String, Object> answer = json(officer.get(base + "/checkpoint", officer.token().sign()));
    SignedJWT jws = SignedJWT.parse(answer.get("jws").toString());
    assertThat(jws.getJWTClaimsSet().getStringClaim("log"))
        .isEqualTo(base.equals(ACCESS) ? "access" : "minimization");
    assertThat(jws.getHeader().getType().getType()).isEqualTo("parcelgate-checkpoint+jwt");
    assertThat(Conformance.verifies(jws, Conformance.gatewayKeys()))
        .as("checkpoint signature")
        .isTrue();
    assertThat(jws.getJWTClaimsSet().getLongClaim("tree_size")).isEqualTo(answer.get("treeSize"));
    assertThat(jws.getJWTClaimsSet().getStringClaim("root_hash")).isEqualTo(answer.get("rootHash"));
    return jws;
  }

  /** Every entry below {@code size}, following {@code Parcelgate-Next-Start} page by page. */
  private static List<String> export(Partners officer, long size) throws Exception {
    return export(officer, MINIMIZATION, size);
  }

  /** Every entry below {@code size} of the log at {@code base}, page by page. */
  private static List<String> export(Partners officer, String base, long size) throws Exception {
    List<String> lines = new ArrayList<>();
    long start = 0;
    while (start < size) {
      HttpResponse<String> export =
          officer.get(
              base + "/export?format=jsonl&start=" + start + "&end=" + size,
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

  private static List<byte[]> hashes(Object base64urlList) {
    List<byte[]> hashes = new ArrayList<>();
    for (Object node : (List<?>) base64urlList) {
      hashes.add(decode(node.toString()));
    }
    return hashes;
  }

  private static byte[] decode(String base64url) {
    return Base64.getUrlDecoder().decode(base64url);
  }
}
