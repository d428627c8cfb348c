package org.parcelgate.testing;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.ClientCertificate;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SamplePki;

/**
 * Debian's Chromium driven by Playwright, as the browser tests use it: installed by {@code
 * scripts/ensure-test-tools}, never Playwright's own download.
 *
 * <p>Trust: with {@code clientCertificates}, Playwright's driver (Node) makes the TLS connection to
 * the gateway and presents the certificate; Chromium only talks to the driver. The driver trusts
 * the sample root CA through {@code NODE_EXTRA_CA_CERTS}, so the gateway's certificate is verified
 * properly (chain and host name) and {@code ignoreHTTPSErrors} stays off.
 */
public final class Chromium {
  private static final Path EXECUTABLE = Paths.get("/usr/bin/chromium");
  private static final List<String> ARGS =
      List.of(
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          // Without these Chromium waits on services it cannot reach on a closed network.
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync");

  private Chromium() {}

  /** Playwright's driver, trusting the sample PKI's root. */
  public static Playwright playwright(SamplePki pki) {
    return Playwright.create(
        new Playwright.CreateOptions()
            .setEnv(
                Map.of(
                    "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD",
                    "1",
                    "NODE_EXTRA_CA_CERTS",
                    pki.trustAnchor().toString())));
  }

  /**
   * A fresh browser context that presents {@code partner}'s client certificate to {@code origin},
   * as a browser with the certificate installed does.
   */
  public static BrowserContext presenting(Browser browser, String origin, Identity partner) {
    return browser.newContext(
        new Browser.NewContextOptions()
            .setViewportSize(1360, 900)
            .setClientCertificates(
                List.of(
                    new ClientCertificate(origin)
                        .setCertPath(partner.certificate())
                        .setKeyPath(partner.privateKey()))));
  }

  /** Headless Chromium. */
  public static Browser launch(Playwright playwright) {
    return playwright
        .chromium()
        .launch(
            new BrowserType.LaunchOptions()
                .setExecutablePath(EXECUTABLE)
                .setHeadless(true)
                .setArgs(ARGS));
  }
}
