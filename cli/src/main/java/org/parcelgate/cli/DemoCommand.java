package org.parcelgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.parcelgate.app.EmbeddedGateway;
import org.parcelgate.client.BatchAnswer;
import org.parcelgate.client.BatchResult;
import org.parcelgate.client.Batches;
import org.parcelgate.client.FeedPage;
import org.parcelgate.client.FeedQuery;
import org.parcelgate.client.ParcelgateClient;
import org.parcelgate.client.SignedCheckpoint;
import org.parcelgate.pki.Identity;
import org.parcelgate.pki.SamplePki;
import org.parcelgate.schema.Transaction;
import org.parcelgate.schema.sample.SampleTransactions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code parcelgate demo}: the whole exchange in a minute, on a throwaway gateway: two marketplaces
 * push, two customs administrations pull, a privacy officer checks the log.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Shows the whole exchange on a throwaway gateway, in seconds.",
      "Starts a gateway on a fresh sample PKI in a temporary directory, pushes sample batches as two marketplaces, pulls them as the Dutch and German customs, shows the minimization log with a verified checkpoint and inclusion proof, and stops. Touches nothing else."
    })
final class DemoCommand implements Callable<Integer> {
  static final String GATEWAY_ID = "parcelgate-demo";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--keep",
      description = "Keep the temporary directory (PKI, database) and print where it is.")
  boolean keep;

  @Option(names = "--verbose", description = "Show the gateway's own log lines too.")
  boolean verbose;

  private PrintWriter out;
  private int failures;

  @Override
  public Integer call() throws IOException {
    out = spec.commandLine().getOut();
    if (!verbose) {
      // Read when the first logger is made, which is the gateway's, below.
      System.setProperty("parcelgate.log.level", "WARN");
    }
    Path directory = Files.createTempDirectory("parcelgate-demo");
    try {
      step("Generating a sample PKI (CA, certificates, signing and pseudonym keys)");
      SamplePki pki = SamplePki.generate(directory.resolve("pki"), Clock.systemUTC());
      say(
          pki.partners().size()
              + " partners: "
              + pki.partners().stream().map(Identity::name).collect(Collectors.joining(", ")));

      step("Starting a gateway on it");
      try (EmbeddedGateway gateway =
          EmbeddedGateway.start(pki.gatewaySettings(GATEWAY_ID, directory.resolve("data")))) {
        String url = "https://localhost:" + gateway.partnerPort();
        say("partner API " + url + " (mutual TLS), routing NL to customs-nl, DE to customs-de");
        failures = 0;
        run(pki, url);
      }
      step("Gateway stopped");
      return failures == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    } finally {
      if (keep) {
        say("kept: " + directory);
      } else {
        Directories.deleteTree(directory);
      }
      out.flush();
    }
  }

  private void run(SamplePki pki, String url) {
    Instant ordered = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    try (ParcelgateClient alpha = client(pki, url, "marketplace-alpha", "ES256");
        ParcelgateClient beta = client(pki, url, "marketplace-beta", "PS256");
        ParcelgateClient customsNl = client(pki, url, "customs-nl", "ES256");
        ParcelgateClient customsDe = client(pki, url, "customs-de", "ES256");
        ParcelgateClient officer = client(pki, url, "privacy-officer", "ES256")) {

      step(
          "marketplace-alpha pushes 6 orders, one to each of NL, DE, FR, BE, IT, ES (ES256 token)");
      byte[] alphaBatch = Batches.write(SampleTransactions.batch(1, 6, ordered));
      BatchResult first = alpha.push(alphaBatch);
      report(first);

      step("marketplace-alpha's answer is lost; it sends the same bytes again");
      BatchResult again = alpha.push(alphaBatch);
      boolean recognized = again.repeat() && again.answer().equals(first.answer());
      failures += recognized ? 0 : 1;
      say(
          recognized
              ? "the gateway recognizes the body: same batch "
                  + again.answer().batchId()
                  + ", original receipt, nothing stored twice"
              : "UNEXPECTED: the repeat was stored as a new batch");

      step(
          "marketplace-beta pushes 6 orders, one with a country name where a code belongs (PS256 token)");
      List<Transaction> betaOrders = new ArrayList<>(SampleTransactions.batch(101, 6, ordered));
      betaOrders.get(0).getShipment().setDestinationCountry("Netherlands");
      report(beta.push(betaOrders));

      for (ParcelgateClient customs : List.of(customsNl, customsDe)) {
        step(customs.partnerId() + " pulls its price records (signed pages, verified)");
        FeedPage page = customs.priceRecords(FeedQuery.fromStart());
        for (JsonNode record : page.records()) {
          JsonNode transaction = record.path("transaction");
          say(
              String.format(
                  "#%s %s %s to %s: goods %s %s, seller %s, buyer %s",
                  record.path("position").asText(),
                  record.path("marketplaceId").asText(),
                  record.path("transactionId").asText(),
                  transaction.path("shipment").path("destinationCountry").asText("?"),
                  transaction.path("amounts").path("goodsValueMinor").asText("?"),
                  transaction.path("amounts").path("currency").asText(""),
                  transaction.path("seller").path("sellerId").asText("?"),
                  transaction.path("buyer").path("buyerId").asText("(dropped)")));
        }
        say(
            page.records().size()
                + " records, next cursor "
                + page.nextCursor()
                + "; the buyer ids are pseudonyms, names and addresses of buyers are not there");
        // The seller feed is built a moment after the batches are stored (protocol.md).
        FeedPage sellers = customs.sellerRecords(FeedQuery.fromStart());
        for (int attempt = 0; sellers.records().isEmpty() && attempt < 100; attempt++) {
          java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
          sellers = customs.sellerRecords(FeedQuery.fromStart());
        }
        say(sellers.records().size() + " seller records with totals per currency");
      }

      step("privacy-officer reviews the minimization log");
      JsonNode entries = officer.logEntries(20).path("entries");
      for (JsonNode entry : entries) {
        if (!"minimization".equals(entry.path("kind").asText())) {
          continue;
        }
        long pseudonymized = 0;
        long dropped = 0;
        for (JsonNode field : entry.path("fields")) {
          String action = field.path("action").asText();
          pseudonymized += action.equals("pseudonymize") ? field.path("values").asLong() : 0;
          dropped += action.equals("drop") ? field.path("values").asLong() : 0;
        }
        say(
            String.format(
                "entry %s: %s -> %s, %s of %s records; values pseudonymized: %d, dropped: %d",
                entry.path("index").asText(),
                entry.path("marketplace").asText(),
                entry.path("recipient").asText(),
                entry.path("recordsOut").asText(),
                entry.path("recordsIn").asText(),
                pseudonymized,
                dropped));
      }
      SignedCheckpoint checkpoint = officer.checkpoint();
      List<String> log = officer.exportLog(0, checkpoint.treeSize());
      // The officer's reads above are in the access log, not in the minimization log.
      for (JsonNode read : officer.accessLogEntries(5).path("entries")) {
        say(
            String.format(
                "access log entry %s: %s read the %s log's %s, recorded apart so that reviewers"
                    + " are reviewed too and reading never grows the minimization log",
                read.path("index").asText(),
                read.path("officer").asText(),
                read.path("log").asText(),
                read.path("resource").asText()));
      }
      long last = checkpoint.treeSize() - 1;
      boolean proven = officer.proveInclusion(last, log.get((int) last), checkpoint.checkpoint());
      failures += proven ? 0 : 1;
      say(
          "checkpoint of "
              + checkpoint.treeSize()
              + " entries (the minimizations): signature verified; inclusion proof of"
              + " entry "
              + last
              + (proven ? " verified against it" : " FAILED"));
    }
  }

  private static ParcelgateClient client(SamplePki pki, String url, String partner, String alg) {
    return ParcelgateClient.builder(java.net.URI.create(url))
        .identity(Connection.identityOf(pki.identity(partner), alg))
        .trustAnchors(pki.trustAnchor())
        .audience(GATEWAY_ID)
        .build();
  }

  private void report(BatchResult result) {
    BatchAnswer answer = result.answer();
    say(
        String.format(
            "batch %s: %d accepted, %d unchanged, %d rejected; receipt signed by the gateway, verified",
            answer.batchId(), answer.accepted(), answer.unchanged(), answer.rejected()));
    for (BatchAnswer.RejectedRecord rejected : answer.rejectedRecords()) {
      for (BatchAnswer.FieldError error : rejected.errors()) {
        say(
            "  record "
                + rejected.index()
                + " rejected: "
                + error.field()
                + " "
                + error.code()
                + ": "
                + error.message());
      }
    }
  }

  private void step(String text) {
    out.println();
    out.println("==> " + text);
    out.flush();
  }

  private void say(String text) {
    out.println("    " + text);
    out.flush();
  }
}
