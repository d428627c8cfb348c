package org.parcelgate.http;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.parcelgate.app.VerifyLogCommand;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.RequestTokens;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.protocol.MerkleTree;
import org.parcelgate.protocol.SignedNote;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import org.parcelgate.signing.GatewaySigningKeys;
import org.parcelgate.signing.LogNoteSigner;
import org.parcelgate.store.EmbeddedStore;
import org.parcelgate.testing.Await;
import org.parcelgate.testing.Chromium;
import org.parcelgate.testing.Containers;
import org.parcelgate.testing.PartnerClient;
import org.parcelgate.testing.TestGateway;
import org.parcelgate.testing.TestPki;
import org.parcelgate.witness.Witness;
import org.parcelgate.witness.WitnessServer;

/**
 * The privacy officers' review page in a real browser: Debian's Chromium driven by Playwright
 * against an in-process gateway, presenting the officer's client certificate like a browser with
 * the certificate installed would. ({@link Chromium} says how the browser is set up and trusts the
 * gateway).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PrivacyPageBrowserTest {
  private static final SamplePki PKI = TestPki.shared();
  private static final Path SCREENSHOT = Paths.get("target", "privacy-page.png");

  private static Vertx vertx;
  private static TestGateway.Running gateway;
  private static Playwright playwright;
  private static Browser browser;
  private static String origin;
  private static String alphaBatch;
  private static String betaBatch;
  private static Path dataDirectory;
  private static String logNoteKey;
  private static Witness witness;
  private static Witness stranger;

  private BrowserContext context;
  private final List<String> browserErrors = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start(Vertx shared) {
    vertx = shared;
    Map<String, String> environment = TestGateway.environment(PKI);
    dataDirectory = Path.of(environment.get("PARCELGATE_STORE_DATA_DIRECTORY"));
    // One witness of both logs, so the page's check of cosignatures has some to check.
    try {
      LogNoteSigner notes =
          LogNoteSigner.derivedFrom(
              GatewaySigningKeys.load(PKI.gatewaySigningKey(), java.util.Optional.empty()));
      logNoteKey = notes.verifierKey(TestGateway.GATEWAY_ID + "/minimization-log").encode();
      Path witnesses = Files.createTempDirectory("page-witnesses");
      witness =
          Witness.open(
              "dpa.example/witness",
              List.of(
                  SignedNote.VerifierKey.parse(logNoteKey),
                  notes.verifierKey(TestGateway.GATEWAY_ID + "/access-log")),
              witnesses.resolve("dpa"),
              Clock.systemUTC());
      stranger =
          Witness.open(
              "other.example/witness",
              List.of(SignedNote.VerifierKey.parse(logNoteKey)),
              witnesses.resolve("other"),
              Clock.systemUTC());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    HttpServer witnessServer = Await.result(WitnessServer.start(vertx, witness, "127.0.0.1", 0));
    environment.put(
        "PARCELGATE_PRIVACY_WITNESSES",
        "http://127.0.0.1:" + witnessServer.actualPort() + "/ " + witness.verifierKey().encode());
    environment.put("PARCELGATE_PRIVACY_WITNESS_INTERVAL", "1s");
    gateway = Await.result(TestGateway.start(vertx, environment, Clock.systemUTC()));
    origin = "https://localhost:" + gateway.partnerPort();
    alphaBatch = submit("marketplace-alpha", "ES256", 7000, 3);
    betaBatch = submit("marketplace-beta", "PS256", 7100, 2);

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

  @AfterEach
  void closeContext() {
    if (context != null) {
      context.close();
    }
  }

  /** Submits a batch of fresh transactions as a marketplace and returns its id. */
  private static String submit(String marketplace, String alg, int firstOrder, int count) {
    List<Transaction> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      records.add(SampleTransactions.valid(firstOrder + i, Instant.now().minusSeconds(3600)));
    }
    byte[] body = Containers.write(records);
    Identity identity = PKI.identity(marketplace);
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      String token =
          RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now()).body(body).sign();
      HttpResponse<Buffer> response = Await.result(client.postBatch(body, token));
      Assertions.assertThat(response.statusCode()).isEqualTo(202);
      return response.bodyAsJsonObject().getString("batchId");
    }
  }

  /** A page in a fresh browser context that presents the partner's client certificate. */
  private Page pageAs(String partner) {
    context = Chromium.presenting(browser, origin, PKI.identity(partner));
    Page page = context.newPage();
    page.onConsoleMessage(
        message -> {
          if ("error".equals(message.type())) {
            browserErrors.add(message.text());
          }
        });
    page.onPageError(browserErrors::add);
    return page;
  }

  /** The officer's page, open and loaded. */
  private Page officerPage(String query) {
    Page page = pageAs("privacy-officer");
    Response response = page.navigate(origin + PrivacyEndpoints.PAGE_PATH + query);
    Assertions.assertThat(response.status()).isEqualTo(200);
    assertThat(page.locator("#entries")).hasAttribute("data-loaded", "true");
    return page;
  }

  private static Locator row(Page page, String batchId) {
    return page.locator("#entries tbody tr[data-batch-id='" + batchId + "']");
  }

  @Test
  void showsTheEntriesOfTheSubmittedBatchesAndAVerifiedLog() {
    Page page = officerPage("");

    Locator status = page.locator("#verification-status");
    assertThat(status).hasAttribute("data-status", "verified");
    assertThat(status)
        .containsText(Pattern.compile("Minimization log verified: \\d+ entries, checkpoint "));

    Locator alpha = row(page, alphaBatch);
    assertThat(alpha).hasCount(1);
    assertThat(alpha).hasAttribute("data-kind", "minimization");
    assertThat(alpha.locator("td.marketplace")).hasText("marketplace-alpha");
    assertThat(alpha.locator("td.recipient")).hasText("customs-nl");
    assertThat(alpha.locator("td.policy")).containsText("customs-default v3");
    assertThat(alpha).containsText("3 → 3");
    assertThat(alpha.locator("li.field-group[data-action='pseudonymize']"))
        .containsText("buyer.buyerId");
    assertThat(alpha.locator("li.field-group[data-action='drop']")).containsText("buyer.name");
    Locator beta = row(page, betaBatch);
    assertThat(beta).hasCount(1);
    assertThat(beta).containsText("2 → 2");

    assertThat(page.locator("#actions-chart svg rect.bar").first()).isVisible();
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOT).setFullPage(true));
    Assertions.assertThat(browserErrors).as("console errors and CSP violations").isEmpty();
  }

  @Test
  void filteringByMarketplaceNarrowsTheTable() {
    Page page = officerPage("");
    assertThat(row(page, alphaBatch)).hasCount(1);
    assertThat(row(page, betaBatch)).hasCount(1);

    page.locator("#filter-marketplace").fill("marketplace-beta");
    page.locator("#apply-filters").click();

    assertThat(row(page, alphaBatch)).hasCount(0);
    assertThat(row(page, betaBatch)).hasCount(1);
    assertThat(
            page.locator(
                "#entries tbody tr[data-kind='minimization']"
                    + ":not([data-marketplace='marketplace-beta'])"))
        .hasCount(0);
    assertThat(page).hasURL(Pattern.compile("[?&]marketplace=marketplace-beta"));
    Assertions.assertThat(browserErrors).isEmpty();
  }

  @Test
  void readsTheFilterFromTheAddressAndReportsARefusedOneWithItsDetail() {
    Page page = officerPage("?marketplace=marketplace-alpha");
    assertThat(page.locator("#filter-marketplace")).hasValue("marketplace-alpha");
    assertThat(row(page, alphaBatch)).hasCount(1);
    assertThat(row(page, betaBatch)).hasCount(0);

    page.locator("#filter-marketplace").fill("no such/partner");
    page.locator("#apply-filters").click();

    Locator error = page.locator("#error");
    assertThat(error).isVisible();
    assertThat(error).containsText("marketplace is an id of letters, digits");
    assertThat(page.locator("#entries tbody tr")).hasCount(0);
  }

  @Test
  void chartHasStackedBarsPerActionWithALegend() {
    Page page = officerPage("");

    Locator bars = page.locator("#actions-chart svg rect.bar");
    assertThat(bars.first()).isVisible();
    assertThat(page.locator("#actions-chart svg rect.bar[data-action='pseudonymize']"))
        .not()
        .hasCount(0);
    assertThat(page.locator("#actions-legend li"))
        .hasText(new String[] {"keep", "drop", "pseudonymize", "generalize", "mask"});

    page.locator("#chart-bucket").selectOption("hour");
    assertThat(page.locator("#actions-chart svg rect.bar").first())
        .hasAttribute("data-period", Pattern.compile("T\\d{2}:00Z$"));
  }

  /** The entries the verification shown covers, once it is done. */
  private static long verifiedSize(Page page, String title) {
    Locator status = page.locator("#verification-status");
    Pattern verified = Pattern.compile(title + " verified: (\\d+) entr");
    assertThat(status).containsText(verified);
    assertThat(status).hasAttribute("data-status", "verified");
    Matcher matcher = verified.matcher(status.textContent());
    Assertions.assertThat(matcher.find()).as(status.textContent()).isTrue();
    return Long.parseLong(matcher.group(1));
  }

  @Test
  void readingTheMinimizationLogDoesNotGrowItAndTheCountsAgree() {
    Page page = officerPage("");
    long verified = verifiedSize(page, "Minimization log");
    assertThat(page.locator("#entries-summary"))
        .containsText(verified + " in the minimization log");

    page.locator("#filter-marketplace").fill("marketplace-beta");
    page.locator("#apply-filters").click();
    assertThat(row(page, alphaBatch)).hasCount(0);
    page.locator("#reset-filters").click();
    assertThat(row(page, alphaBatch)).hasCount(1);
    page.locator("#chart-bucket").selectOption("hour");
    page.locator("#filter-kind").selectOption("minimization");
    page.locator("#apply-filters").click();
    assertThat(page.locator("#entries tbody tr[data-kind='read']")).hasCount(0);

    page.locator("#verify-again").click();
    Assertions.assertThat(verifiedSize(page, "Minimization log")).isEqualTo(verified);
    assertThat(page.locator("#entries-summary"))
        .containsText(verified + " in the minimization log");
    assertThat(page.locator("#verification-newer")).isHidden();
    Assertions.assertThat(browserErrors).isEmpty();
  }

  @Test
  void theAccessLogShowsTheOfficersReadsWithCountsThatAgree() {
    Page page = officerPage("?marketplace=marketplace-beta");
    page.locator("#filter-log").selectOption("access");

    assertThat(page).hasURL(Pattern.compile("[?&]log=access"));
    long verified = verifiedSize(page, "Access log");
    assertThat(page.locator("#entries-summary")).containsText(verified + " in the access log");
    assertThat(page.locator("#verification-newer")).isHidden();
    assertThat(page.locator("#chart-card")).isHidden();
    assertThat(page.locator("#kind-field")).isHidden();
    Locator reads = page.locator("#entries tbody tr[data-kind='read']");
    assertThat(reads.first()).isVisible();
    assertThat(page.locator("#entries tbody tr[data-kind='minimization']")).hasCount(0);
    assertThat(
            reads.filter(new Locator.FilterOptions().setHasText("the minimization log's entries")))
        .not()
        .hasCount(0);
    assertThat(
            reads.filter(
                new Locator.FilterOptions()
                    .setHasText("the access log's entries with marketplace=marketplace-beta")))
        .not()
        .hasCount(0);

    page.locator("#filter-marketplace").fill("marketplace-alpha");
    page.locator("#apply-filters").click();
    assertThat(page.locator("#verification-newer")).isVisible();
    assertThat(page.locator("#verification-newer")).containsText("1 entry was appended");
    page.locator("#verify-again").click();
    assertThat(page.locator("#verification-newer")).isHidden();
    Assertions.assertThat(verifiedSize(page, "Access log")).isEqualTo(verified + 1);

    page.locator("#filter-log").selectOption("minimization");
    assertThat(page.locator("#chart-card")).isVisible();
    assertThat(row(page, alphaBatch)).hasCount(1);
    Assertions.assertThat(browserErrors).isEmpty();
  }

  @Test
  void provesAnEntrysInclusionInTheBrowserAgainstTheSignedCheckpoint() {
    Page page = officerPage("");

    Locator proof = row(page, alphaBatch).locator("td.proof");
    proof.locator("button").click();

    assertThat(proof).hasAttribute("data-proof", "verified");
    assertThat(proof)
        .containsText(
            Pattern.compile(
                "✓ entry \\d+ is in the \\d+ entries signed .* checked in this browser"));
    Assertions.assertThat(browserErrors).isEmpty();
  }

  @Test
  void theBrowsersVerifierAgreesWithTheReferenceTreeAtEverySizeUpTo33() {
    Page page = officerPage("");
    List<String> entries = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    List<Map<String, Object>> inclusion = new ArrayList<>();
    List<Map<String, Object>> consistency = new ArrayList<>();
    for (int size = 1; size <= 33; size++) {
      String entry = "{\"kind\":\"test\",\"n\":" + size + ",\"text\":\"é\"}";
      entries.add(entry);
      leaves.add(MerkleTree.leafHash(entry.getBytes(StandardCharsets.UTF_8)));
      String root = base64url(MerkleTree.root(leaves));
      for (int index = 0; index < size; index++) {
        inclusion.add(
            Map.of(
                "entry", entries.get(index),
                "index", index,
                "size", size,
                "path", base64urls(MerkleTree.inclusionProof(leaves, index)),
                "root", root));
      }
      for (int first = 1; first < size; first++) {
        consistency.add(
            Map.of(
                "first", first,
                "second", size,
                "firstRoot", base64url(MerkleTree.root(leaves.subList(0, first))),
                "secondRoot", root,
                "proof", base64urls(MerkleTree.consistencyProof(leaves, first))));
      }
    }

    Object results =
        page.evaluate(
            "async (cases) => {\n"
                + "  const E = window.ParcelgateEvidence;\n"
                + "  const b = (list) => list.map(E.base64url);\n"
                + "  const out = { included: 0, wrongEntry: 0, consistent: 0, swapped: 0 };\n"
                + "  for (const c of cases.inclusion) {\n"
                + "    const root = E.base64url(c.root);\n"
                + "    const leaf = await E.leafHash(c.entry);\n"
                + "    if (E.equal(await E.rootFromInclusion(c.index, c.size, leaf, b(c.path)), root))"
                + " out.included++;\n"
                + "    const other = await E.leafHash(c.entry + ' ');\n"
                + "    if (!E.equal(await E.rootFromInclusion(c.index, c.size, other, b(c.path)), root))"
                + " out.wrongEntry++;\n"
                + "  }\n"
                + "  for (const c of cases.consistency) {\n"
                + "    const first = E.base64url(c.firstRoot), second = E.base64url(c.secondRoot);\n"
                + "    if (await E.verifyConsistency(c.first, c.second, first, second, b(c.proof)))"
                + " out.consistent++;\n"
                + "    if (!(await E.verifyConsistency(c.first, c.second, second, first, b(c.proof))))"
                + " out.swapped++;\n"
                + "  }\n"
                + "  return out;\n"
                + "}",
            Map.of("inclusion", inclusion, "consistency", consistency));

    Assertions.assertThat(results)
        .isEqualTo(
            Map.of(
                "included", inclusion.size(),
                "wrongEntry", inclusion.size(),
                "consistent", consistency.size(),
                "swapped", consistency.size()));
  }

  private static String base64url(byte[] hash) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
  }

  private static List<String> base64urls(List<byte[]> hashes) {
    return hashes.stream().map(PrivacyPageBrowserTest::base64url).toList();
  }

  @Test
  void requiresTheWitnessesCosignaturesInTheBrowser() throws Exception {
    for (int attempt = 0; attempt < 100; attempt++) {
      if (officerApi("/v1/privacy/checkpoint").bodyAsJsonObject().containsKey("witnessed")) {
        break;
      }
      Thread.sleep(200);
    }
    Page page = officerPage("");
    page.locator("#witnesses summary").click();
    page.locator("#witness-log-key").fill(logNoteKey);
    page.locator("#witness-keys").fill(witness.verifierKey().encode());
    page.locator("#witness-required").fill("1");
    page.locator("#check-witnesses").click();

    Locator result = page.getByTestId("witness-result");
    assertThat(result).hasAttribute("data-result", "verified");
    assertThat(result).containsText("cosigned by 1 of your 1 witnesses (dpa.example/witness)");

    page.locator("#witness-keys")
        .fill(witness.verifierKey().encode() + "\n" + stranger.verifierKey().encode());
    page.locator("#witness-required").fill("2");
    page.locator("#check-witnesses").click();
    assertThat(result).hasAttribute("data-result", "failed");
    assertThat(result).containsText("NOT ENOUGH");
    assertThat(result).containsText("cosigned by 1 of your 2 witnesses");

    page.locator("#witness-log-key").fill(stranger.verifierKey().encode());
    page.locator("#check-witnesses").click();
    assertThat(result).hasAttribute("data-result", "failed");
    assertThat(result).not().containsText("cosigned by");
    Assertions.assertThat(browserErrors).isEmpty();
  }

  @Test
  void anEntryChangedInTheDatabaseFailsItsProofInTheBrowser() throws Exception {
    String original = "\"recordsIn\":2,\"recordsOut\":2";
    String forged = "\"recordsIn\":2,\"recordsOut\":1";
    tamper(betaBatch, original, forged);
    try {
      Page page = officerPage("?marketplace=marketplace-beta");
      Locator beta = row(page, betaBatch);
      assertThat(beta).containsText("2 → 1");

      beta.locator("td.proof button").click();

      Locator proof = beta.locator("td.proof");
      assertThat(proof).hasAttribute("data-proof", "failed");
      assertThat(proof).containsText("NOT in the signed log");
      assertThat(proof).containsText("changed after it was logged");
    } finally {
      tamper(betaBatch, forged, original);
    }
  }

  /** Edits the stored minimization entries of a batch in the gateway's database, as an intruder. */
  private static void tamper(String batchId, String from, String to) throws Exception {
    try (Connection connection = EmbeddedStore.connect(dataDirectory);
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE minimization_log SET entry = replace(entry, ?, ?) WHERE entry LIKE ?")) {
      update.setString(1, from);
      update.setString(2, to);
      update.setString(3, "%" + batchId + "%");
      Assertions.assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }

  @Test
  void aSavedCheckpointProvesInTheBrowserThatTheLogOnlyGrew() throws Exception {
    Page page = officerPage("");
    Path saved = Files.createTempFile("minimization-checkpoint", ".json");
    page.waitForDownload(() -> page.locator("#download-checkpoint").click()).saveAs(saved);
    JsonObject checkpoint = new JsonObject(Files.readString(saved));
    Assertions.assertThat(checkpoint.getString("log")).isEqualTo("minimization");

    submit("marketplace-alpha", "ES256", 7200, 1);
    page.locator("#saved-checkpoint").setInputFiles(saved);

    Locator result = page.locator("#consistency-result");
    assertThat(result).hasAttribute("data-result", "verified");
    assertThat(result)
        .containsText(
            "only grew since your checkpoint: its " + checkpoint.getLong("treeSize") + " entries");

    String jws = checkpoint.getString("jws");
    String forgedSignature =
        jws.substring(0, jws.length() - 4) + (jws.endsWith("AAAA") ? "BBBB" : "AAAA");
    Path forged = Files.createTempFile("forged-checkpoint", ".json");
    Files.writeString(forged, checkpoint.copy().put("jws", forgedSignature).encode());
    page.locator("#saved-checkpoint").setInputFiles(forged);
    assertThat(result).hasAttribute("data-result", "failed");
    assertThat(result).containsText("signature does not verify");
    Assertions.assertThat(browserErrors).isEmpty();
  }

  @Test
  void downloadsTheCheckpointTheKeysAndARangeThatVerifyOffline() throws Exception {
    Page page = officerPage("");
    Path directory = Files.createTempDirectory("officer-downloads");
    Path checkpoint = directory.resolve("checkpoint.json");
    page.waitForDownload(() -> page.locator("#download-checkpoint").click()).saveAs(checkpoint);
    long size = new JsonObject(Files.readString(checkpoint)).getLong("treeSize");
    Path keys = directory.resolve("keys.json");
    page.waitForDownload(() -> page.locator("#download-keys").click()).saveAs(keys);

    page.locator("#export-end").fill(Long.toString(size));
    Download download = page.waitForDownload(() -> page.locator("#export-range").click());
    Assertions.assertThat(download.suggestedFilename())
        .isEqualTo("minimization-log-0-" + size + ".jsonl");
    Path export = directory.resolve("export.jsonl");
    download.saveAs(export);

    Assertions.assertThat(Files.readAllLines(export)).hasSize((int) size);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        VerifyLogCommand.run(
            List.of(
                "--log",
                export.toString(),
                "--checkpoint",
                checkpoint.toString(),
                "--keys",
                keys.toString()),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    Assertions.assertThat(status).as(out.toString(StandardCharsets.UTF_8)).isZero();
    Assertions.assertThat(browserErrors).isEmpty();
  }

  @Test
  void showsAMarketplaceCertificateAReadableRefusalInsteadOfThePage() {
    Page page = pageAs("marketplace-alpha");

    Response response = page.navigate(origin + PrivacyEndpoints.PAGE_PATH);

    Assertions.assertThat(response.status()).isEqualTo(403);
    Assertions.assertThat(response.headerValue("content-type")).startsWith("text/html");
    assertThat(page.locator("h1")).hasText("This page is for privacy officers");
    assertThat(page.getByTestId("refused-partner")).hasText("marketplace-alpha");
    assertThat(page.getByTestId("refused-role")).hasText("marketplace");
    assertThat(page.locator("#verification-status")).hasCount(0);
    assertThat(page.locator("#entries")).hasCount(0);
    assertThat(page.locator("header.top")).hasCSS("background-color", "rgb(31, 58, 95)");
    // The browser reports the page's own 403; nothing else (no CSP violation, the style loads).
    Assertions.assertThat(browserErrors)
        .as("console errors and CSP violations")
        .containsExactly(
            "Failed to load resource: the server responded with a status of 403 (Forbidden)");
  }

  @Test
  void findsTheEntriesOfABatchAndOfATransactionWithinItsMarketplace() {
    Page page = officerPage("");

    page.locator("#filter-batch").fill(betaBatch);
    page.locator("#apply-filters").click();
    assertThat(row(page, alphaBatch)).hasCount(0);
    assertThat(row(page, betaBatch)).hasCount(1);
    assertThat(page).hasURL(Pattern.compile("[?&]batch=" + betaBatch));

    page.locator("#filter-batch").fill("");
    page.locator("#filter-transaction").fill("ORD-7001");
    page.locator("#apply-filters").click();
    assertThat(page.locator("#error")).containsText("fill in the marketplace too");

    page.locator("#filter-marketplace").fill("marketplace-alpha");
    page.locator("#apply-filters").click();
    assertThat(row(page, alphaBatch)).hasCount(1);
    assertThat(row(page, betaBatch)).hasCount(0);
    assertThat(page.locator("#entries tbody tr")).hasCount(1);
    Assertions.assertThat(browserErrors).isEmpty();
  }

  @Test
  void refusesAFromTimeAfterTheToTimeAndShowsTimesInIso8601Utc() {
    Page page = officerPage("");
    Pattern iso = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$");
    Assertions.assertThat(row(page, alphaBatch).locator("td.time time").textContent()).matches(iso);

    page.locator("#filter-from").fill("2026-12-02");
    page.locator("#filter-to").fill("2026-12-01T08:00:00Z");
    page.locator("#apply-filters").click();
    assertThat(page.locator("#error")).containsText("must be before");
    assertThat(row(page, alphaBatch)).hasCount(1);

    page.locator("#filter-from").fill("yesterday");
    page.locator("#apply-filters").click();
    assertThat(page.locator("#error")).containsText("ISO 8601");

    page.locator("#filter-from").fill("2020-01-01");
    page.locator("#filter-to").fill("2099-01-01T00:00");
    page.locator("#apply-filters").click();
    assertThat(page.locator("#error")).isHidden();
    assertThat(page).hasURL(Pattern.compile("[?&]to=2099-01-01T00%3A00%3A00Z"));
    assertThat(row(page, alphaBatch)).hasCount(1);
  }

  @Test
  void pagesPastTheNewestTwoHundredEntries() {
    // 230 distinct reads make 230 entries in the access log, more than a page.
    for (int i = 0; i < 230; i++) {
      HttpResponse<Buffer> read = officerApi("/v1/privacy/entries?limit=1&recipient=paging-" + i);
      Assertions.assertThat(read.statusCode()).isEqualTo(200);
    }
    Page page = officerPage("?log=access");
    Locator rows = page.locator("#entries tbody tr");
    assertThat(rows).hasCount(200);
    String newest = rows.first().getAttribute("data-index");

    page.locator("#page-older").click();
    assertThat(page.locator("#entries-summary")).containsText("page 2");
    assertThat(rows.first())
        .hasAttribute("data-index", String.valueOf(Long.parseLong(newest) - 200));
    assertThat(page.locator("#page-newer")).isEnabled();

    page.locator("#page-newer").click();
    assertThat(rows.first()).hasAttribute("data-index", newest);
    assertThat(page.locator("#page-newer")).isDisabled();
    Assertions.assertThat(browserErrors).isEmpty();
  }

  @Test
  void theChartFollowsEveryFilterAndHasItsFiguresAsATable() {
    Page page = officerPage("");
    page.locator("#actions-table-details summary").click();
    Locator totals = page.locator("#actions-table tbody tr td:last-child");
    assertThat(totals.first()).isVisible();
    long all = sum(totals.allTextContents());

    page.locator("#filter-batch").fill(betaBatch);
    page.locator("#apply-filters").click();
    assertThat(row(page, alphaBatch)).hasCount(0);
    page.waitForCondition(() -> sum(totals.allTextContents()) < all);
    long beta = sum(totals.allTextContents());
    Assertions.assertThat(beta).isPositive().isLessThan(all);
    assertThat(page.locator("#actions-table thead th").first()).hasText("Period (UTC)");
  }

  private static long sum(List<String> cells) {
    return cells.stream().mapToLong(cell -> Long.parseLong(cell.trim())).sum();
  }

  @Test
  void explainsRecordsInAndOutAndShowsTheFullBatchIdAndLegalBasisOnDemand() {
    Page page = officerPage("");
    assertThat(page.getByTestId("records-legend")).containsText("is not a loss");
    Locator alpha = row(page, alphaBatch);

    Locator batch = alpha.locator("details.batch-id");
    assertThat(batch.locator(".full")).isHidden();
    batch.locator("summary").click();
    assertThat(batch.locator(".full")).hasText("batch " + alphaBatch);

    Locator basis = alpha.locator("details.legal-basis");
    basis.locator("summary").click();
    assertThat(basis.locator(".full")).containsText("Customs");
  }

  /** A privacy officer's API call with a signed request token. */
  private static HttpResponse<Buffer> officerApi(String path) {
    Identity identity = PKI.identity("privacy-officer");
    try (PartnerClient client = PartnerClient.of(vertx, PKI, identity, gateway.partnerPort())) {
      String alg = identity.signingKeys().get(0).getAlgorithm().getName();
      String token = RequestTokens.of(identity, alg, TestGateway.GATEWAY_ID, Instant.now()).sign();
      return Await.result(client.get(path, token));
    }
  }
}
