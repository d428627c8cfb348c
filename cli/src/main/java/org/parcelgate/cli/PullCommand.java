package org.parcelgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.parcelgate.client.FeedPage;
import org.parcelgate.client.FeedQuery;
import org.parcelgate.client.ParcelgateClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code parcelgate pull price|sellers}: a customs feed, every page's signature verified. */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    description = {
      "Reads a customs feed as a customs partner (default customs-nl), every page's signature verified.",
      "Prints each record as one JSON line on standard output (with --json, one JSON document), and the cursor to continue from on standard error."
    })
final class PullCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin Connection connection;

  @Parameters(paramLabel = "FEED", description = "price or sellers.")
  String feed;

  @Option(names = "--cursor", defaultValue = "0", description = "Start after this position.")
  String cursor;

  @Option(names = "--limit", description = "Records per page (default: the gateway's).")
  Integer limit;

  @Option(names = "--all", description = "Follow nextCursor until the feed is read to its end.")
  boolean all;

  @Option(names = "--marketplace", description = "Only this marketplace's records.")
  String marketplace;

  @Option(names = "--destination", description = "Price feed: only this destination country.")
  String destination;

  @Option(names = "--tracking-number", description = "Price feed: look up a tracking number.")
  String trackingNumber;

  @Option(
      names = "--flagged",
      description = "Price feed: only the records with at least one risk finding.")
  boolean flagged;

  @Option(
      names = "--flag",
      paramLabel = "NAME",
      description =
          "Price feed: only the records with a finding of this risk flag, such as"
              + " split_consignment (implies --flagged; docs/protocol.md lists the flags).")
  String flag;

  @Option(names = "--seller-id", description = "Only this seller's records.")
  String sellerId;

  @Option(names = "--from", description = "Received (last seen) at or after this instant.")
  String from;

  @Option(names = "--to", description = "Received (last seen) before this instant.")
  String to;

  @Option(
      names = "--avro",
      paramLabel = "FILE",
      description = "Price feed: write one page as the signed Avro container to FILE instead.")
  Path avro;

  @Option(
      names = "--json",
      description =
          "Print one JSON document instead of JSON lines: feed, records (array), pages,"
              + " nextCursor, more (docs/client.md).")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (!feed.equals("price") && !feed.equals("sellers")) {
      throw new UsageException("FEED is price or sellers");
    }
    if ((flagged || flag != null) && feed.equals("sellers")) {
      throw new UsageException("--flagged and --flag filter the price feed");
    }
    if (avro != null && (all || feed.equals("sellers"))) {
      throw new UsageException("--avro writes one page of the price feed");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    FeedQuery query = query();
    try (ParcelgateClient client = connection.open("customs-nl")) {
      if (avro != null) {
        FeedPage page = client.priceRecordsAvro(query);
        Files.write(avro, page.body());
        if (json) {
          ObjectNode document = summary(1, page);
          document.put("avroFile", avro.toString());
          document.put("recordCount", page.avroRecords().size());
          out.println(document.toString());
          out.flush();
        }
        err.printf(
            "%d records written to %s (signature verified); next cursor %s%n",
            page.avroRecords().size(), avro, page.nextCursor());
        return ExitCodes.OK;
      }
      int pages = 0;
      long records = 0;
      ArrayNode collected = json ? new ObjectMapper().createArrayNode() : null;
      while (true) {
        FeedPage page =
            feed.equals("price") ? client.priceRecords(query) : client.sellerRecords(query);
        pages++;
        records += page.records().size();
        if (json) {
          page.records().forEach(collected::add);
        } else {
          page.records().forEach(record -> out.println(record.toString()));
          out.flush();
        }
        if (all && page.more()) {
          if (Long.parseLong(page.nextCursor()) <= Long.parseLong(query.cursorOrZero())) {
            throw new org.parcelgate.client.ClientException(
                "the feed's next cursor does not move forward");
          }
          err.printf(
              "page %d: %,d records so far, next cursor %s%n", pages, records, page.nextCursor());
          err.flush();
          query = query.cursor(page.nextCursor());
          continue;
        }
        if (json) {
          ObjectNode document = summary(pages, page);
          document.put("recordCount", records);
          document.set("records", collected);
          out.println(document.toString());
          out.flush();
        }
        err.printf(
            "%,d records in %d page%s, signatures verified; next cursor %s%s%n",
            records,
            pages,
            pages == 1 ? "" : "s",
            page.nextCursor(),
            page.more() ? " (more records follow)" : "");
        return ExitCodes.OK;
      }
    }
  }

  private ObjectNode summary(int pages, FeedPage last) {
    ObjectNode document = new ObjectMapper().createObjectNode();
    document.put("feed", feed);
    document.put("pages", pages);
    document.put("signaturesVerified", true);
    document.put("nextCursor", last.nextCursor());
    document.put("more", last.more());
    return document;
  }

  private FeedQuery query() {
    FeedQuery query = FeedQuery.fromStart().cursor(cursor);
    if (limit != null) {
      query = query.limit(limit);
    }
    if (marketplace != null) {
      query = query.marketplace(marketplace);
    }
    if (destination != null) {
      query = query.destination(destination);
    }
    if (trackingNumber != null) {
      query = query.trackingNumber(trackingNumber);
    }
    if (sellerId != null) {
      query = query.sellerId(sellerId);
    }
    if (flag != null) {
      query = query.flag(flag);
    } else if (flagged) {
      query = query.flagged();
    }
    return query.between(instant(from, "--from"), instant(to, "--to"));
  }

  private static Instant instant(String text, String option) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new UsageException(
          option + " must be an ISO-8601 instant such as 2026-11-28T00:00:00Z");
    }
  }
}
