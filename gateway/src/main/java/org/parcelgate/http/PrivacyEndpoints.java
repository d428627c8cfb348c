package org.parcelgate.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.parcelgate.auth.Partner;
import org.parcelgate.auth.PartnerContext;
import org.parcelgate.auth.Role;
import org.parcelgate.auth.RoleHandler;
import org.parcelgate.error.GatewayException;
import org.parcelgate.error.ProblemCode;
import org.parcelgate.privacy.LogEntries;
import org.parcelgate.privacy.OfficerReads;
import org.parcelgate.privacy.PrivacyLogs;
import org.parcelgate.privacy.SignedLog;
import org.parcelgate.protocol.Digests;
import org.parcelgate.store.ActionCount;
import org.parcelgate.store.LogName;
import org.parcelgate.store.LogQuery;
import org.parcelgate.store.LogRow;
import org.parcelgate.store.StoredCheckpoint;
import org.parcelgate.workers.WorkerPool;

/**
 * The privacy officers' access to the minimization log and the access log, in two forms with the
 * same handlers:
 *
 * <ul>
 *   <li>{@code /v1/privacy/...}: the JSON API, behind the signed request token like every API call;
 *   <li>{@code /privacy/}: the review page and its {@code /privacy/api/...} calls, for a browser,
 *       authenticated by the officer's client certificate alone (a browser cannot sign request
 *       tokens). Read-only; served with a strict content security policy.
 * </ul>
 *
 * The minimization log's resources are at the base path, the access log's under {@code access/}.
 * Reads of log content (entries, aggregates, exports, of either log) are recorded in the access log
 * before they are answered ({@link OfficerReads}); the minimization log does not grow by being
 * read. Everything touching the store runs on a worker thread.
 */
public final class PrivacyEndpoints {
  public static final String API_PATH = "/v1/privacy";
  public static final String PAGE_PATH = "/privacy/";

  /**
   * Where the logs are served as C2SP tlog-tiles: {@code <this><log>/checkpoint}, {@code tile/...}.
   */
  public static final String TLOG_PATH = "/privacy/log/";

  /** The header the review page sends with each of its calls. */
  public static final String PAGE_HEADER = "X-Parcelgate-Page";

  /** Entries one export answers at most; {@code Parcelgate-Next-Start} names the next page. */
  static final int EXPORT_PAGE = 10_000;

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:00'Z'").withZone(ZoneOffset.UTC);
  private static final String CSV_HEADER =
      "index,time,kind,batch_id,marketplace,recipient,policy_id,policy_version,policy_sha256,"
          + "key_version,records_in,records_out,path,action,values,officer,resource\r\n";
  private static final String PAGE_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  /** The path of the access log's resources under the base path. */
  static final String ACCESS = "/access";

  private final PrivacyLogs logs;
  private final WorkerPool workers;
  private final Map<String, PageFile> page;

  /** The refusal page's HTML, with {@code {{partner}}} and {@code {{role}}} to fill in. */
  private final String refusal;

  private record PageFile(String contentType, Buffer content) {}

  /** A page of entries and the log's size when it was read. */
  private record Entries(List<LogRow> rows, long treeSize) {}

  /** An export's formatted body, where it stopped, and the log's size. */
  private record Export(Buffer body, long stop, long treeSize) {}

  /**
   * @param workers the {@code privacy} pool: log reads, checkpoints and proofs
   */
  public PrivacyEndpoints(PrivacyLogs logs, WorkerPool workers) {
    this.logs = logs;
    this.workers = workers;
    this.page =
        Map.of(
            "index.html", pageFile("index.html", "text/html; charset=utf-8"),
            "app.js", pageFile("app.js", "text/javascript; charset=utf-8"),
            "evidence.js", pageFile("evidence.js", "text/javascript; charset=utf-8"),
            "app.css", pageFile("app.css", "text/css; charset=utf-8"));
    this.refusal =
        pageFile("refused.html", "text/html; charset=utf-8")
            .content()
            .toString(StandardCharsets.UTF_8);
  }

