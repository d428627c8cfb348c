package org.parcelgate.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.parcelgate.auth.PartnerContext;
import org.parcelgate.auth.Role;
import org.parcelgate.auth.RoleHandler;
import org.parcelgate.delivery.Feeds;
import org.parcelgate.risk.StateKey;
import org.parcelgate.risk.UnitValueBand;
import org.parcelgate.store.RiskStore;
import org.parcelgate.workers.WorkerPool;

/**
 * {@code GET /v1/customs/risk-bands}, for the customs role: the unit-value bands the undervaluation
 * check learned from the recipient's own records (docs/risk.md), to inspect them or export them
 * (JSON, or CSV with {@code format=csv}). In key order (subheading, unit, origin; the band of every
 * origin first), {@code limit} at a time; {@code after} takes the previous page's {@code
 * nextAfter}. A band holds counts of unit values only: no record, buyer or seller can be read from
 * it.
 */
public final class RiskBandEndpoints {
  public static final String PATH = "/v1/customs/risk-bands";
  public static final int DEFAULT_LIMIT = 500;
  public static final int MAX_LIMIT = 5_000;

  private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_-]{1,700}");

  private final Feeds feeds;
  private final RiskStore store;
  private final Clock clock;
  private final WorkerPool workers;

  /**
   * @param workers the {@code feeds} pool: the read and the page's formatting
   */
  public RiskBandEndpoints(Feeds feeds, RiskStore store, Clock clock, WorkerPool workers) {
    this.feeds = feeds;
    this.store = store;
    this.clock = clock;
    this.workers = workers;
  }

  /** Mount after the token handler. */
  void mount(Router router) {
    router.get(PATH).handler(RoleHandler.require(Role.CUSTOMS)).handler(this::bands);
  }

  /** One page of bands. */
  private record Page(List<UnitValueBand.View> bands, String nextAfter) {}

  private void bands(RoutingContext ctx) {
    String recipient = PartnerContext.partner(ctx).id();
    CustomsEndpoints.recipientFeed(feeds, recipient);
    int limit =
        QueryParams.integer(ctx, "limit", 1, MAX_LIMIT).map(Long::intValue).orElse(DEFAULT_LIMIT);
    String after = after(ctx);
    boolean csv = csv(ctx);
    workers
        .submit(() -> read(recipient, after, limit))
        .onFailure(ctx::fail)
        .onSuccess(
            page ->
                ctx.response()
                    .putHeader(
                        HttpHeaders.CONTENT_TYPE,
                        csv ? "text/csv; charset=utf-8" : "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(csv ? csv(page) : json(recipient, page)));
  }

  private Page read(String recipient, String after, int limit) {
    Map<String, byte[]> states =
        store.riskStates(recipient, UnitValueBand.KIND, after, limit + 1, clock.instant());
    List<UnitValueBand.View> bands = new ArrayList<>();
    String last = null;
    for (Map.Entry<String, byte[]> entry : states.entrySet()) {
      if (bands.size() == limit) {
        break;
      }
      bands.add(UnitValueBand.decode(entry.getValue()).view());
      last = entry.getKey();
    }
    String next =
        states.size() > limit
            ? Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(last.getBytes(StandardCharsets.UTF_8))
            : null;
    return new Page(bands, next);
  }

  private static String after(RoutingContext ctx) {
    String value = ctx.request().getParam("after");
    if (value == null || value.isEmpty()) {
      return "";
    }
    if (!CURSOR.matcher(value).matches()) {
      throw QueryParams.invalid("after is the nextAfter of the previous page");
    }
    String key;
    try {
      key =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(value)))
              .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw QueryParams.invalid("after is the nextAfter of the previous page");
    }
    // A band's key is text and line feeds: no other control character (PostgreSQL refuses NUL).
    if (key.length() > StateKey.MAX_KEY_LENGTH
        || key.chars().anyMatch(c -> c != '\n' && Character.isISOControl(c))) {
      throw QueryParams.invalid("after is the nextAfter of the previous page");
    }
    return key;
  }

  private static boolean csv(RoutingContext ctx) {
    String format = ctx.request().getParam("format");
    if (format == null || format.isEmpty() || format.equals("json")) {
      return false;
    }
    if (format.equals("csv")) {
      return true;
    }
    throw QueryParams.invalid("format is json or csv");
  }

  private static String eur(long cents) {
    return BigDecimal.valueOf(cents).movePointLeft(2).toPlainString();
  }

  private static String deviation(double deviation) {
    return String.format(Locale.ROOT, "%.3f", deviation);
  }

  private static String json(String recipient, Page page) {
    JsonArray bands = new JsonArray();
    for (UnitValueBand.View band : page.bands()) {
      JsonObject quantiles = new JsonObject();
      band.quantiles().forEach(q -> quantiles.put("p" + q.percent(), eur(q.eurCents())));
      bands.add(
          new JsonObject()
              .put("hs6", band.hs6())
              .put("unit", band.unit())
              .put("origin", band.origin())
              .put("records", band.records())
              .put("medianEur", eur(band.medianEurCents()))
              .put("robustDeviation", deviation(band.deviation()))
              .put("quantilesEur", quantiles));
    }
    return new JsonObject()
        .put("recipient", recipient)
        .put("bands", bands)
        .put("nextAfter", page.nextAfter())
        .encode();
  }

  private static String csv(Page page) {
    StringBuilder out = new StringBuilder("hs6,unit,origin,records,median_eur,robust_deviation");
    UnitValueBand.QUANTILE_PERCENTS.forEach(p -> out.append(",p").append(p).append("_eur"));
    out.append('\n');
    for (UnitValueBand.View band : page.bands()) {
      out.append(band.hs6())
          .append(',')
          .append(band.unit())
          .append(',')
          .append(band.origin() == null ? "" : band.origin())
          .append(',')
          .append(band.records())
          .append(',')
          .append(eur(band.medianEurCents()))
          .append(',')
          .append(deviation(band.deviation()));
      band.quantiles().forEach(q -> out.append(',').append(eur(q.eurCents())));
      out.append('\n');
    }
    return out.toString();
  }
}
