package org.parcelgate.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.parcelgate.auth.PartnerContext;
import org.parcelgate.auth.Role;
import org.parcelgate.auth.RoleHandler;
import org.parcelgate.delivery.FeedFormat;
import org.parcelgate.delivery.Feeds;
import org.parcelgate.delivery.RecipientFeed;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.protocol.JoseTypes;
import org.parcelgate.risk.Flag;
import org.parcelgate.signing.GatewaySigner;
import org.parcelgate.store.FeedKind;
import org.parcelgate.store.FeedQuery;
import org.parcelgate.workers.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customs feeds: {@code GET /v1/customs/price-records} and {@code /v1/customs/seller-records},
 * for the customs role, each partner reading the feeds of the recipient with its own id.
 *
 * <p>A page holds the records after the cursor (a feed position) in position order; {@code
 * nextCursor} is the position to ask after next. Positions are taken in commit order, so paging
 * from any cursor neither skips nor repeats a record while batches arrive. JSON by default, an Avro
 * object container with {@code Accept: application/avro} (one schema per page: a page ends where
 * the recipient's policy changed). The price feed also filters on risk: {@code flagged=true} for
 * records with a finding, {@code flag=<wire name>} for one flag's. Every answer is signed: {@value
 * #SIGNATURE_HEADER} holds a JWS with a detached payload over the exact body bytes, by the
 * gateway's key.
 */
public final class CustomsEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(CustomsEndpoints.class);

  public static final String PRICE_PATH = "/v1/customs/price-records";
  public static final String SELLER_PATH = "/v1/customs/seller-records";

  /** The header carrying the detached JWS over the body. */
  public static final String SIGNATURE_HEADER = "Parcelgate-Signature";

  static final String NEXT_CURSOR_HEADER = "Parcelgate-Next-Cursor";
  static final String MORE_HEADER = "Parcelgate-More";

  private static final int DEFAULT_LIMIT = 100;
  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
  private static final Pattern TRACKING = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private final Feeds feeds;
  private final WorkerPool workers;
  private final GatewaySigner signer;
  private final int maxPageSize;
  private final Clock clock;

  /**
   * @param workers the {@code feeds} pool: page reads and their signatures
   */
  public CustomsEndpoints(
      Feeds feeds, GatewaySigner signer, int maxPageSize, Clock clock, WorkerPool workers) {
    this.workers = workers;
    this.feeds = feeds;
    this.signer = signer;
    this.maxPageSize = maxPageSize;
    this.clock = clock;
  }

  /** Mount after the token handler. */
  void mount(Router router) {
    RoleHandler customs = RoleHandler.require(Role.CUSTOMS);
    router.get(PRICE_PATH).handler(customs).handler(ctx -> page(ctx, FeedKind.PRICE));
    router.get(SELLER_PATH).handler(customs).handler(ctx -> page(ctx, FeedKind.SELLER));
  }

  /** The feed of a customs partner that is a recipient, or {@code not_a_recipient}. */
  static RecipientFeed recipientFeed(Feeds feeds, String recipient) {
    return feeds
        .recipient(recipient)
        .orElseThrow(
            () ->
                new GatewayException(
                    ProblemCode.NOT_A_RECIPIENT,
                    "no records are routed to "
                        + recipient
                        + "; the operator configures recipients"));
  }

  /** A body, its signature, and where the next page starts. */
  private record Page(Buffer body, String signature, long nextCursor, boolean more) {}

  private void page(RoutingContext ctx, FeedKind kind) {
    String recipient = PartnerContext.partner(ctx).id();
    RecipientFeed feed = recipientFeed(feeds, recipient);
    boolean avro = avro(ctx);
    FeedQuery query = query(ctx, recipient, kind);
    String requested = ctx.request().uri();
    workers
        .submit(() -> read(feed, query, kind, avro, requested))
        .onFailure(ctx::fail)
        .onSuccess(
            page -> {
              RequestScope.onBehalf(ctx, LOG.atInfo())
                  .log(
                      "{} read its {} feed after {}: next cursor {}, more {}",
                      recipient,
                      kind.wireName(),
                      query.afterSeq(),
                      page.nextCursor(),
                      page.more());
              ctx.response()
                  .putHeader(HttpHeaders.CONTENT_TYPE, avro ? FeedFormat.AVRO : "application/json")
                  .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                  .putHeader(NEXT_CURSOR_HEADER, Long.toString(page.nextCursor()))
                  .putHeader(MORE_HEADER, Boolean.toString(page.more()))
                  .putHeader(SIGNATURE_HEADER, page.signature())
                  .end(page.body());
            });
  }

  /** Reads, formats and signs on a worker: a page is megabytes, and its signature hashes it all. */
  private Page read(
      RecipientFeed feed, FeedQuery query, FeedKind kind, boolean avro, String requested) {
    // One more than asked tells whether another page follows.
    FeedQuery probe = query.withLimit(query.limit() + 1);
    FeedFormat.Page header;
    byte[] body;
    if (kind == FeedKind.PRICE) {
      List<Feeds.PriceRecord> records = feeds.prices(probe);
      boolean more = records.size() > query.limit();
      records = records.subList(0, Math.min(records.size(), query.limit()));
      if (avro) {
        List<Feeds.PriceRecord> same = sameSchema(records, r -> r.schema());
        more |= same.size() < records.size();
        records = same;
      }
      // The last record's position: a filter (flagged, flag, destination, ...) skips records
      // before it, which the next page starts past. Never further: a record after it that matches
      // must not be skipped, and which ones match is known only once they are read.
      long next =
          records.isEmpty() ? query.afterSeq() : records.get(records.size() - 1).stored().seq();
      header = new FeedFormat.Page(query.recipient(), kind, next, more);
      body =
          avro
              ? FeedFormat.pricesAvro(
                  records.isEmpty() ? feed.schema() : records.get(0).schema(), records)
              : FeedFormat.pricesJson(header, records);
    } else {
      List<Feeds.SellerRecord> records = feeds.sellers(probe);
      boolean more = records.size() > query.limit();
      records = records.subList(0, Math.min(records.size(), query.limit()));
      if (avro) {
        List<Feeds.SellerRecord> same = sameSchema(records, r -> r.schema());
        more |= same.size() < records.size();
        records = same;
      }
      long next =
          records.isEmpty() ? query.afterSeq() : records.get(records.size() - 1).stored().seq();
      header = new FeedFormat.Page(query.recipient(), kind, next, more);
      if (avro && records.isEmpty() && feed.sellerSchema() == null) {
        throw new GatewayException(
            ProblemCode.NOT_ACCEPTABLE,
            "the recipient's policy keeps no seller field: there is no seller record schema");
      }
      body =
          avro
              ? FeedFormat.sellersAvro(
                  records.isEmpty() ? feed.sellerSchema() : records.get(0).schema(), records)
              : FeedFormat.sellersJson(header, records);
    }
    return new Page(
        Buffer.buffer(body),
        sign(query.recipient(), requested, header, body),
        header.nextCursor(),
        header.more());
  }

  private static <T> List<T> sameSchema(
      List<T> records, java.util.function.Function<T, org.apache.avro.Schema> schema) {
    if (records.isEmpty()) {
      return records;
    }
    org.apache.avro.Schema first = schema.apply(records.get(0));
    int end = 0;
    while (end < records.size() && schema.apply(records.get(end)).equals(first)) {
      end++;
    }
    return records.subList(0, end);
  }

  /**
   * The detached signature: the body, and in the protected header the reader, the request, and the
   * next cursor and whether more follow, which an Avro page carries only in HTTP headers.
   */
  private String sign(String recipient, String requested, FeedFormat.Page page, byte[] body) {
    return signer.signDetached(
        JoseTypes.FEED_PAGE,
        Map.of(
            "aud", recipient,
            "iat", clock.instant().getEpochSecond(),
            "request", requested,
            "next_cursor", Long.toString(page.nextCursor()),
            "more", page.more()),
        body);
  }

  private FeedQuery query(RoutingContext ctx, String recipient, FeedKind kind) {
    long cursor = cursor(ctx);
    int limit =
        QueryParams.integer(ctx, "limit", 1, maxPageSize)
            .map(Long::intValue)
            .orElse(Math.min(DEFAULT_LIMIT, maxPageSize));
    Optional<String> destination = matching(ctx, "destination", COUNTRY, "an ISO country code");
    Optional<String> tracking = matching(ctx, "trackingNumber", TRACKING, "a tracking number");
    Optional<Boolean> flagged = QueryParams.bool(ctx, "flagged");
    Optional<Flag> flag = flag(ctx);
    if (kind == FeedKind.SELLER) {
      priceOnly(destination.isPresent(), "destination");
      priceOnly(tracking.isPresent(), "trackingNumber");
      priceOnly(flagged.isPresent(), "flagged");
      priceOnly(flag.isPresent(), "flag");
    }
    if (flag.isPresent() && flagged.equals(Optional.of(false))) {
      throw QueryParams.invalid("flag asks for flagged records: leave out flagged=false");
    }
    Optional<Instant> from = QueryParams.time(ctx, "from");
    Optional<Instant> to = QueryParams.time(ctx, "to");
    if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
      throw QueryParams.invalid("from must be before to");
    }
    return new FeedQuery(
        recipient,
        cursor,
        null,
        limit,
        QueryParams.id(ctx, "marketplace").orElse(null),
        destination.orElse(null),
        from.orElse(null),
        to.orElse(null),
        tracking.orElse(null),
        QueryParams.id(ctx, "sellerId").orElse(null),
        flagged.orElse(false) || flag.isPresent(),
        flag.orElse(null));
  }

  private static void priceOnly(boolean given, String parameter) {
    if (given) {
      throw QueryParams.invalid(
          parameter
              + " filters price records: seller records are filtered by marketplace, sellerId,"
              + " from and to only");
    }
  }

  /** The {@code flag} parameter: a flag's wire name (docs/protocol.md), which implies flagged. */
  private static Optional<Flag> flag(RoutingContext ctx) {
    String value = ctx.request().getParam("flag");
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Flag.fromWireName(value));
    } catch (IllegalArgumentException e) {
      throw QueryParams.invalid(
          "flag is the wire name of a risk flag, such as "
              + Flag.SPLIT_CONSIGNMENT.wireName()
              + " (docs/protocol.md lists them)");
    }
  }

  private static long cursor(RoutingContext ctx) {
    String value = ctx.request().getParam("cursor");
    if (value == null || value.isEmpty()) {
      return 0;
    }
    try {
      long cursor = Long.parseLong(value);
      if (cursor >= 0) {
        return cursor;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new GatewayException(
        ProblemCode.INVALID_CURSOR, "the cursor is a nextCursor this feed returned, or 0");
  }

  private static Optional<String> matching(
      RoutingContext ctx, String name, Pattern pattern, String describe) {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    if (!pattern.matcher(value).matches()) {
      throw QueryParams.invalid(name + " is " + describe);
    }
    return Optional.of(value);
  }

  private static boolean avro(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    if (accept == null || accept.isBlank()) {
      return false;
    }
    boolean json = false;
    for (String part : accept.split(",")) {
      String type = part.split(";", 2)[0].strip();
      if (type.equals(FeedFormat.AVRO)) {
        return true;
      }
      json |= type.equals("application/json") || type.equals("application/*") || type.equals("*/*");
    }
    if (!json) {
      throw new GatewayException(
          ProblemCode.NOT_ACCEPTABLE, "ask for application/json or application/avro");
    }
    return false;
  }
}