  /** The page and its calls: mount before the token handler. */
  void mountPage(Router router) {
    RoleHandler officers = RoleHandler.require(Role.PRIVACY_OFFICER);
    RoleHandler pageOfficers = officers.withRefusalPage(this::refusalPage);
    // The page's relative links need the trailing slash.
    router
        .getWithRegex("/privacy")
        .handler(pageOfficers)
        .handler(ctx -> ctx.redirect(PAGE_PATH).onFailure(ctx::fail));
    router.get(PAGE_PATH).handler(pageOfficers).handler(ctx -> servePage(ctx, "index.html"));
    router.get(PAGE_PATH + "app.js").handler(officers).handler(ctx -> servePage(ctx, "app.js"));
    router
        .get(PAGE_PATH + "evidence.js")
        .handler(officers)
        .handler(ctx -> servePage(ctx, "evidence.js"));
    // The stylesheet reveals nothing: the refusal page of other roles uses it too.
    router
        .get(PAGE_PATH + "app.css")
        .handler(RoleHandler.anyRole())
        .handler(ctx -> servePage(ctx, "app.css"));
    router.route(PAGE_PATH + "api/*").handler(PrivacyEndpoints::fromThePage);
    for (LogName name : LogName.values()) {
      SignedLog log = logs.log(name);
      String prefix = TLOG_PATH + name.wireName() + "/";
      router
          .get(prefix + "checkpoint")
          .handler(officers)
          .handler(PrivacyEndpoints::notFromAnotherSite)
          .handler(ctx -> tlogCheckpoint(ctx, log));
      router
          .get(prefix + "tile/*")
          .handler(officers)
          .handler(PrivacyEndpoints::notFromAnotherSite)
          .handler(ctx -> tile(ctx, log, prefix + "tile/"));
    }
    mountApi(router, PAGE_PATH + "api", officers);
  }

  /**
   * The page's calls carry the client certificate the browser presents to any request, also one
   * that another site starts (an image, a form). They must carry {@value #PAGE_HEADER} too, which
   * another site's script cannot add without a CORS preflight the gateway never answers: without
   * it, a read would be logged in the officer's name without the officer.
   */
  private static void fromThePage(RoutingContext ctx) {
    if (!"1".equals(ctx.request().getHeader(PAGE_HEADER))) {
      throw new GatewayException(
          ProblemCode.FORBIDDEN, "the review page's calls are answered to the review page only");
    }
    ctx.next();
  }

