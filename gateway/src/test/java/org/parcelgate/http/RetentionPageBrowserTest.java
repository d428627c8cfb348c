package org.parcelgate.http;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Chromium;
import org.parcelgate.testing.Partners;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;
import org.parcelgate.testing.TestPrivacy;

/**
 * A privacy officer proving in the review page, in Chromium, that a batch's records were deleted on
 * time: against a gateway whose recipient's policy keeps copies two seconds, the batch's search
 * shows its minimization entry and its purge entry, the purge says what, why and under which
 * policy, and its inclusion in the signed log is proven in the page.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class RetentionPageBrowserTest {
  private static final SamplePki PKI = TestPki.shared();

  private static TestGateway.Running gateway;
  private static Playwright playwright;
  private static Browser browser;
  private static String origin;
  private static String batchId;

  @BeforeAll
  static void start(Vertx vertx) {
    Map<String, String> environment = TestGateway.environment(PKI);
    environment.put(
        "PARCELGATE_PRIVACY_RECIPIENTS",
        TestPrivacy.RECIPIENT + "=" + TestPrivacy.shortRetentionPolicy(Duration.ofSeconds(2)));
    environment.put("PARCELGATE_PRIVACY_RETENTION_INTERVAL", "1s");
    gateway = Await.result(TestGateway.start(vertx, environment, Clock.systemUTC()));
    origin = "https://localhost:" + gateway.partnerPort();
    batchId =
        Partners.pushAccepted(
            vertx,
            PKI,
            "marketplace-alpha",
            gateway.partnerPort(),
            SampleTransactions.batch(4200, 3, Instant.now().minus(1, ChronoUnit.HOURS)));
    Await.until(
        () ->
            Partners.get(
                    vertx,
                    PKI,
                    "marketplace-alpha",
                    gateway.partnerPort(),
                    "/v1/batches/" + batchId,
                    null)
                .bodyAsJsonObject()
                .containsKey("retention"),
        "the batch purged by retention",
        Duration.ofSeconds(30));

    PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
    playwright = Chromium.playwright(PKI);
    browser = Chromium.launch(playwright);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (gateway != null) {
      Await.result(gateway.gateway().stop());
    }
  }

  @Test
  void showsABatchsPurgeWithWhatWhyAndPolicyAndProvesItInTheBrowser() {
    try (BrowserContext context =
        Chromium.presenting(browser, origin, PKI.identity("privacy-officer"))) {
      Page page = context.newPage();
      Response response = page.navigate(origin + PrivacyEndpoints.PAGE_PATH + "?batch=" + batchId);
      Assertions.assertThat(response.status()).isEqualTo(200);
      assertThat(page.locator("#entries")).hasAttribute("data-loaded", "true");

      Locator rows = page.locator("#entries tbody tr[data-batch-id='" + batchId + "']");
      assertThat(rows).hasCount(2);
      Locator purge = page.locator("#entries tbody tr[data-kind='purge']");
      assertThat(purge.locator(".kind-badge")).hasText("purge");
      assertThat(purge.locator("td.recipient")).hasText(TestPrivacy.RECIPIENT);
      assertThat(purge.locator("td.policy")).containsText("customs-short-retention v3");
      assertThat(purge.locator("[data-testid='purge-detail']"))
          .containsText("purged 3 records of the batch, all delivered");
      assertThat(purge.locator("[data-testid='purge-detail']"))
          .containsText(Pattern.compile("retention PT2S · received \\d{4}-\\d{2}-\\d{2}T"));
      String stored =
          page.locator("#entries tbody tr[data-kind='minimization']").getAttribute("data-index");
      assertThat(purge.locator("[data-testid='purge-detail']"))
          .containsText("stored by entry " + stored);

      Locator proof = purge.locator("td.proof");
      proof.locator("button").click();
      assertThat(proof).hasAttribute("data-proof", "verified");

      page.locator("#filter-batch").fill("");
      page.locator("#filter-kind").selectOption("purge");
      page.locator("#apply-filters").click();
      assertThat(page.locator("#entries tbody tr[data-kind='minimization']")).hasCount(0);
      assertThat(page.locator("#entries tbody tr[data-kind='purge'][data-batch-id]")).hasCount(1);
    }
  }
}
