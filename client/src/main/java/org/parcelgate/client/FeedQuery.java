package org.parcelgate.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The parameters of a customs feed page (protocol.md, section 8). Immutable; each method returns a
 * changed copy. Use the same filters for every page of a walk.
 */
public final class FeedQuery {
  private final Map<String, String> parameters;

  private FeedQuery(Map<String, String> parameters) {
    this.parameters = Map.copyOf(parameters);
  }

  /** From the start of the feed, the gateway's default page size, no filter. */
  public static FeedQuery fromStart() {
    return new FeedQuery(Map.of());
  }

  /** Records after this position: {@code 0}, or the {@code nextCursor} of the last page. */
  public FeedQuery cursor(String cursor) {
    return with("cursor", cursor);
  }

  public FeedQuery limit(int limit) {
    return with("limit", Integer.toString(limit));
  }

  public FeedQuery marketplace(String marketplaceId) {
    return with("marketplace", marketplaceId);
  }

  /** Received (price) or last-seen (seller) at or after {@code from}, before {@code to}. */
  public FeedQuery between(Instant from, Instant to) {
    FeedQuery query = this;
    if (from != null) {
      query = query.with("from", from.toString());
    }
    return to == null ? query : query.with("to", to.toString());
  }

  public FeedQuery sellerId(String sellerId) {
    return with("sellerId", sellerId);
  }

  /** Price records only. */
  public FeedQuery destination(String country) {
    return with("destination", country);
  }

  /** Price records only. */
  public FeedQuery trackingNumber(String trackingNumber) {
    return with("trackingNumber", trackingNumber);
  }

  /** Price records only: only the records with at least one risk finding. */
  public FeedQuery flagged() {
    return with("flagged", "true");
  }

  /**
   * Price records only: only the records with a finding of this risk flag, a wire name of
   * protocol.md's vocabulary ({@code split_consignment}); implies {@link #flagged()}.
   */
  public FeedQuery flag(String flag) {
    return with("flag", flag);
  }

  /** The cursor this query reads after: the one set, or {@code 0}. */
  public String cursorOrZero() {
    return parameters.getOrDefault("cursor", "0");
  }

  /** The query string, parameters in a stable order, or empty. */
  String queryString() {
    if (parameters.isEmpty()) {
      return "";
    }
    return "?"
        + parameters.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
  }

  private FeedQuery with(String name, String value) {
    Map<String, String> changed = new LinkedHashMap<>(parameters);
    changed.put(name, value);
    return new FeedQuery(changed);
  }
}