  /**
   * The logs as C2SP tlog-tiles, for standard transparency-log tooling with the officer's client
   * certificate (no token: such tools cannot sign one). A browser's request started by another site
   * ({@code Sec-Fetch-Site} other than {@code same-origin} or {@code none}) is refused, so no other
   * site makes the officer's browser read them.
   */
  private static void notFromAnotherSite(RoutingContext ctx) {
    String site = ctx.request().getHeader("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      throw new GatewayException(
          ProblemCode.FORBIDDEN, "the logs' tiles are not answered to requests of other sites");
    }
    ctx.next();
  }

  private void tlogCheckpoint(RoutingContext ctx, SignedLog log) {
    blocking(ctx, () -> log.note(log.checkpoint()))
        .onSuccess(
            note ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(note));
  }

  private void tile(RoutingContext ctx, SignedLog log, String prefix) {
    String path = ctx.normalizedPath();
    Optional<TilePath> tile =
        path.startsWith(prefix)
            ? TilePath.parse(path.substring(prefix.length()))
            : Optional.empty();
    if (tile.isEmpty()) {
      throw new GatewayException(ProblemCode.NOT_FOUND, "no such tile");
    }
    TilePath wanted = tile.get();
    blocking(
            ctx,
            () -> {
              if (!wanted.entries()) {
                return log.tile(wanted.level(), wanted.index(), wanted.width());
              }
              Optional<byte[]> bundle = log.entryBundle(wanted.index(), wanted.width());
              if (bundle.isPresent()) {
                // Entries are log content: their read is recorded before the answer, as an
                // export's.
                logs.reads()
                    .record(
                        new OfficerReads.Read(
                            officer(ctx),
                            log.name(),
                            "tiles",
                            "entries=" + wanted.index() + "&width=" + wanted.width(),
                            Optional.empty(),
                            Optional.empty()));
              }
              return bundle;
            })
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                ctx.fail(
                    new GatewayException(ProblemCode.NOT_FOUND, "no such tile in the log yet"));
                return;
              }
              ctx.response()
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
                  // Immutable, but behind a client certificate: for the officer's own cache only.
                  .putHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=31536000, immutable")
                  .end(Buffer.buffer(found.get()));
            });
  }

  /**
   * A tile path of c2sp.org/tlog-tiles after {@code tile/}: {@code <L>/<N>[.p/<W>]} or {@code
   * entries/<N>[.p/<W>]}, {@code <N>} in 3-digit elements, all but the last prefixed with {@code
   * x}.
   */
  record TilePath(boolean entries, int level, long index, int width) {
    private static final java.util.regex.Pattern LEVEL =
        java.util.regex.Pattern.compile("0|[1-9][0-9]?");
    private static final java.util.regex.Pattern WIDTH =
        java.util.regex.Pattern.compile("[1-9][0-9]{0,2}");

    static Optional<TilePath> parse(String path) {
      List<String> parts = new ArrayList<>(List.of(path.split("/", -1)));
      if (parts.size() < 2) {
        return Optional.empty();
      }
      boolean entries = parts.get(0).equals("entries");
      int level = 0;
      if (!entries) {
        if (!LEVEL.matcher(parts.get(0)).matches()) {
          return Optional.empty();
        }
        level = Integer.parseInt(parts.get(0));
      }
      parts.remove(0);
      int width = SignedLog.TILE_WIDTH;
      if (parts.size() >= 2 && parts.get(parts.size() - 2).endsWith(".p")) {
        String w = parts.remove(parts.size() - 1);
        if (!WIDTH.matcher(w).matches() || Integer.parseInt(w) >= SignedLog.TILE_WIDTH) {
          return Optional.empty();
        }
        width = Integer.parseInt(w);
        String last = parts.remove(parts.size() - 1);
        parts.add(last.substring(0, last.length() - 2));
      }
      if (parts.isEmpty() || parts.size() > 7) {
        return Optional.empty();
      }
      long index = 0;
      for (int i = 0; i < parts.size(); i++) {
        String element = parts.get(i);
        boolean last = i == parts.size() - 1;
        if (!last) {
          if (!element.startsWith("x")) {
            return Optional.empty();
          }
          element = element.substring(1);
        }
        if (element.length() != 3 || !element.chars().allMatch(c -> c >= '0' && c <= '9')) {
          return Optional.empty();
        }
        index = index * 1000 + Integer.parseInt(element);
      }
      return Optional.of(new TilePath(entries, level, index, width));
    }
  }

  /** The API: mount after the token handler. */
  void mount(Router router) {
    mountApi(router, API_PATH, RoleHandler.require(Role.PRIVACY_OFFICER));
  }

  private void mountApi(Router router, String base, RoleHandler officers) {
    router.get(base + "/stats").handler(officers).handler(this::stats);
    for (LogName name : LogName.values()) {
      SignedLog log = logs.log(name);
      String path = base + (name == LogName.MINIMIZATION ? "" : ACCESS);
      router.get(path + "/entries").handler(officers).handler(ctx -> entries(ctx, log));
      router.get(path + "/export").handler(officers).handler(ctx -> export(ctx, log));
      router.get(path + "/checkpoint").handler(officers).handler(ctx -> checkpoint(ctx, log));
      router.get(path + "/proofs/inclusion").handler(officers).handler(ctx -> inclusion(ctx, log));
      router
          .get(path + "/proofs/consistency")
          .handler(officers)
          .handler(ctx -> consistency(ctx, log));
      router.get(path + "/verification").handler(officers).handler(ctx -> verification(ctx, log));
    }
  }

  private void entries(RoutingContext ctx, SignedLog log) {
    Filter filter = Filter.of(ctx, log.name());
    int limit =
        QueryParams.integer(ctx, "limit", 1, MAX_LIMIT).map(Long::intValue).orElse(DEFAULT_LIMIT);
    Optional<Long> before = QueryParams.integer(ctx, "before", 0, Long.MAX_VALUE);
    LogQuery query = filter.query(Optional.empty(), before, limit, false);
    blocking(
            ctx,
            () -> {
              logs.reads().record(filter.read(officer(ctx), log.name(), "entries"));
              return new Entries(log.entries(query), log.size());
            })
        .onSuccess(
            found -> {
              JsonArray entries = new JsonArray();
              found.rows().forEach(row -> entries.add(entry(row)));
              json(ctx, new JsonObject().put("entries", entries).put("treeSize", found.treeSize()));
            });
  }

  private void stats(RoutingContext ctx) {
    Filter filter = Filter.of(ctx, LogName.MINIMIZATION);
    String bucket = Optional.ofNullable(ctx.request().getParam("bucket")).orElse("day");
    if (!bucket.equals("day") && !bucket.equals("hour")) {
      throw QueryParams.invalid("bucket is day or hour");
    }
    Duration width = bucket.equals("day") ? Duration.ofDays(1) : Duration.ofHours(1);
    DateTimeFormatter format = bucket.equals("day") ? DAY : HOUR;
    LogQuery query = filter.query(Optional.empty(), Optional.empty(), 0, true);
    SignedLog log = logs.minimization();
    blocking(
            ctx,
            () -> {
              logs.reads()
                  .record(filter.read(officer(ctx), log.name(), "stats", "bucket=" + bucket));
              return log.actionCounts(query, width);
            })
        .onSuccess(
            counts -> {
              JsonArray series = new JsonArray();
              for (ActionCount count : counts) {
                series.add(
                    new JsonObject()
                        .put("period", format.format(count.bucketStart()))
                        .put("path", count.path())
                        .put("action", count.action())
                        .put("values", count.values()));
              }
              json(ctx, new JsonObject().put("bucket", bucket).put("series", series));
            });
  }

  private void export(RoutingContext ctx, SignedLog log) {
    Filter filter = Filter.of(ctx, log.name());
    String format = Optional.ofNullable(ctx.request().getParam("format")).orElse("jsonl");
    if (!format.equals("jsonl") && !format.equals("csv")) {
      throw QueryParams.invalid("format is jsonl or csv");
    }
    long start = QueryParams.integer(ctx, "start", 0, Long.MAX_VALUE).orElse(0L);
    Optional<Long> end = QueryParams.integer(ctx, "end", 0, Long.MAX_VALUE);
    blocking(
            ctx,
            () -> {
              long size = log.size();
              long stop = Math.min(end.orElse(size), Math.min(size, start + EXPORT_PAGE));
              logs.reads()
                  .record(
                      filter.read(
                          officer(ctx),
                          log.name(),
                          "export",
                          "format=" + format,
                          "start=" + start,
                          "end=" + stop));
              List<LogRow> rows =
                  log.entries(
                      filter.query(
                          Optional.of(start),
                          Optional.of(stop),
                          (int) Math.max(0, stop - start),
                          true));
              // Formatted here, on the worker: a page is megabytes of text.
              StringBuilder body = new StringBuilder(rows.size() * 1024);
              if (format.equals("jsonl")) {
                rows.forEach(row -> body.append(row.entry()).append('\n'));
              } else {
                body.append(CSV_HEADER);
                rows.forEach(row -> csv(row, body));
              }
              return new Export(Buffer.buffer(body.toString()), stop, size);
            })
        .onSuccess(
            found -> {
              long stop = found.stop();
              long size = found.treeSize();
              if (stop < Math.min(size, end.orElse(size))) {
                ctx.response().putHeader("Parcelgate-Next-Start", Long.toString(stop));
              }
              ctx.response()
                  .putHeader(
                      HttpHeaders.CONTENT_TYPE,
                      format.equals("jsonl")
                          ? "application/jsonl; charset=utf-8"
                          : "text/csv; charset=utf-8")
                  .putHeader(
                      "Content-Disposition",
                      "attachment; filename=\""
                          + log.name().wireName()
                          + "-log-"
                          + start
                          + "-"
                          + stop
                          + "."
                          + format
                          + "\"")
                  .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                  .end(found.body());
            });
  }

  private void checkpoint(RoutingContext ctx, SignedLog log) {
    blocking(ctx, () -> checkpointJson(log, log.checkpoint()))
        .onSuccess(checkpoint -> json(ctx, checkpoint));
  }

  private void inclusion(RoutingContext ctx, SignedLog log) {
    long index =
        QueryParams.integer(ctx, "index", 0, Long.MAX_VALUE)
            .orElseThrow(() -> QueryParams.invalid("index"));
    long size =
        QueryParams.integer(ctx, "treeSize", 1, Long.MAX_VALUE)
            .orElseThrow(() -> QueryParams.invalid("treeSize"));
    blocking(ctx, () -> log.inclusionProof(index, size))
        .onSuccess(
            proof ->
                json(
                    ctx,
                    new JsonObject()
                        .put("index", proof.index())
                        .put("treeSize", proof.treeSize())
                        .put("leafHash", proof.leafHash())
                        .put("auditPath", new JsonArray(proof.auditPath()))));
  }

  private void consistency(RoutingContext ctx, SignedLog log) {
    long first =
        QueryParams.integer(ctx, "first", 1, Long.MAX_VALUE)
            .orElseThrow(() -> QueryParams.invalid("first"));
    long second =
        QueryParams.integer(ctx, "second", 1, Long.MAX_VALUE)
            .orElseThrow(() -> QueryParams.invalid("second"));
    blocking(ctx, () -> log.consistencyProof(first, second))
        .onSuccess(
            proof ->
                json(
                    ctx,
                    new JsonObject()
                        .put("first", proof.first())
                        .put("second", proof.second())
                        .put("proof", new JsonArray(proof.proof()))));
  }

  private void verification(RoutingContext ctx, SignedLog log) {
    blocking(
            ctx,
            () -> {
              log.checkpoint();
              return log.verify();
            })
        .onSuccess(
            result ->
                json(
                    ctx,
                    new JsonObject()
                        .put("log", log.name().wireName())
                        .put("status", result.verified() ? "verified" : "failed")
                        .put("treeSize", result.treeSize())
                        .put("rootHash", result.rootHash())
                        .put(
                            "checkpoint",
                            result
                                .checkpoint()
                                .map(
                                    c ->
                                        new JsonObject()
                                            .put("treeSize", c.treeSize())
                                            .put("rootHash", c.rootHash())
                                            .put("time", c.time().toString())
                                            .put("kid", c.keyId()))
                                .orElse(null))
                        .put("problems", new JsonArray(result.problems()))));
  }

  // --- helpers -------------------------------------------------------------------------------

  /** The filter parameters every listing takes, checked. */
  private record Filter(
      Optional<String> marketplace,
      Optional<String> recipient,
      Optional<String> kind,
      Optional<String> batch,
      Optional<String> transaction,
      Optional<Instant> from,
      Optional<Instant> to) {

    /** The filter of a listing of {@code log}, checked. */
    static Filter of(RoutingContext ctx, LogName log) {
      Optional<String> kind = Optional.ofNullable(ctx.request().getParam("kind"));
      // The minimization log also holds the read entries written before the access log existed.
      if (log == LogName.MINIMIZATION
          && kind.isPresent()
          && !kind.get().equals(LogEntries.MINIMIZATION)
          && !kind.get().equals(LogEntries.PURGE)
          && !kind.get().equals(LogEntries.READ)) {
        throw QueryParams.invalid("kind is minimization, purge or read");
      }
      if (log == LogName.ACCESS && kind.isPresent() && !kind.get().equals(LogEntries.READ)) {
        throw QueryParams.invalid("kind is read: the access log holds reads only");
      }
      Filter filter =
          new Filter(
              QueryParams.id(ctx, "marketplace"),
              QueryParams.id(ctx, "recipient"),
              kind,
              QueryParams.id(ctx, "batch"),
              QueryParams.transactionId(ctx, "transaction"),
              QueryParams.time(ctx, "from"),
              QueryParams.time(ctx, "to"));
      if (log == LogName.ACCESS && (filter.batch.isPresent() || filter.transaction.isPresent())) {
        throw QueryParams.invalid("batch and transaction find minimization entries only");
      }
      if (filter.transaction.isPresent() && filter.marketplace.isEmpty()) {
        throw QueryParams.invalid("transaction needs the marketplace whose transaction it is");
      }
      if (filter.from.isPresent()
          && filter.to.isPresent()
          && !filter.from.get().isBefore(filter.to.get())) {
        throw QueryParams.invalid("from must be before to");
      }
      return filter;
    }

    LogQuery query(
        Optional<Long> fromIndex, Optional<Long> before, int limit, boolean oldestFirst) {
      return new LogQuery(
          marketplace,
          recipient,
          kind,
          batch,
          transaction,
          from,
          to,
          fromIndex,
          before,
          limit,
          oldestFirst);
    }

    /**
     * The officer's read of a log's {@code resource} with this filter and {@code more} parameters,
     * as the access log records it: the query string is built from the checked values, never copied
     * from the request.
     */
    OfficerReads.Read read(String officer, LogName log, String resource, String... more) {
      List<String> parts = new ArrayList<>();
      marketplace.ifPresent(m -> parts.add("marketplace=" + m));
      recipient.ifPresent(r -> parts.add("recipient=" + r));
      kind.ifPresent(k -> parts.add("kind=" + k));
      batch.ifPresent(b -> parts.add("batch=" + b));
      // A transaction id is the marketplace's order number: the access log keeps its hash, which
      // shows whether an officer looked for a given transaction without naming any.
      transaction.ifPresent(
          t ->
              parts.add(
                  "transaction=sha256:" + Digests.sha256Hex(t.getBytes(StandardCharsets.UTF_8))));
      from.ifPresent(f -> parts.add("from=" + f));
      to.ifPresent(t -> parts.add("to=" + t));
      parts.addAll(List.of(more));
      return new OfficerReads.Read(
          officer, log, resource, String.join("&", parts), marketplace, recipient);
    }
  }

  private static String officer(RoutingContext ctx) {
    return PartnerContext.partner(ctx).id();
  }

  private <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
    return workers.submit(work).onFailure(ctx::fail);
  }

  private static JsonObject entry(LogRow row) {
    JsonObject entry = new JsonObject().put("index", row.index());
    new JsonObject(row.entry()).forEach(member -> entry.put(member.getKey(), member.getValue()));
    return entry;
  }

  /**
   * A checkpoint as the API answers it: its JWS, the same as a C2SP signed note, and the largest
   * checkpoint witnesses cosigned, as a note with their cosignatures. Reads the store: call it on a
   * worker.
   */
  private static JsonObject checkpointJson(SignedLog log, StoredCheckpoint checkpoint) {
    JsonObject answer =
        new JsonObject()
            .put("treeSize", checkpoint.treeSize())
            .put("rootHash", checkpoint.rootHash())
            .put("time", checkpoint.signedAt().toString())
            .put("jws", checkpoint.jws())
            .put("note", log.note(checkpoint))
            .put("noteKey", log.noteKey());
    log.witnessed()
        .ifPresent(
            witnessed ->
                answer.put(
                    "witnessed",
                    new JsonObject()
                        .put("treeSize", witnessed.checkpoint().treeSize())
                        .put("rootHash", witnessed.checkpoint().rootHash())
                        .put("note", witnessed.note())
                        .put("witnesses", new JsonArray(witnessed.witnesses()))));
    return answer;
  }

  private static void csv(LogRow row, StringBuilder out) {
    JsonObject entry = new JsonObject(row.entry());
    JsonObject policy = Optional.ofNullable(entry.getJsonObject("policy")).orElse(new JsonObject());
    List<String> prefix =
        List.of(
            Long.toString(row.index()),
            entry.getString("time", ""),
            entry.getString("kind", ""),
            entry.getString("batchId", ""),
            entry.getString("marketplace", ""),
            entry.getString("recipient", ""),
            policy.getString("id", ""),
            String.valueOf(policy.getValue("version", "")),
            policy.getString("sha256", ""),
            String.valueOf(entry.getValue("keyVersion", "")),
            String.valueOf(entry.getValue("recordsIn", "")),
            String.valueOf(entry.getValue("recordsOut", "")));
    JsonArray fields = entry.getJsonArray("fields", new JsonArray());
    if (fields.isEmpty()) {
      csvLine(
          out,
          prefix,
          List.of("", "", "", entry.getString("officer", ""), entry.getString("resource", "")));
      return;
    }
    for (int i = 0; i < fields.size(); i++) {
      JsonObject field = fields.getJsonObject(i);
      csvLine(
          out,
          prefix,
          List.of(
              field.getString("path", ""),
              field.getString("action", ""),
              String.valueOf(field.getValue("values", "")),
              "",
              ""));
    }
  }

  static void csvLine(StringBuilder out, List<String> first, List<String> second) {
    List<String> cells = new ArrayList<>(first);
    cells.addAll(second);
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      String cell = cells.get(i);
      // A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV
      // injection); a cell that would break the row is quoted (RFC 4180).
      if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0) {
        cell = "'" + cell;
      }
      if (needsQuotes(cell)) {
        out.append('"').append(cell.replace("\"", "\"\"")).append('"');
      } else {
        out.append(cell);
      }
    }
    out.append("\r\n");
  }

  private static boolean needsQuotes(String cell) {
    for (int i = 0; i < cell.length(); i++) {
      char c = cell.charAt(i);
      if (c == '"' || c == ',' || c == '\r' || c == '\n') {
        return true;
      }
    }
    return false;
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }

  /**
   * The page a browser gets for a certificate without the officer's role: who the certificate says
   * it is and what to do, instead of a problem document. The partner id and role are escaped,
   * though the registry allows neither markup characters.
   */
  private void refusalPage(RoutingContext ctx) {
    Partner partner = PartnerContext.partner(ctx);
    String html =
        refusal
            .replace("{{partner}}", escapeHtml(partner.id()))
            .replace("{{role}}", escapeHtml(partner.role().wireName()));
    ctx.response()
        .setStatusCode(403)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", PAGE_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(html);
  }

  private static String escapeHtml(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private void servePage(RoutingContext ctx, String name) {
    PageFile file = page.get(name);
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, file.contentType())
        .putHeader("Content-Security-Policy", PAGE_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(file.content());
  }

  private static PageFile pageFile(String name, String contentType) {
    try (InputStream in = PrivacyEndpoints.class.getResourceAsStream("privacy-page/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the review page's " + name + " is missing");
      }
      return new PageFile(contentType, Buffer.buffer(in.readAllBytes()));
    } catch (IOException e) {
      throw new IllegalStateException("the review page's " + name + " cannot be read", e);
    }
  }
}
