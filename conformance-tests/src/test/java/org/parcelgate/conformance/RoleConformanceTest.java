package org.parcelgate.conformance;

import static org.parcelgate.conformance.Conformance.assertProblem;
import static org.parcelgate.conformance.Conformance.partner;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Protocol sections 2 and 3: each endpoint for its role only, the role checked after the token,
 * routes and methods after the token too.
 */
@ExtendWith(ConformanceReport.class)
class RoleConformanceTest {
  private static final List<String> NOT_MARKETPLACES =
      List.of("customs-nl", "customs-de", "privacy-officer");
  private static final List<String> NOT_OFFICERS = List.of("marketplace-alpha", "customs-nl");
  private static final List<String> NOT_CUSTOMS = List.of("marketplace-alpha", "privacy-officer");

  @Test
  void batchesAreForMarketplacesOnly() throws Exception {
    byte[] body = Conformance.batch(1);
    for (String name : NOT_MARKETPLACES) {
      Partners other = partner(name);
      assertProblem(name, other.postBatch(body, other.token().body(body).sign()), 403, "forbidden");
    }
  }

  @Test
  void aBatchsAnswerIsForMarketplacesOnly() throws Exception {
    String path = "/v1/batches/" + UUID.randomUUID();
    for (String name : NOT_MARKETPLACES) {
      Partners other = partner(name);
      assertProblem(name, other.get(path, other.token().sign()), 403, "forbidden");
    }
  }

  @Test
  void theMinimizationLogIsForPrivacyOfficersOnly() throws Exception {
    for (String name : NOT_OFFICERS) {
      Partners other = partner(name);
      for (String path :
          List.of(
              "/v1/privacy/entries",
              "/v1/privacy/stats",
              "/v1/privacy/export",
              "/v1/privacy/checkpoint",
              "/v1/privacy/proofs/inclusion?index=0&treeSize=1",
              "/v1/privacy/proofs/consistency?first=1&second=1",
              "/v1/privacy/verification")) {
        assertProblem(name + " " + path, other.get(path, other.token().sign()), 403, "forbidden");
      }
    }
  }

  @Test
  void theReviewPageAndItsCallsAreForPrivacyOfficersOnly() throws Exception {
    for (String name : NOT_OFFICERS) {
      Partners other = partner(name);
      assertProblem(name + " page", other.get("/privacy/", null), 403, "forbidden");
      assertProblem(
          name + " call",
          other.send("GET", "/privacy/api/entries", null, Map.of("X-Parcelgate-Page", "1"), null),
          403,
          "forbidden");
    }
  }

  @Test
  void theReviewPagesCallsNeedTheirHeader() throws Exception {
    Partners officer = partner("privacy-officer");
    assertProblem(officer.get("/privacy/api/entries", null), 403, "forbidden");
  }

  @Test
  void theCustomsFeedsAreForCustomsOnly() throws Exception {
    for (String name : NOT_CUSTOMS) {
      Partners other = partner(name);
      for (String path : List.of("/v1/customs/price-records", "/v1/customs/seller-records")) {
        assertProblem(name + " " + path, other.get(path, other.token().sign()), 403, "forbidden");
      }
    }
  }

  @Test
  void checksTheTokenBeforeTheRole() throws Exception {
    Partners customs = partner("customs-nl");
    byte[] body = Conformance.batch(1);
    assertProblem(
        customs.postBatch(body, customs.token().body(body).claim("aud", "elsewhere").sign()),
        401,
        "audience_mismatch");
  }

  @Test
  void answersAnUnknownPathWithNotFoundAndAnUnknownMethodWithMethodNotAllowed() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    assertProblem(
        "unknown path", alpha.get("/v1/nothing-here", alpha.token().sign()), 404, "not_found");
    assertProblem(
        "DELETE /v1/whoami",
        alpha.send("DELETE", "/v1/whoami", alpha.token().sign(), Map.of(), null),
        405,
        "method_not_allowed");
    for (String path : List.of("/.well-known/jwks.json", "/v1/openapi.json")) {
      assertProblem(
          "DELETE " + path,
          alpha.send("DELETE", path, alpha.token().sign(), Map.of(), null),
          405,
          "method_not_allowed");
    }
  }

  @Test
  void checksTheTokenBeforeTheRoute() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    assertProblem("unknown path", alpha.get("/v1/nothing-here", null), 401, "missing_token");
    assertProblem(
        "another method on a path answered without a token",
        alpha.send("DELETE", "/.well-known/jwks.json", null, Map.of(), null),
        401,
        "missing_token");
  }
}
