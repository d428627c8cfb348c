package org.parcelgate.conformance;

import static org.parcelgate.conformance.Conformance.assertProblem;
import static org.parcelgate.conformance.Conformance.partner;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Protocol section 3: each endpoint for its role only; routes and methods after the token. */
@ExtendWith(ConformanceReport.class)
class RoleConformanceTest {

  @Test
  void batchesAreForMarketplacesOnly() throws Exception {
    byte[] body = Conformance.batch(1);
    for (String name : List.of("customs-nl", "privacy-officer")) {
      Partners other = partner(name);
      assertProblem(other.postBatch(body, other.token().body(body).sign()), 403, "forbidden");
    }
  }

  @Test
  void theMinimizationLogIsForPrivacyOfficersOnly() throws Exception {
    for (String name : List.of("marketplace-alpha", "customs-nl")) {
      Partners other = partner(name);
      for (String path :
          List.of("/v1/privacy/entries", "/v1/privacy/checkpoint", "/v1/privacy/export")) {
        assertProblem(other.get(path, other.token().sign()), 403, "forbidden");
      }
      assertProblem(
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
    for (String name : List.of("marketplace-alpha", "privacy-officer")) {
      Partners other = partner(name);
      for (String path : List.of("/v1/customs/price-records", "/v1/customs/seller-records")) {
        assertProblem(other.get(path, other.token().sign()), 403, "forbidden");
      }
    }
  }

  @Test
  void answersAnUnknownPathWithNotFoundAndAnUnknownMethodWithMethodNotAllowed() throws Exception {
    Partners alpha = partner("marketplace-alpha");
    assertProblem(alpha.get("/v1/nothing-here", alpha.token().sign()), 404, "not_found");
    assertProblem(
        alpha.send("DELETE", "/v1/whoami", alpha.token().sign(), Map.of(), null),
        405,
        "method_not_allowed");
  }

  @Test
  void checksTheTokenBeforeTheRoute() throws Exception {
    assertProblem(partner("marketplace-alpha").get("/v1/nothing-here", null), 401, "missing_token");
  }
}
